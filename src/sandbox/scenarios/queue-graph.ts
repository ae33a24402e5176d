// The queue over simulated time: samples of the appliance's queue size kept while the sandbox
// runs (from its queue and mail-log events), and a plain-text bar chart of them with the
// deliveries, bounces and refusals marked under it (`sim graph`). Drawing is pure.
import type { EngineApi } from '../../api/engine-api.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { formatDuration } from '../duration.js';

export interface QueueSample {
  at: number;
  queued: number;
  /** The backend accepted connections then. */
  backendUp: boolean;
}

export type MarkKind = 'delivered' | 'bounced' | 'refused';

export interface QueueMark {
  at: number;
  kind: MarkKind;
  count: number;
}

/** At most this many samples and marks are kept (the oldest go first). */
const KEEP = 20_000;

export class QueueSampler {
  readonly samples: QueueSample[] = [];
  readonly marks: QueueMark[] = [];
  readonly since: number;
  readonly #off: (() => void)[] = [];

  constructor(
    private readonly api: EngineApi,
    private readonly backendUp: () => boolean,
  ) {
    this.since = api.now();
    this.sample();
    this.#off.push(api.on('queue', () => this.sample()));
    this.#off.push(
      api.on('log', (line) => {
        // One mark per log line that finishes recipients: "Message done ... to RID [0, 1]" counts its RIDs.
        const done = /Message done DCID \d+ MID \d+ to RID \[([^\]]*)\]/.exec(line);
        if (done) this.mark('delivered', done[1].split(',').length);
        else if (/Bounced: /.test(line)) this.mark('bounced', 1);
      }),
    );
  }

  /** Records the queue size now, when it changed (or the backend's state did). */
  sample(): void {
    const s: QueueSample = { at: this.api.now(), queued: this.api.gauges().queuedMessages, backendUp: this.backendUp() };
    const last = this.samples.at(-1);
    if (last && last.queued === s.queued && last.backendUp === s.backendUp) return;
    this.samples.push(s);
    if (this.samples.length > KEEP) this.samples.shift();
  }

  mark(kind: MarkKind, count: number): void {
    this.marks.push({ at: this.api.now(), kind, count });
    if (this.marks.length > KEEP) this.marks.shift();
  }

  /** The largest queue sampled in [from, to] while the backend was down (0 when it never was). */
  peakWhileDown(from: number, to: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.at >= from && s.at <= to && !s.backendUp) peak = Math.max(peak, s.queued);
    return peak;
  }

  close(): void {
    for (const off of this.#off.splice(0)) off();
  }
}

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const MARK_CHAR: Record<MarkKind, string> = { delivered: 'd', bounced: 'B', refused: 'r' };

/** Left of the bars: a 9-character label and ` |`. */
const LABEL_WIDTH = 11;

/**
 * The chart, no line wider than `columns`: `height` rows of bars (each column the largest
 * queue in its slice of time), the backend's state under it (`_` up, `x` down), then one row
 * per kind of mark with its letter where it happened and its total at the right, and the time
 * axis.
 */
export function drawQueueGraph(samples: readonly QueueSample[], marks: readonly QueueMark[], from: number, to: number, columns = 80, height = 8): string[] {
  if (samples.length === 0) return ['No samples yet.'];
  const kinds: MarkKind[] = ['delivered', 'bounced', 'refused'];
  const totals = kinds.map((kind) => marks.reduce((n, m) => (m.kind === kind && m.at >= from && m.at <= to ? n + m.count : n), 0));
  // The bars take what the labels and the widest total (after two spaces) leave.
  const width = Math.max(20, columns - LABEL_WIDTH - 2 - Math.max(...totals.map((t) => String(t).length)));
  const span = Math.max(1, to - from);
  const col = (at: number) => Math.min(width - 1, Math.max(0, Math.floor(((at - from) / span) * width)));
  const peak: number[] = new Array(width).fill(-1);
  const down: boolean[] = new Array(width).fill(false);
  // Each sample holds until the next one: a column takes the largest value alive in it.
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const end = i + 1 < samples.length ? samples[i + 1].at : to;
    if (end < from || s.at > to) continue;
    for (let c = col(Math.max(s.at, from)); c <= col(Math.min(end, to)); c++) {
      peak[c] = Math.max(peak[c], s.queued);
      if (!s.backendUp) down[c] = true;
    }
  }
  const top = Math.max(1, ...peak);
  const rows: string[] = [];
  const label = (n: number) => String(n).padStart(9);
  for (let r = height - 1; r >= 0; r--) {
    let line = '';
    for (const v of peak) {
      const eighths = v < 0 ? 0 : Math.round((v / top) * height * 8) - r * 8;
      line += BLOCKS[Math.max(0, Math.min(8, eighths))];
    }
    rows.push(`${r === height - 1 ? label(top) : r === 0 ? label(0) : ' '.repeat(9)} |${line}`);
  }
  rows.push(`${'backend'.padStart(9)} |${down.map((d) => (d ? 'x' : '_')).join('')}`);
  kinds.forEach((kind, i) => {
    const line = new Array(width).fill(' ');
    for (const m of marks) if (m.kind === kind && m.at >= from && m.at <= to) line[col(m.at)] = MARK_CHAR[kind];
    rows.push(`${kind.padStart(9)} |${line.join('')}  ${totals[i]}`);
  });
  rows.push(`${' '.repeat(LABEL_WIDTH)}${formatApplianceDate(from)}${`+${formatDuration(to - from)}: ${formatApplianceDate(to)}`.padStart(Math.max(0, width - 24))}`);
  return rows;
}
