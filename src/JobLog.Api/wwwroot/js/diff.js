/// A JSON value as "path -> text" pairs, so two versions compare field by field.
export function flatten(value, prefix = '', into = {}) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    if (Object.keys(value).length === 0 && prefix) into[prefix] = '{}';
  } else {
    into[prefix] = Array.isArray(value) ? value.join(', ') : value === null ? 'null' : String(value);
  }
  return into;
}
