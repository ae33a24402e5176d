// `forecast` (esa-sim's own, not AsyncOS), the pure part: if the destinations stay down, when
// the queue's storage fills (senders get 452), when delay warnings go out, and when the queued
// recipients bounce — from each one's bounce profile, attempts and arrival — as a timeline.
import { isExpired, type BounceSettings } from './bounce-profile.js';

/** What the forecast needs of the engine now (EngineApi.forecastSnapshot). */
export interface ForecastSnapshot {
  now: number;
  queuedMessages: number;
  queueMaxMessages: number;
  kilobytesUsed: number;
  kilobytesFree: number;
  /** Messages received per hour over the last 15 minutes (simulated). */
  arrivalsPerHour: number;
  /** Every pending recipient, those the forecast cannot tell apart in one group (RecipientTally). */
  recipients: RecipientGroup[];
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
  /** A down host's expiry is acted on by a sweep at its time: at most this much later (ms), for a big queue. */
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

/**
 * Pending recipients with the same profile, attempts, delay warnings sent and DSN-or-not that
 * arrived from `arrival` to `lastArrival` (default: the same), `count` of them (default 1).
 */
export interface RecipientGroup {
  profile: string;
  arrival: number;
  lastArrival?: number;
  attempts: number;
  warningsSent: number;
  dsn: boolean;
  count?: number;
}

/**
 * The queue's pending recipients gathered into groups as they are walked, so a million queued
 * make a few groups, not a million entries. A group's recipients differ only in arrival, and
 * whether their lifetime is over at `now` is part of the key: so the first and last bounce,
 * whether a delay warning is still due and the first of them are the same for the group as
 * they are recipient by recipient (expiry and warning times grow with arrival).
 */
export class RecipientTally {
  readonly #groups = new Map<string, Required<RecipientGroup>>();

  constructor(
    readonly now: number,
    readonly profiles: Record<string, BounceSettings>,
  ) {}

  add(profile: string, arrival: number, attempts: number, warningsSent: number, dsn: boolean): void {
    const p = this.profiles[profile];
    const alive = p ? arrival + p.max_queue_lifetime * 1000 + 1 > this.now : false;
    const key = `${profile}\n${attempts}\n${warningsSent}\n${dsn ? 1 : 0}${alive ? 1 : 0}`;
    const g = this.#groups.get(key);
    if (!g) {
      this.#groups.set(key, { profile, arrival, lastArrival: arrival, attempts, warningsSent, dsn, count: 1 });
      return;
    }
    g.count++;
    if (arrival < g.arrival) g.arrival = arrival;
    if (arrival > g.lastArrival) g.lastArrival = arrival;
  }

  groups(): RecipientGroup[] {
    return [...this.#groups.values()];
  }
}

/** When a recipient arrived at `arrival` expires (isExpired's rule): lifetime after arrival, or now when its retries are used up. */
function expiryOf(r: RecipientGroup, arrival: number, p: BounceSettings, now: number): number {
  if (isExpired(p, arrival, r.attempts, now) === 'retries') return now;
  return Math.max(now, arrival + p.max_queue_lifetime * 1000 + 1);
}

export function forecast(s: ForecastSnapshot): Forecast {
  const by = new Map<string, ProfileForecast>();
  let total = 0;
  for (const r of s.recipients) {
    const count = r.count ?? 1;
    total += count;
    const p = s.profiles[r.profile];
    if (!p) continue;
    // Expiry grows with arrival: the group's first and last arrivals bound its bounces.
    const at = expiryOf(r, r.arrival, p, s.now);
    const lastAt = expiryOf(r, r.lastArrival ?? r.arrival, p, s.now);
    let f = by.get(r.profile);
    if (!f) {
      f = {
        profile: r.profile,
        recipients: 0,
        dsns: 0,
        firstBounce: at,
        lastBounce: lastAt,
        // The scheduler sweeps a down host when its next mail expires, at most 60 s late (scheduler.ts, #noteOwed).
        checkedWithin: 60_000,
        lifetime: p.max_queue_lifetime * 1000,
        warnings: 0,
      };
      by.set(r.profile, f);
    }
    f.recipients += count;
    if (r.dsn) f.dsns += count;
    f.firstBounce = Math.min(f.firstBounce, at);
    f.lastBounce = Math.max(f.lastBounce, lastAt);
    // Delay warnings: DSNs get none; each recipient gets up to send_warnings_count, one interval apart.
    // Within a group the answer is the same for every recipient (RecipientTally): the first one's stands for all.
    if (p.send_warnings && !r.dsn && r.warningsSent < p.send_warnings_count) {
      const due = Math.max(s.now, r.arrival + p.send_warnings_interval * 1000 * (r.warningsSent + 1));
      if (due < at) {
        f.warnings += count;
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
    storageFull = {
      at: s.now + Math.round(hours * 3_600_000),
      rate: s.arrivalsPerHour,
      limit: byMessages ? `${s.queueMaxMessages} messages` : "the queue's megabytes",
    };
  }
  return {
    now: s.now,
    ...(storageFull ? { storageFull } : {}),
    profiles,
    ...(profiles.length ? { first: Math.min(...profiles.map((p) => p.firstBounce)), last: Math.max(...profiles.map((p) => p.lastBounce)) } : {}),
    total,
  };
}
