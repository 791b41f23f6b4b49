import { api } from './api.js';
import { h, replace, table, banner } from './dom.js';

const short = digest => (digest ? `${digest.slice(0, 12)}…` : 'not published');

export async function clusterView({ view }) {
  const cluster = await api('/cluster');
  const newest = Math.max(cluster.appliedSequence, ...cluster.members.map(m => m.appliedSequence));
  const rows = cluster.members.map(member => {
    const flags = [];
    if (member.nodeId === cluster.leader) flags.push(h('span', { class: 'badge ok' }, 'leader'), ' ');
    if (member.nodeId === cluster.nodeId) flags.push(h('span', { class: 'badge' }, 'this node'), ' ');
    if (member.appliedSequence < newest) flags.push(h('span', { class: 'badge bad' }, `behind by ${newest - member.appliedSequence}`));
    return [member.nodeId, member.url ? h('a', { href: member.url }, member.url) : '—', String(member.appliedSequence),
      h('span', { class: 'mono', title: member.digest ?? '' }, short(member.digest)), flags];
  });
  const listed = cluster.members.some(m => m.nodeId === cluster.nodeId);
  if (!listed) {
    rows.push([cluster.nodeId, '—', String(cluster.appliedSequence), h('span', { class: 'mono' }, short(cluster.digest)),
      h('span', { class: 'badge bad' }, cluster.zookeeper === 'connected' ? 'not a member yet' : `disconnected (${cluster.zookeeper})`)]);
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
    agreement(cluster),
    table(['Node', 'Address', 'Applied sequence', 'Digest', 'Flags'], rows));
}

// Equal digests at the same applied sequence mean identical schedules; a member still applying is catching up, not diverging.
function agreement(cluster) {
  const members = cluster.members;
  if (members.length === 0) return banner('warn', h('span', { id: 'digests' }, 'No member is registered: ZooKeeper is not reachable from this node.'));
  const sequences = new Set(members.map(m => m.appliedSequence));
  const digests = new Set(members.map(m => m.digest));
  if (members.some(m => !m.digest)) return banner('warn', h('span', { id: 'digests' }, 'Some members publish no digest (an older version): agreement unknown.'));
  if (digests.size === 1) return banner('', h('span', { id: 'digests' }, `All ${members.length} digests agree.`));
  if (sequences.size > 1) return banner('warn', h('span', { id: 'digests' }, 'Digests differ while some members are still applying changes.'));
  return banner('bad', h('span', { id: 'digests' }, 'Digests differ at the same applied sequence: the schedules diverge.'));
}
