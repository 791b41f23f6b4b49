import { api, query, jobPath } from './api.js';
import { h, replace, field, table, banner } from './dom.js';
import { when, lateness, viewerZone } from './format.js';
import { flatten } from './diff.js';

export async function jobView({ view, params }, id) {
  const version = params.get('version');
  const asOf = params.get('asOf');
  const past = version !== null || asOf !== null;
  const [job, current, history, runs] = await Promise.all([
    api(`${jobPath(id)}${query({ version, asOf })}`),
    past ? api(jobPath(id)) : null,
    api(`${jobPath(id)}/history`),
    api(`${jobPath(id)}/runs${query({ limit: 20 })}`).catch(error => ({ error })),
  ]);
  const latest = current ?? job;
  const status = h('div', { id: 'action-status', 'aria-live': 'polite' });

  replace(view,
    h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')),
    h('h1', {}, job.name, ' ', h('span', { class: 'hint mono' }, job.id)),
    h('p', {},
      h('span', { class: `badge ${job.status === 'deleted' ? 'bad' : 'ok'}`, id: 'job-status' }, job.status), ' ',
      h('span', { class: 'badge', id: 'job-enabled' }, job.enabled ? 'enabled' : 'paused'), ' ',
      h('span', { class: 'badge', id: 'job-version' }, `version ${job.version}`)),
    past
      ? banner('warn', h('span', { id: 'as-of-banner' },
        version !== null ? `Showing version ${version} of ${latest.version}.` : `Showing the job as of ${when(asOf)} (version ${job.version} of ${latest.version}).`),
        ' ', h('a', { href: `#${jobPath(id)}` }, 'Show the current version'))
      : actions(latest, status),
    status,
    h('div', { class: 'grid2' },
      h('section', { 'aria-labelledby': 'def-title' }, h('h2', { id: 'def-title' }, 'Definition'), definition(job)),
      h('section', { 'aria-labelledby': 'next-title' }, h('h2', { id: 'next-title' }, 'Next 10 fire times'), nextTimes(job))),
    h('section', { 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Runs'), runTable(runs)),
    h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Change history'),
      asOfForm(id, latest, history), diffForm(id, history), timeline(id, history)));
}

function actions(job, status) {
  const reason = h('input', { type: 'text', maxlength: 1000, placeholder: 'optional' });
  const change = (label, path, method = 'POST', className = '') => h('button', {
    type: 'button', class: className, onclick: async event => {
      event.target.disabled = true;
      try {
        const body = reason.value.trim() ? { reason: reason.value.trim() } : undefined;
        await api(`${jobPath(job.id)}${path}`, { method, body, ifMatch: job.version });
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (error) {
        event.target.disabled = false;
        replace(status, error.status === 412
          ? banner('bad', `The job changed since this page loaded (it is now at version ${error.problem.currentVersion ?? 'newer'}); nothing was done. `,
            h('button', { type: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, 'Reload'))
          : banner('bad', error.message));
      }
    },
  }, label);
  const trigger = h('button', {
    type: 'button', onclick: async () => {
      try {
        const run = await api(`${jobPath(job.id)}/trigger`, { method: 'POST' });
        replace(status, banner('', `Triggered: run ${run.id} is queued for the leader.`));
      } catch (error) {
        replace(status, banner('bad', error.message));
      }
    },
  }, 'Trigger now');
  const deleted = job.status === 'deleted';
  return h('div', { class: 'needs-editor' },
    h('div', { class: 'actions' },
      deleted ? null : h('a', { class: 'button', href: `#${jobPath(job.id)}/edit` }, 'Edit'),
      deleted ? null : job.enabled ? change('Pause', '/pause') : change('Resume', '/resume'),
      deleted ? change('Restore', '/restore') : change('Delete', '', 'DELETE', 'danger'),
      deleted ? null : trigger),
    field('change-reason', 'Reason for the change', reason));
}

function definition(job) {
  const target = job.target;
  const headers = Object.entries(target.headers);
  return h('dl', { class: 'def' },
    h('dt', {}, 'Cron'), h('dd', {}, h('code', {}, job.cron)),
    h('dt', {}, 'Time zone'), h('dd', {}, job.timeZone),
    h('dt', {}, 'Target'), h('dd', {}, h('code', {}, `${target.method} ${target.url}`)),
    h('dt', {}, 'Headers'), h('dd', {}, headers.length === 0 ? '—' : headers.map(([name, value]) => h('div', { class: 'mono' }, `${name}: ${value}`))),
    h('dt', {}, 'Body'), h('dd', {}, target.body ? h('code', {}, target.body) : '—'),
    h('dt', {}, 'Timeout'), h('dd', {}, `${target.timeoutSeconds} s`),
    h('dt', {}, 'Misfire'), h('dd', {}, `${job.policy.misfire}, catch up within ${job.policy.catchUpWindowSeconds} s`),
    h('dt', {}, 'Concurrency'), h('dd', {}, job.policy.concurrency),
    h('dt', {}, 'Retry'), h('dd', {}, `${job.policy.retry.attempts} attempts, backoff ${job.policy.retry.backoffSeconds}–${job.policy.retry.maxBackoffSeconds} s`),
    h('dt', {}, 'Created'), h('dd', {}, when(job.createdAt)),
    h('dt', {}, 'Updated'), h('dd', {}, when(job.updatedAt)));
}

function nextTimes(job) {
  const list = h('ol', { id: 'next-fire-times' }, h('li', {}, '…'));
  api(`/cron/next${query({ cron: job.cron, timeZone: job.timeZone, count: 10 })}`).then(
    preview => replace(list, preview.next.length === 0 ? h('li', {}, 'never') : preview.next.map(at =>
      h('li', {}, when(at, job.timeZone), h('span', { class: 'hint' }, ` · ${when(at)}`)))),
    error => replace(list, h('li', {}, error.message)));
  const note = job.status === 'deleted' ? 'Deleted: it does not fire; these are the times it would.'
    : job.enabled ? `In the job's zone (${job.timeZone}) · in yours (${viewerZone}).` : 'Paused: it does not fire; these are the times it would.';
  return [h('p', { class: 'hint' }, note), list];
}

function runTable(runs) {
  if (runs.error) return banner('bad', runs.error.message);
  if (runs.items.length === 0) return h('p', {}, 'No runs yet.');
  return table(['Run', 'Scheduled', 'Kind', 'Outcome', 'Lateness', 'HTTP', 'Attempts', 'Error'],
    runs.items.map(run => [String(run.id), when(run.scheduledAt), run.kind, run.outcome ?? 'in flight',
      lateness(run.latenessMs), run.httpStatus ?? '—', String(run.attempts), run.error ?? '']));
}

function timeline(id, history) {
  return h('ol', { class: 'timeline', id: 'history' }, [...history].reverse().map(entry => h('li', {},
    h('strong', {}, `v${entry.version} ${entry.type}`), ' by ', h('strong', {}, entry.actor || 'unknown'),
    ` on ${entry.node || 'unknown node'} at ${when(entry.timestamp)}`,
    entry.reason ? [h('br'), h('span', {}, `Reason: ${entry.reason}`)] : null,
    h('br'),
    h('a', { href: `#${jobPath(id)}${query({ version: entry.version })}` }, `Show as of version ${entry.version}`), ' · ',
    h('a', { href: `#${jobPath(id)}${query({ asOf: entry.timestamp })}` }, 'as of this time'))));
}

function asOfForm(id, latest, history) {
  const versionInput = h('input', { type: 'number', min: 1, max: latest.version, value: latest.version });
  const timeInput = h('input', { type: 'datetime-local', step: 1 });
  const byVersion = h('form', { class: 'toolbar' }, field('as-of-version', 'Version', versionInput),
    h('button', { type: 'submit' }, 'Show this version'));
  byVersion.addEventListener('submit', event => {
    event.preventDefault();
    location.hash = `#${jobPath(id)}${query({ version: versionInput.value })}`;
  });
  const byTime = h('form', { class: 'toolbar' }, field('as-of-time', `Time (${viewerZone})`, timeInput),
    h('button', { type: 'submit' }, 'Show as of this time'));
  byTime.addEventListener('submit', event => {
    event.preventDefault();
    if (!timeInput.value) return;
    location.hash = `#${jobPath(id)}${query({ asOf: new Date(timeInput.value).toISOString() })}`;
  });
  return h('div', {}, byVersion, byTime, h('p', { class: 'hint' }, `${history.length} versions.`));
}

function diffForm(id, history) {
  if (history.length < 2) return null;
  const versions = history.map(e => e.version);
  const options = selected => versions.map(v => h('option', { value: v, selected: v === selected }, `v${v}`));
  const from = h('select', {}, options(versions.at(-2)));
  const to = h('select', {}, options(versions.at(-1)));
  const result = h('div', { id: 'diff-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'toolbar' }, field('diff-from', 'Compare version', from), field('diff-to', 'with version', to),
    h('button', { type: 'submit' }, 'Show differences'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const [a, b] = await Promise.all([from.value, to.value].map(v => api(`${jobPath(id)}${query({ version: v })}`)));
      const left = flatten(a);
      const right = flatten(b);
      const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter(k => left[k] !== right[k]).sort();
      replace(result, keys.length === 0 ? h('p', {}, 'No differences.') : table(['Field', `v${from.value}`, `v${to.value}`],
        keys.map(k => [h('code', {}, k), h('span', { class: 'diff-old' }, left[k] ?? '(none)'), h('span', { class: 'diff-new' }, right[k] ?? '(none)')])));
    } catch (error) {
      replace(result, banner('bad', error.message));
    }
  });
  return h('div', {}, form, result);
}
