// The console's one door to the node: the same HTTP API as every client, with the credential kept for this tab only.
const credentialKey = 'joblog.credential';

export const credential = {
  get: () => sessionStorage.getItem(credentialKey),
  set: value => sessionStorage.setItem(credentialKey, value),
  clear: () => sessionStorage.removeItem(credentialKey),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The node answered ${status}.`);
    this.status = status;
    this.problem = problem ?? {};
  }

  /// Field name -> messages, as the RFC 9457 validation document lists them.
  get fields() {
    if (this.problem.errors) return this.problem.errors;
    if (this.problem.field) return { [this.problem.field]: [this.problem.detail ?? this.message] };
    return {};
  }
}

let unauthorized = () => {};
export function onUnauthorized(handler) { unauthorized = handler; }

export async function api(path, { method = 'GET', body, ifMatch } = {}) {
  const headers = { Accept: 'application/json' };
  const secret = credential.get();
  if (secret) headers.Authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { title: 'The node cannot be reached.', detail: 'The node cannot be reached; check that it runs.' });
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.slice(0, 300) }; }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401) unauthorized(error);
    throw error;
  }
  return data;
}

export const query = parameters => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const jobPath = id => `/jobs/${encodeURIComponent(id)}`;
