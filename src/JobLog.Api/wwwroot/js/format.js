export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const formats = new Map();
function formatter(zone) {
  if (!formats.has(zone)) {
    formats.set(zone, new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      second: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
    }));
  }
  return formats.get(zone);
}

/// An instant as the clocks of a zone show it; UTC when the browser does not know the zone.
export function when(instant, zone = viewerZone) {
  if (!instant) return '—';
  const date = new Date(instant);
  try {
    return formatter(zone).format(date).replace(',', '');
  } catch {
    return `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
  }
}

export function lateness(ms) {
  if (ms === null || ms === undefined) return '—';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function zones() {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...known.filter(zone => zone !== 'UTC')];
}
