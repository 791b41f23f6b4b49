import { api, query, jobPath } from './api.js';
import { h, replace, field, table, banner } from './dom.js';
import { when } from './format.js';

const pageLimit = 1000;
const shown = 200;

/// The feed is read in sequence order (oldest first) to its end, then shown newest first.
export async function auditView({ view, params }) {
  const events = [];
  let after = 0;
  for (;;) {
    const page = await api(`/events${query({ after, limit: pageLimit })}`);
    events.push(...page.items);
    if (page.items.length === 0 || page.next <= after) break;
    after = page.next;
  }
  events.reverse();
  const actor = params.get('actor') ?? '';
  const type = params.get('type') ?? '';
  const actors = [...new Set(events.map(e => e.actor))].sort();
  const types = [...new Set(events.map(e => e.type))].sort();
  const pick = (values, selected) => [h('option', { value: '' }, 'any'), ...values.map(v => h('option', { value: v, selected: v === selected }, v))];
  const actorSelect = h('select', {}, pick(actors, actor));
  const typeSelect = h('select', {}, pick(types, type));
  const filters = h('form', { class: 'toolbar' }, field('audit-actor', 'Actor', actorSelect), field('audit-type', 'Type', typeSelect),
    h('button', { type: 'submit' }, 'Filter'));
  filters.addEventListener('submit', event => {
    event.preventDefault();
    location.hash = `#/audit${query({ actor: actorSelect.value, type: typeSelect.value })}`;
  });
  actorSelect.addEventListener('change', () => filters.requestSubmit());
  typeSelect.addEventListener('change', () => filters.requestSubmit());

  const matching = events.filter(e => (!actor || e.actor === actor) && (!type || e.type === type));
  replace(view,
    h('h1', {}, 'Audit feed'),
    h('p', { class: 'hint' }, `Every change to every job, newest first (${events.length} in all).`),
    filters,
    matching.length === 0 ? banner('', 'No change matches.') : table(['When', 'Job', 'Version', 'Type', 'Actor', 'Node', 'Reason'],
      matching.slice(0, shown).map(e => [when(e.timestamp), h('a', { href: `#${jobPath(e.jobId)}` }, e.jobId), String(e.version),
        e.type, e.actor, e.node, e.reason ?? ''])),
    matching.length > shown ? h('p', { class: 'hint' }, `Showing the newest ${shown} of ${matching.length}.`) : null);
}
