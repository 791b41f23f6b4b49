// Builds elements from values only (text, never HTML), so nothing a job or an event holds can inject markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'value') element.value = value;
    else if (name === 'checked') element.checked = Boolean(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/// A labelled control with a place for its error, linked for screen readers.
export function field(id, labelText, control, hint) {
  control.id = id;
  const error = h('p', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' });
  const describedBy = [`${id}-error`];
  let hintElement = null;
  if (hint) {
    hintElement = h('p', { class: 'hint', id: `${id}-hint` }, hint);
    describedBy.push(`${id}-hint`);
  }
  control.setAttribute('aria-describedby', describedBy.join(' '));
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), control, hintElement, error);
}

export function showError(id, message) {
  const control = document.getElementById(id);
  const error = document.getElementById(`${id}-error`);
  if (error) error.textContent = message ?? '';
  if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
}

export function banner(kind, ...children) {
  return h('div', { class: `banner ${kind}`, role: kind === 'bad' ? 'alert' : 'status' }, ...children);
}

export function table(headers, rows, className = 'stack') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: className },
      h('thead', {}, h('tr', {}, headers.map(text => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, rows.map(cells => h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': headers[i] }, cell)))))));
}
