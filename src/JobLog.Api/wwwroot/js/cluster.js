import { api } from './api.js';
import { h, replace, table, banner } from './dom.js';

export async function clusterView({ view }) {
  const cluster = await api('/cluster');
  const newest = Math.max(cluster.appliedSequence, ...cluster.members.map(m => m.appliedSequence));
  const rows = cluster.members.map(member => {
    const flags = [];
    if (member.nodeId === cluster.leader) flags.push(h('span', { class: 'badge ok' }, 'leader'));
    if (member.nodeId === cluster.nodeId) flags.push(h('span', { class: 'badge' }, 'this node'));
    if (member.appliedSequence < newest) flags.push(h('span', { class: 'badge bad' }, `behind by ${newest - member.appliedSequence}`));
    return [member.nodeId, member.url ? h('a', { href: member.url }, member.url) : '—', String(member.appliedSequence), flags];
  });
  if (!cluster.members.some(m => m.nodeId === cluster.nodeId)) {
    rows.push([cluster.nodeId, '—', String(cluster.appliedSequence), h('span', { class: 'badge bad' }, 'not a member (disconnected)')]);
  }
  replace(view,
    h('h1', {}, 'Cluster'),
    cluster.stale ? banner('bad', `This node is stale: ZooKeeper is ${cluster.zookeeper} or the store failed; what it shows may be old.`) : null,
    h('dl', { class: 'def' },
      h('dt', {}, 'This node'), h('dd', { id: 'cluster-node' }, cluster.nodeId),
      h('dt', {}, 'Leader'), h('dd', { id: 'cluster-leader' }, cluster.leader ?? 'none'),
      h('dt', {}, 'Epoch'), h('dd', {}, cluster.epoch ?? '—'),
      h('dt', {}, 'ZooKeeper'), h('dd', {}, cluster.zookeeper),
      h('dt', {}, 'Applied sequence'), h('dd', {}, String(cluster.appliedSequence)),
      h('dt', {}, 'Jobs'), h('dd', {}, String(cluster.jobCount)),
      h('dt', {}, 'Schedule digest'), h('dd', { class: 'mono' }, cluster.digest)),
    h('h2', {}, 'Members'),
    table(['Node', 'Address', 'Applied sequence', ''], rows),
    h('p', { class: 'hint' }, 'Members that have applied the same sequence hold the same schedule when their digests agree; '
      + 'open a member\'s own console to read its digest.'));
}
