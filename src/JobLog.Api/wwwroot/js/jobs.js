import { api, query, jobPath } from './api.js';
import { h, replace, field, table, banner } from './dom.js';
import { when, viewerZone } from './format.js';

const pageSize = 20;

export async function jobsView({ view, params }) {
  const status = params.get('status') ?? 'active';
  const search = params.get('search') ?? '';
  const after = params.get('after') ?? '';
  const page = await api(`/jobs${query({ status, search, after, limit: pageSize })}`);

  const searchInput = h('input', { type: 'search', value: search, placeholder: 'id or name' });
  const statusSelect = h('select', {}, ['active', 'deleted', 'all'].map(s => h('option', { value: s, selected: s === status }, s)));
  const filters = h('form', { class: 'toolbar', role: 'search' },
    field('job-search', 'Search', searchInput),
    field('job-status', 'Status', statusSelect),
    h('button', { type: 'submit' }, 'Apply'));
  filters.addEventListener('submit', event => {
    event.preventDefault();
    location.hash = `#/jobs${query({ status: statusSelect.value, search: searchInput.value.trim() })}`;
  });
  statusSelect.addEventListener('change', () => filters.requestSubmit());

  const nextCells = new Map();
  const rows = page.items.map(job => {
    const cell = h('span', {}, job.status === 'active' && job.enabled ? '…' : '—');
    nextCells.set(job.id, cell);
    return [
      h('a', { href: `#${jobPath(job.id)}` }, job.id),
      job.name,
      h('code', {}, job.cron),
      job.timeZone,
      [h('span', { class: `badge ${job.status === 'deleted' ? 'bad' : 'ok'}` }, job.status), ' ',
        job.enabled ? null : h('span', { class: 'badge' }, 'paused')],
      cell,
    ];
  });

  const pager = h('div', { class: 'actions' },
    after ? h('a', { class: 'button', href: `#/jobs${query({ status, search })}` }, 'First page') : null,
    page.next ? h('a', { class: 'button', href: `#/jobs${query({ status, search, after: page.next })}` }, 'Next page') : null);

  replace(view,
    h('h1', {}, 'Jobs'),
    filters,
    page.items.length === 0
      ? banner('', search ? `No ${status === 'all' ? '' : status + ' '}job matches “${search}”.` : 'No jobs here yet.')
      : table(['Id', 'Name', 'Cron', 'Time zone', 'Status', `Next fire (job's zone / ${viewerZone})`], rows),
    pager);

  // Each job's next fire time, computed by the node with the same cron rules as the dispatcher.
  await Promise.all(page.items.filter(job => job.status === 'active' && job.enabled).map(async job => {
    const cell = nextCells.get(job.id);
    try {
      const preview = await api(`/cron/next${query({ cron: job.cron, timeZone: job.timeZone, count: 1 })}`);
      const next = preview.next[0];
      replace(cell, next ? [when(next, job.timeZone), h('br'), h('span', { class: 'hint' }, when(next))] : 'never');
    } catch {
      replace(cell, 'unknown');
    }
  }));
}
