import { api, query, jobPath } from './api.js';
import { h, replace, field, showError, banner, table } from './dom.js';
import { when, zones, viewerZone } from './format.js';

// The form's controls, each a string value; a job view turns into these values and these values into a request.
const controls = ['name', 'cron', 'timeZone', 'url', 'method', 'headers', 'secretHeaders', 'body', 'timeoutSeconds',
  'misfire', 'catchUpWindowSeconds', 'concurrency', 'attempts', 'backoffSeconds', 'maxBackoffSeconds'];

const labels = {
  name: 'Name', cron: 'Cron', timeZone: 'Time zone', url: 'Target URL', method: 'Method', headers: 'Headers',
  secretHeaders: 'Secret headers', body: 'Body', timeoutSeconds: 'Timeout (s)', misfire: 'Misfire policy',
  catchUpWindowSeconds: 'Catch-up window (s)', concurrency: 'Concurrency', attempts: 'Retry attempts',
  backoffSeconds: 'Backoff (s)', maxBackoffSeconds: 'Max backoff (s)',
};

const defaults = {
  name: '', cron: '*/5 * * * *', timeZone: 'UTC', url: 'https://', method: 'POST', headers: '', secretHeaders: '', body: '',
  // Left empty, a number takes the node's default; the selects start at the node's defaults.
  timeoutSeconds: '', misfire: 'fireOnce', catchUpWindowSeconds: '', concurrency: 'forbid', attempts: '',
  backoffSeconds: '', maxBackoffSeconds: '',
};

export function valuesOf(job) {
  return {
    name: job.name, cron: job.cron, timeZone: job.timeZone, url: job.target.url, method: job.target.method,
    headers: Object.entries(job.target.headers).map(([k, v]) => `${k}: ${v}`).join('\n'),
    secretHeaders: job.target.secretHeaders.join(', '), body: job.target.body ?? '',
    timeoutSeconds: String(job.target.timeoutSeconds), misfire: job.policy.misfire,
    catchUpWindowSeconds: String(job.policy.catchUpWindowSeconds), concurrency: job.policy.concurrency,
    attempts: String(job.policy.retry.attempts), backoffSeconds: String(job.policy.retry.backoffSeconds),
    maxBackoffSeconds: String(job.policy.retry.maxBackoffSeconds),
  };
}

function parseHeaders(text) {
  const headers = {};
  const bad = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) bad.push(index + 1);
    else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers, bad };
}

function toRequest(values) {
  const number = text => (text.trim() === '' ? undefined : Number(text));
  return {
    name: values.name, cron: values.cron.trim(), timeZone: values.timeZone.trim(),
    target: {
      url: values.url.trim(), method: values.method, headers: parseHeaders(values.headers).headers,
      body: values.body === '' ? null : values.body, timeoutSeconds: number(values.timeoutSeconds),
      secretHeaders: values.secretHeaders.split(',').map(s => s.trim()).filter(Boolean),
    },
    policy: {
      misfire: values.misfire, catchUpWindowSeconds: number(values.catchUpWindowSeconds), concurrency: values.concurrency,
      retry: { attempts: number(values.attempts), backoffSeconds: number(values.backoffSeconds), maxBackoffSeconds: number(values.maxBackoffSeconds) },
    },
  };
}

// The API names fields as the request does (target.url, policy.retry.attempts, target.headers.X-Token): which control shows it.
function controlOf(apiField) {
  const path = apiField.replace(/\[\d+\]$/, '');
  const direct = {
    name: 'name', cron: 'cron', timeZone: 'timeZone', 'target.url': 'url', 'target.method': 'method', 'target.body': 'body',
    'target.timeoutSeconds': 'timeoutSeconds', 'policy.misfire': 'misfire', 'policy.catchUpWindowSeconds': 'catchUpWindowSeconds',
    'policy.concurrency': 'concurrency', 'policy.retry.attempts': 'attempts', 'policy.retry.backoffSeconds': 'backoffSeconds',
    'policy.retry.maxBackoffSeconds': 'maxBackoffSeconds', id: 'id', target: 'url',
  }[path];
  if (direct) return direct;
  if (path.startsWith('target.secretHeaders')) return 'secretHeaders';
  if (path.startsWith('target.headers')) return 'headers';
  if (path.startsWith('policy.retry')) return 'attempts';
  return null;
}

/// Create (id null) or edit: validation as you type, the node's own cron check with a preview, and a conflict view on 412.
export async function formView({ view }, id) {
  let loaded = id ? await api(jobPath(id)) : null;
  const inputs = {};
  const text = (name, attributes = {}) => (inputs[name] = h('input', { type: 'text', ...attributes }));
  const choice = (name, options) => (inputs[name] = h('select', {}, options.map(o => h('option', { value: o }, o))));
  const number = (name, min, max) =>
    (inputs[name] = h('input', { type: 'number', min, max, step: 1, inputmode: 'numeric', placeholder: 'default' }));
  const idInput = id ? null : h('input', { type: 'text', maxlength: 64, pattern: '[a-z0-9_\\-]+', autocomplete: 'off' });
  const enabledInput = id ? null : h('input', { type: 'checkbox', checked: true });
  const zoneList = h('datalist', { id: 'zones' }, zones().map(zone => h('option', { value: zone })));
  inputs.headers = h('textarea', { rows: 3, spellcheck: 'false' });
  inputs.body = h('textarea', { rows: 3, spellcheck: 'false' });
  const preview = h('ol', { class: 'preview', id: 'cron-preview', 'aria-live': 'polite' });
  const summary = h('div', { id: 'form-summary', 'aria-live': 'assertive' });
  const conflict = h('section', { id: 'conflict', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary' }, id ? 'Save changes' : 'Create job');

  const form = h('form', { novalidate: true, 'aria-labelledby': 'form-title' },
    summary,
    conflict,
    h('fieldset', {}, h('legend', {}, 'Job'),
      id ? null : field('f-id', 'Id', idInput, 'Letters a-z, digits, - and _; left empty, the node makes one.'),
      field('f-name', labels.name, text('name', { maxlength: 200, required: true })),
      field('f-cron', labels.cron, text('cron', { spellcheck: 'false', autocomplete: 'off', class: 'mono' }),
        '5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.'),
      h('div', {}, h('strong', {}, 'Next fire times'), preview),
      field('f-timeZone', labels.timeZone, text('timeZone', { list: 'zones', autocomplete: 'off' }), `IANA name; yours is ${viewerZone}.`),
      zoneList,
      enabledInput ? field('f-enabled', 'Enabled (fires on schedule)', enabledInput) : null),
    h('fieldset', {}, h('legend', {}, 'Target'),
      field('f-url', labels.url, text('url', { type: 'url', spellcheck: 'false' })),
      field('f-method', labels.method, choice('method', ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'])),
      field('f-headers', labels.headers, inputs.headers, 'One "Name: value" a line. Secret values show as *** and are kept when left as ***.'),
      field('f-secretHeaders', labels.secretHeaders, text('secretHeaders'), 'Comma-separated header names whose values are secret (Authorization, Cookie and names with token, secret, key or password always are).'),
      field('f-body', labels.body, inputs.body),
      field('f-timeoutSeconds', labels.timeoutSeconds, number('timeoutSeconds', 1, 300))),
    h('fieldset', {}, h('legend', {}, 'Dispatch policy'),
      field('f-misfire', labels.misfire, choice('misfire', ['fireOnce', 'skip', 'fireAll'])),
      field('f-catchUpWindowSeconds', labels.catchUpWindowSeconds, number('catchUpWindowSeconds', 0, 604800)),
      field('f-concurrency', labels.concurrency, choice('concurrency', ['forbid', 'allow', 'replace'])),
      field('f-attempts', labels.attempts, number('attempts', 1, 100)),
      field('f-backoffSeconds', labels.backoffSeconds, number('backoffSeconds', 0, 86400)),
      field('f-maxBackoffSeconds', labels.maxBackoffSeconds, number('maxBackoffSeconds', 0, 86400))),
    h('div', { class: 'actions' }, save,
      h('a', { class: 'button', href: id ? `#${jobPath(id)}` : '#/jobs' }, 'Cancel')));

  const read = () => Object.fromEntries(controls.map(name => [name, inputs[name].value]));
  const fill = values => { for (const name of controls) inputs[name].value = values[name] ?? ''; };
  fill(loaded ? valuesOf(loaded) : defaults);

  // Checks the browser can make at once; the node's verdict on save is the one that counts.
  const local = {
    name: v => (v.trim() ? '' : 'A name is required.'),
    url: v => {
      try {
        const url = new URL(v.trim());
        return url.protocol === 'http:' || url.protocol === 'https:' ? '' : 'Must be an http or https URL.';
      } catch { return 'Must be an absolute URL such as https://example.com/hook.'; }
    },
    headers: v => {
      const { bad } = parseHeaders(v);
      return bad.length ? `Line ${bad.join(', ')}: write "Name: value".` : '';
    },
    timeoutSeconds: v => range(v, 1, 300),
    catchUpWindowSeconds: v => range(v, 0, 604800),
    attempts: v => range(v, 1, 100),
  };
  for (const [name, check] of Object.entries(local)) {
    inputs[name].addEventListener('input', () => showError(`f-${name}`, check(inputs[name].value)));
  }
  if (idInput) idInput.addEventListener('input', () => showError('f-id',
    idInput.value === '' || /^[a-z0-9_-]{1,64}$/.test(idInput.value) ? '' : 'Use 1-64 of a-z, 0-9, - and _.'));

  let asked = 0;
  let timer = null;
  const checkCron = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const result = await api(`/cron/next${query({ cron: inputs.cron.value, timeZone: inputs.timeZone.value, count: 5 })}`);
        if (mine !== asked) return;
        showError('f-cron', '');
        showError('f-timeZone', '');
        replace(preview, result.next.length === 0 ? h('li', {}, 'never fires')
          : result.next.map(at => h('li', {}, when(at, result.timeZone), h('span', { class: 'hint' }, ` · ${when(at)}`))));
      } catch (error) {
        if (mine !== asked) return;
        const fields = error.fields;
        showError('f-cron', fields.cron?.join(' ') ?? '');
        showError('f-timeZone', fields.timeZone?.join(' ') ?? '');
        replace(preview, h('li', {}, fields.cron || fields.timeZone ? 'no preview until the cron and time zone are valid' : error.message));
      }
    }, 250);
  };
  inputs.cron.addEventListener('input', checkCron);
  inputs.timeZone.addEventListener('input', checkCron);
  inputs.timeZone.addEventListener('change', checkCron);
  checkCron();

  form.addEventListener('submit', async event => {
    event.preventDefault();
    for (const name of [...controls, 'id']) showError(`f-${name}`, '');
    replace(summary);
    const problems = Object.entries(local).map(([name, check]) => [name, check(inputs[name].value)]).filter(([, m]) => m);
    if (problems.length) {
      for (const [name, message] of problems) showError(`f-${name}`, message);
      replace(summary, banner('bad', 'Some fields need attention.'));
      document.getElementById(`f-${problems[0][0]}`).focus();
      return;
    }
    save.disabled = true;
    try {
      const request = toRequest(read());
      const saved = id
        ? await api(jobPath(id), { method: 'PUT', body: request, ifMatch: loaded.version })
        : await api('/jobs', { method: 'POST', body: { ...request, id: idInput.value || undefined, enabled: enabledInput.checked } });
      location.hash = `#${jobPath(saved.id)}`;
    } catch (error) {
      save.disabled = false;
      if (error.status === 412 && loaded) return showConflict(error);
      const unplaced = [];
      for (const [apiField, messages] of Object.entries(error.fields)) {
        const control = controlOf(apiField);
        if (control) showError(`f-${control}`, messages.join(' '));
        else unplaced.push(`${apiField}: ${messages.join(' ')}`);
      }
      replace(summary, banner('bad', error.status === 400 ? 'The node refused the job: see the fields marked below.' : error.message,
        unplaced.length ? h('ul', {}, unplaced.map(m => h('li', {}, m))) : null));
      const first = Object.keys(error.fields).map(controlOf).find(Boolean);
      if (first) document.getElementById(`f-${first}`)?.focus();
    }
  });

  // Nothing is overwritten: the user sees what changed since they loaded the job, then chooses.
  async function showConflict(error) {
    const current = await api(jobPath(id));
    const base = valuesOf(loaded);
    const theirs = valuesOf(current);
    const mine = read();
    const changed = controls.filter(name => base[name] !== theirs[name]);
    const edited = controls.filter(name => base[name] !== mine[name]);
    const both = edited.filter(name => changed.includes(name) && theirs[name] !== mine[name]);
    const stateChanges = [['status', loaded.status, current.status], ['enabled', String(loaded.enabled), String(current.enabled)]]
      .filter(([, was, now]) => was !== now);
    conflict.hidden = false;
    replace(conflict,
      banner('bad',
        h('h2', { id: 'conflict-title' }, 'Someone changed this job since you loaded it'),
        h('p', {}, `You loaded version ${loaded.version}; it is now at version ${current.version}`
          + ` (${error.problem.currentVersion ? 'the node said so' : 'read again'}). Nothing was saved.`),
        changed.length + stateChanges.length === 0 ? h('p', {}, 'No field of the form changed; only the version moved.')
          : table(['Field', 'When you loaded it', 'Now'], [
            ...changed.map(name => [labels[name], base[name], theirs[name]]),
            ...stateChanges.map(([name, was, now]) => [name, was, now])]),
        both.length ? h('p', {}, `You also changed ${both.map(n => labels[n]).join(', ')}: re-applying keeps your value there.`) : null,
        h('div', { class: 'actions' },
          h('button', { type: 'button', id: 'conflict-reload', onclick: () => adopt(current, theirs) }, 'Reload (drop my edits)'),
          h('button', { type: 'button', id: 'conflict-reapply', class: 'primary', onclick: () => {
            const merged = { ...theirs };
            for (const name of edited) merged[name] = mine[name];
            adopt(current, merged);
          } }, 'Re-apply my edits on the new version'))));
    conflict.querySelector('h2').setAttribute('tabindex', '-1');
    conflict.querySelector('h2').focus();
  }

  function adopt(current, values) {
    loaded = current;
    fill(values);
    conflict.hidden = true;
    replace(conflict);
    replace(summary, banner('', `Now editing version ${current.version}. Review and save.`));
    checkCron();
    inputs.name.focus();
  }

  replace(view,
    h('p', {}, h('a', { href: id ? `#${jobPath(id)}` : '#/jobs' }, id ? '← Job' : '← Jobs')),
    h('h1', { id: 'form-title' }, id ? `Edit ${loaded.name}` : 'New job'),
    id ? h('p', { class: 'hint' }, `Editing version ${loaded.version}.`) : null,
    form);
  (idInput ?? inputs.name).focus();
}

function range(value, min, max) {
  if (value.trim() === '') return '';
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? '' : `Must be a whole number from ${min} to ${max}.`;
}
