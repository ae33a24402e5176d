// Durations as a trainer types them: `72h`, `90s`, `1h30m`, `2d`, `45` (seconds).

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/^\+/, '');
  if (/^\d+$/.test(t)) return Number(t) * 1_000;
  if (!/^(\d+[smhdw])+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+)([smhdw])/g)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms;
}

/** Shown as the forecast and the alerts show it (src/model/duration.ts). */
export { formatDuration } from '../model/duration.js';
