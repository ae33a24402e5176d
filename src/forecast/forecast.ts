// `forecast` (esa-sim's own, not AsyncOS), the pure part: if the destinations stay down, when
// the queue's storage fills (senders get 452), when delay warnings go out, and when the queued
// recipients bounce — from each one's bounce profile, attempts and arrival — as a timeline.
import { isExpired, type BounceSettings } from '../bounce/profile.js';

/** What the forecast needs of the engine now (EngineApi.forecastSnapshot). */
export interface ForecastSnapshot {
  now: number;
  queuedMessages: number;
  queueMaxMessages: number;
  kilobytesUsed: number;
  kilobytesFree: number;
  /** Messages received per hour over the last 15 minutes (simulated). */
  arrivalsPerHour: number;
  /** Every pending recipient. */
  recipients: { mid: number; domain: string; arrival: number; attempts: number; warningsSent: number; dsn: boolean; profile: string }[];
  /** The effective settings of each profile the recipients use. */
  profiles: Record<string, BounceSettings>;
}

export interface ProfileForecast {
  profile: string;
  recipients: number;
  /** Of them, DSNs: they are dropped when they expire, nobody is told. */
  dsns: number;
  /** The earliest and latest expiry (lifetime, or retries already used up: now). */
  firstBounce: number;
  lastBounce: number;
  /** Expiry is noticed at the next host retry of a down host: at most this much later (ms). */
  checkedWithin: number;
  lifetime: number;
  /** When the first delay warning goes out (undefined: none will). */
  firstWarning?: number;
  warnings: number;
}

export interface Forecast {
  now: number;
  /** When the message limit is reached at the measured arrival rate (undefined: not at this rate). */
  storageFull?: { at: number; rate: number; limit: string };
  profiles: ProfileForecast[];
  first?: number;
  last?: number;
  total: number;
}

/** When one recipient expires (isExpired's rule): lifetime after arrival, or now when its retries are used up. */
function expiryOf(r: ForecastSnapshot['recipients'][number], p: BounceSettings, now: number): number {
  if (isExpired(p, r.arrival, r.attempts, now) === 'retries') return now;
  return Math.max(now, r.arrival + p.max_queue_lifetime * 1000 + 1);
}

export function forecast(s: ForecastSnapshot): Forecast {
  const by = new Map<string, ProfileForecast>();
  for (const r of s.recipients) {
    const p = s.profiles[r.profile];
    if (!p) continue;
    const at = expiryOf(r, p, s.now);
    let f = by.get(r.profile);
    if (!f) {
      f = { profile: r.profile, recipients: 0, dsns: 0, firstBounce: at, lastBounce: at, checkedWithin: p.host_max_retry_timeout * 1000, lifetime: p.max_queue_lifetime * 1000, warnings: 0 };
      by.set(r.profile, f);
    }
    f.recipients++;
    if (r.dsn) f.dsns++;
    f.firstBounce = Math.min(f.firstBounce, at);
    f.lastBounce = Math.max(f.lastBounce, at);
    // Delay warnings: DSNs get none; each recipient gets up to send_warnings_count, one interval apart.
    if (p.send_warnings && !r.dsn && r.warningsSent < p.send_warnings_count) {
      const due = Math.max(s.now, r.arrival + p.send_warnings_interval * 1000 * (r.warningsSent + 1));
      if (due < at) {
        f.warnings++;
        f.firstWarning = Math.min(f.firstWarning ?? due, due);
      }
    }
  }
  const profiles = [...by.values()].sort((a, b) => a.firstBounce - b.firstBounce);
  let storageFull: Forecast['storageFull'];
  if (s.arrivalsPerHour > 0) {
    const room = Math.max(0, s.queueMaxMessages - s.queuedMessages);
    const kbPerMessage = s.queuedMessages > 0 ? s.kilobytesUsed / s.queuedMessages : 0;
    const roomByBytes = kbPerMessage > 0 ? s.kilobytesFree / kbPerMessage : Infinity;
    const byMessages = room <= roomByBytes;
    const hours = Math.min(room, roomByBytes) / s.arrivalsPerHour;
    storageFull = { at: s.now + Math.round(hours * 3_600_000), rate: s.arrivalsPerHour, limit: byMessages ? `${s.queueMaxMessages} messages` : 'the queue\'s megabytes' };
  }
  return {
    now: s.now,
    ...(storageFull ? { storageFull } : {}),
    profiles,
    ...(profiles.length ? { first: Math.min(...profiles.map((p) => p.firstBounce)), last: Math.max(...profiles.map((p) => p.lastBounce)) } : {}),
    total: s.recipients.length,
  };
}
