// AsyncOS-style timestamps: `Sat Nov 28 14:11:22 2026` (UTC, from the engine clock).
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

let cachedSecond = NaN;
let cachedText = '';

export function formatApplianceDate(ms: number): string {
  // Every log line formats the time: most lines share their second with the previous one.
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return cachedText;
  cachedSecond = second;
  cachedText = formatDate(ms);
  return cachedText;
}

function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** RFC 5322 date, for `Received:` headers and DSN fields. */
export function formatRfc5322Date(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
