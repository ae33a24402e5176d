// The `rate` and `hostrate` tables: title lines and one row per sample, deltas against the
// previous sample. Pure, so the columns are unit-tested; plain digits (drivers parse \d+).
import type { HostStatusView, StatusSnapshot } from '../../../api/engine-api.js';
import { hostUpDown } from './hoststatus-report.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `HH:MM:SS` (UTC) of a simulated time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** What `rate` reads from the engine at each row. */
export interface RateSample {
  now: number;
  connectionsIn: number;
  connectionsOut: number;
  recipientsReceived: number;
  recipientsCompleted: number;
  kilobytesUsed: number;
}

export function rateSample(s: StatusSnapshot): RateSample {
  return {
    now: s.now,
    connectionsIn: s.gauges.connectionsIn,
    connectionsOut: s.gauges.connectionsOut,
    recipientsReceived: s.counters.recipientsReceived.reset,
    recipientsCompleted: s.counters.completedRecipients.reset,
    kilobytesUsed: s.gauges.kilobytesUsed,
  };
}

export const RATE_TITLES = [
  ' Time    Connections Recipients          Recipients            Queue',
  '          In   Out   Received    Delta   Completed    Delta    K-Used',
];

/** One row; the first one (no previous sample) has zero deltas. */
export function rateRow(cur: RateSample, prev: RateSample | undefined): string {
  const base = prev ?? cur;
  return (
    clockTime(cur.now) +
    String(cur.connectionsIn).padStart(4) +
    String(cur.connectionsOut).padStart(6) +
    String(cur.recipientsReceived).padStart(11) +
    String(cur.recipientsReceived - base.recipientsReceived).padStart(9) +
    String(cur.recipientsCompleted).padStart(12) +
    String(cur.recipientsCompleted - base.recipientsCompleted).padStart(10) +
    String(cur.kilobytesUsed).padStart(8)
  );
}

/** What `hostrate` reads from the engine at each row. */
export interface HostRateSample {
  now: number;
  state: 'up' | 'down' | 'unknown';
  connectionsOut: number;
  activeRecipients: number;
  deliveredRecipients: number;
  hardBouncedRecipients: number;
  softBouncedEvents: number;
}

/** A host without any record samples as `unknown` with zeros. */
export function hostRateSample(now: number, v: HostStatusView | undefined): HostRateSample {
  return {
    now,
    state: hostUpDown(v),
    connectionsOut: v?.connectionsOut ?? 0,
    activeRecipients: v?.activeRecipients ?? 0,
    deliveredRecipients: v?.deliveredRecipients ?? 0,
    hardBouncedRecipients: v?.hardBouncedRecipients ?? 0,
    softBouncedEvents: v?.softBouncedEvents ?? 0,
  };
}

export const HOSTRATE_TITLES = [
  '   Time      Host  CrtCncOut   ActvRcp ActvRcp  DlvRcp HrdBncRcp  SftBncEvt',
  '            Status                       Delta   Delta     Delta      Delta',
];

export function hostRateRow(cur: HostRateSample, prev: HostRateSample | undefined): string {
  const base = prev ?? cur;
  return (
    clockTime(cur.now) +
    cur.state.padStart(10) +
    String(cur.connectionsOut).padStart(10) +
    String(cur.activeRecipients).padStart(10) +
    String(cur.activeRecipients - base.activeRecipients).padStart(8) +
    String(cur.deliveredRecipients - base.deliveredRecipients).padStart(8) +
    String(cur.hardBouncedRecipients - base.hardBouncedRecipients).padStart(10) +
    String(cur.softBouncedEvents - base.softBouncedEvents).padStart(11)
  );
}
