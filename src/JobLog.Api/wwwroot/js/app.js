import { api, credential, onUnauthorized } from './api.js';
import { h, replace, field, banner } from './dom.js';
import { jobsView } from './jobs.js';
import { jobView } from './job.js';
import { formView } from './form.js';
import { auditView } from './audit.js';
import { clusterView } from './cluster.js';

const view = document.getElementById('view');
let me = null;

function parseRoute() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(search) };
}

async function route() {
  if (!credential.get()) return signInView();
  if (!me) {
    try { me = await api('/me'); } catch (error) { return signInView(error.message); }
  }
  showIdentity();
  const { parts, params } = parseRoute();
  markCurrent(parts[0] ?? 'jobs');
  const context = { view, params, me };
  try {
    if (parts.length === 0 || (parts[0] === 'jobs' && parts.length === 1)) await jobsView(context);
    else if (parts[0] === 'jobs' && parts[1] === 'new') await formView(context, null);
    else if (parts[0] === 'jobs' && parts[2] === 'edit') await formView(context, parts[1]);
    else if (parts[0] === 'jobs') await jobView(context, parts[1]);
    else if (parts[0] === 'audit') await auditView(context);
    else if (parts[0] === 'cluster') await clusterView(context);
    else replace(view, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/jobs' }, 'Back to the jobs')));
  } catch (error) {
    if (error.status === 401) return;
    replace(view, h('h1', {}, 'Something went wrong'), banner('bad', error.message));
  }
}

function markCurrent(section) {
  for (const link of document.querySelectorAll('#nav a')) {
    const target = link.getAttribute('href').replace('#/', '');
    const current = target === section && !(section === 'jobs' && location.hash.startsWith('#/jobs/new'))
      || (target === 'jobs/new' && location.hash.startsWith('#/jobs/new'));
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

function showIdentity() {
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('identity').textContent = `Signed in as ${me.name}${me.role ? ` (${me.role})` : ''}`;
  document.body.dataset.role = me.role ?? 'none';
}

function signInView(message) {
  me = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  delete document.body.dataset.role;
  const input = h('input', { type: 'password', name: 'credential', autocomplete: 'off', required: true });
  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    h('p', {}, 'Paste an API key (./joblog key create NAME ROLE prints one) or a bearer token. It is kept in this browser tab only and forgotten when the tab closes.'),
    message ? banner('bad', message) : null,
    field('credential', 'API key or bearer token', input),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    credential.set(input.value.trim());
    try {
      me = await api('/me');
    } catch (error) {
      credential.clear();
      return signInView(error.status === 401 || error.status === 403
        ? 'The node does not accept this credential.' : error.message);
    }
    if (!location.hash || location.hash === '#/') location.hash = '#/jobs'; else route();
  });
  replace(view, form);
  input.focus();
}

onUnauthorized(() => {
  credential.clear();
  signInView('Your credential is no longer accepted; sign in again.');
});

document.getElementById('sign-out').addEventListener('click', () => {
  credential.clear();
  signInView();
});

window.addEventListener('hashchange', () => { route(); view.focus({ preventScroll: true }); });
route();
