// The benchmark's table: one row per figure, the engine and Postfix side by side (median and
// the min–max of the runs), their ratio, and the target the figure is held to.
import type { Spread } from './stats.js';

export type Unit = 'msg/s' | 'ms' | 's' | 'MB' | 'count' | 'bytes' | '×';

export interface Target {
  /** `ratio` compares with Postfix (esa / postfix), `value` with a fixed number. */
  kind: 'ratio' | 'value';
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  id: string;
  label: string;
  unit: Unit;
  esa?: Spread;
  postfix?: Spread;
  target?: Target;
  note?: string;
}

function num(v: number, unit: Unit): string {
  if (!Number.isFinite(v)) return '–';
  switch (unit) {
    case 'msg/s':
    case 'count':
    case 'bytes':
      return Math.round(v).toLocaleString('en-US');
    case '×':
      return v.toFixed(2);
    case 'ms':
      return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
    case 's':
      return v.toFixed(2);
    case 'MB':
      return (v / 1024 / 1024).toFixed(1);
  }
}

export function formatSpread(s: Spread | undefined, unit: Unit): string {
  if (!s || !Number.isFinite(s.median)) return '–';
  const m = num(s.median, unit);
  if (s.runs.filter((r) => Number.isFinite(r)).length < 2) return m;
  return `${m} (${num(s.min, unit)}–${num(s.max, unit)})`;
}

export function ratio(f: Figure): number {
  if (!f.esa || !f.postfix || !Number.isFinite(f.esa.median) || !Number.isFinite(f.postfix.median) || f.postfix.median === 0) return NaN;
  return f.esa.median / f.postfix.median;
}

/** Whether the figure meets its target: true, false, or undefined when it cannot be told. */
export function meets(f: Figure): boolean | undefined {
  if (!f.target || !f.esa || !Number.isFinite(f.esa.median)) return undefined;
  const v = f.target.kind === 'ratio' ? ratio(f) : f.esa.median;
  if (!Number.isFinite(v)) return undefined;
  return f.target.op === '>=' ? v >= f.target.value : v <= f.target.value;
}

function targetText(f: Figure): string {
  if (!f.target) return '';
  const t = f.target;
  if (t.kind === 'ratio') return `${t.op === '>=' ? '≥' : '≤'} ${t.value.toFixed(1)}× postfix`;
  const v = t.value;
  return `${t.op === '>=' ? '≥' : '≤'} ${f.unit === 'MB' ? `${Math.round(v / 1024 / 1024)} MB` : f.unit === 's' ? `${v} s` : `${v} ${f.unit}`}`;
}

/** A plain-text table (also valid Markdown). */
export function formatTable(figures: Figure[], withPostfix: boolean): string {
  const header = ['figure', 'esa', ...(withPostfix ? ['postfix', 'esa/postfix'] : []), 'target', ''];
  const rows = figures.map((f) => {
    const ok = meets(f);
    const r = ratio(f);
    return [
      `${f.label} (${f.unit})`,
      formatSpread(f.esa, f.unit),
      ...(withPostfix ? [formatSpread(f.postfix, f.unit), Number.isFinite(r) ? (r < 0.01 ? '<0.01×' : `${r.toFixed(2)}×`) : '–'] : []),
      targetText(f),
      ok === undefined ? '' : ok ? 'ok' : 'MISS',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}
