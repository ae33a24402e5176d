// The `status` / `status detail` report as text, from a snapshot of counters and gauges:
// pure, so its layout is unit-tested. Labels are the appliance's; numbers have separators.
import { formatCount } from '../../../model/format-count.js';
import { resourceConservation } from '../../../model/conservation.js';
import type { CounterName } from '../../../api/engine-api.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { field, FIELD_WIDTH } from '../../kit/report-field.js';
import type { StatusSnapshot } from '../../../api/engine-api.js';

export type { StatusSnapshot } from '../../../api/engine-api.js';

/** `1d 4h 11m 22s`, leading zero units left out. */
export function formatDuration(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (d || h) parts.push(`${h}h`);
  if (d || h || m) parts.push(`${m}m`);
  parts.push(`${s}s`);
  return parts.join(' ');
}

const WIDTH = 14;
const num = (n: number) => formatCount(n).padStart(WIDTH);
const line = (label: string, ...values: number[]) => `${label.padEnd(FIELD_WIDTH)}${values.map(num).join('')}`.trimEnd();
const textLine = (label: string, value: string) => `${label.padEnd(FIELD_WIDTH)}${value.padStart(WIDTH)}`;
const heading = (label: string, ...columns: string[]) => `${label.padEnd(FIELD_WIDTH)}${columns.map((c) => c.padStart(WIDTH)).join('')}`;

export { resourceConservation };

/** `171G`, `9.5G`, `512M`: bytes in the largest unit that keeps a digit before the point. */
export function formatBytesShort(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.floor(v) : Math.floor(v * 10) / 10}${units[i]}`;
}

/** Counter rows: [indent, label, counter] (a null counter is a group heading); the web GUI shows the same rows. */
export const COUNTER_ROWS: readonly [number, string, CounterName | null][] = [
  [2, 'Receiving', null],
  [4, 'Messages Received', 'messagesReceived'],
  [4, 'Recipients Received', 'recipientsReceived'],
  [4, 'Gen. Bounce Recipients', 'genBounceRecipients'],
  [2, 'Rejection', null],
  [4, 'Rejected Recipients', 'rejectedRecipients'],
  [4, 'Dropped Messages', 'droppedMessages'],
  [2, 'Queue', null],
  [4, 'Soft Bounced Events', 'softBouncedEvents'],
  [2, 'Completion', null],
  [4, 'Completed Recipients', 'completedRecipients'],
  [6, 'Hard Bounced Recipients', 'hardBouncedRecipients'],
  [8, 'DNS Hard Bounces', 'hardBouncedDns'],
  [8, '5XX Hard Bounces', 'hardBounced5xx'],
  [8, 'Expired Hard Bounces', 'hardBouncedExpired'],
  [8, 'Filter Hard Bounces', 'hardBouncedFilter'],
  [8, 'Other Hard Bounces', 'hardBouncedOther'],
  [6, 'Delivered Recipients', 'deliveredRecipients'],
  [6, 'Deleted Recipients', 'deletedRecipients'],
];

export const RATE_ROWS: readonly [number, string, CounterName | null][] = [
  [2, 'Receiving', null],
  [4, 'Messages Received', 'messagesReceived'],
  [4, 'Recipients Received', 'recipientsReceived'],
  [2, 'Queue', null],
  [4, 'Soft Bounced Events', 'softBouncedEvents'],
  [2, 'Completion', null],
  [4, 'Completed Recipients', 'completedRecipients'],
  [6, 'Hard Bounced Recipients', 'hardBouncedRecipients'],
  [6, 'Delivered Recipients', 'deliveredRecipients'],
];

export function formatStatus(s: StatusSnapshot, detail: boolean): string[] {
  const date = (ms: number) => `${formatApplianceDate(ms)} UTC`;
  const out: string[] = [
    `${field('Status as of:')}${date(s.now)}`,
    `${field('Up since:')}${date(s.startedAt)} (${formatDuration(s.now - s.startedAt)})`,
    `${field('Last counter reset:')}${s.lastReset === undefined ? 'Never' : date(s.lastReset)}`,
    `${field('System status:')}${s.systemStatus}`,
    `${field('Oldest Message:')}${s.oldestArrival === undefined ? 'No Messages' : formatDuration(s.now - s.oldestArrival)}`,
    // Only when there are some: damaged state files an operator should look at (docs/reliability.md).
    ...((s.corruptFilesKept ?? 0) > 0 ? [`${field('Corrupt files kept:')}${s.corruptFilesKept} (*.corrupt-* in the data dir)`] : []),
    // Only when there are some: messages whose spool file failed its check, not delivered.
    ...((s.damagedSpoolFiles ?? 0) > 0 ? [`${field('Damaged messages:')}${s.damagedSpoolFiles} (in queue/corrupt, not delivered)`] : []),
    // Only while the queue on disk still loads after a start (mail is taken meanwhile), or when
    // its load stopped on an error (the rest stays on disk until the next start).
    ...(s.queueLoading ? [`${field('Queue:')}${queueLoadingText(s.queueLoading)}`] : []),
    // Only while the disk refuses writes: new mail gets 452 4.3.1 until a probe succeeds.
    ...(s.storageShort
      ? [
          `${field('Storage:')}cannot write ${s.storageShort.what}: ${s.storageShort.reason}, since ${formatDuration(Math.max(0, Date.now() - s.storageShort.since))}; receiving refused (452 4.3.1)`,
        ]
      : []),
    '',
    heading('Counters:', 'Reset', 'Uptime', 'Lifetime'),
  ];
  for (const [indent, label, name] of COUNTER_ROWS) {
    const text = ' '.repeat(indent) + label;
    if (!name) out.push(text);
    else {
      const c = s.counters[name];
      out.push(line(text, c.reset, c.uptime, c.lifetime));
    }
  }
  out.push(
    '  Current IDs',
    line('    Message ID (MID)', s.ids.mid),
    line('    Injection Conn. ID (ICID)', s.ids.icid),
    line('    Delivery Conn. ID (DCID)', s.ids.dcid),
  );
  if (detail) {
    out.push('', heading('Rates (Events Per Hour):', '1-Minute', '5-Minutes', '15-Minutes'));
    for (const [indent, label, name] of RATE_ROWS) {
      const text = ' '.repeat(indent) + label;
      if (!name) out.push(text);
      else out.push(line(text, ...(s.rates?.[name] ?? [0, 0, 0])));
    }
  }
  const g = s.gauges;
  out.push('', heading('Gauges:', 'Current'));
  if (s.system) {
    const m = s.system;
    out.push(
      '  System',
      textLine('    RAM Utilization', `${m.ramPercent}%`),
      textLine('    Overall CPU load average', `${m.cpuPercent}%`),
      textLine('    Disk I/O Utilization', `${m.diskIoPercent}%`),
      line('    Resource Conservation', resourceConservation(s.storageShort ? 100 : g.storageUsedPercent)),
      textLine('    Logging Disk Usage', `${m.loggingDiskPercent}%`),
      textLine('    Logging Disk Available', formatBytesShort(m.loggingDiskAvailable)),
    );
  } else {
    out.push('  System', line('    Resource Conservation', resourceConservation(s.storageShort ? 100 : g.storageUsedPercent)));
  }
  out.push(
    '  Connections',
    line('    Current Inbound Conn.', g.connectionsIn),
    line('    Current Outbound Conn.', g.connectionsOut),
    '  Queue',
    line('    Active Recipients', g.activeRecipients),
    line('      Unattempted Recipients', g.unattempted),
    line('      Attempted Recipients', g.attempted),
    line('    Messages In Work Queue', g.messagesInWorkQueue),
    line('    Destinations In Memory', g.destinations),
    line('    Kilobytes Used', g.kilobytesUsed),
    line('    Kilobytes Free', g.kilobytesFree),
  );
  return out;
}

/** The `Queue:` line's text: how far the load after a start has got, or where and why it stopped. */
function queueLoadingText(l: NonNullable<StatusSnapshot['queueLoading']>): string {
  const far = `${formatCount(l.messages)} of about ${formatCount(l.expectedMessages)} messages (${loadedPercent(l)}%), ${l.rangesDone} of ${l.ranges} ranges`;
  if (l.stopped === undefined) return `still loading after the start: ${far}`;
  return `loading stopped after the start at ${far}: ${l.stopped}; the rest stays on disk and loads at the next start`;
}

/** How far a loading queue has got, in whole percent of its ranges (never 100 before it is done). */
function loadedPercent(l: { ranges: number; rangesDone: number }): number {
  return l.ranges > 0 ? Math.min(99, Math.floor((l.rangesDone / l.ranges) * 100)) : 0;
}
