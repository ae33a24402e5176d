// Counters for `status`, `tophosts` and `hoststatus`: kept incrementally as events happen,
// never recomputed by scanning the queue. Each counter has Reset / Uptime / Lifetime columns;
// Lifetime persists across restarts. Their names are the API's (src/api/engine-api.ts).
import { COUNTER_NAMES, type CounterColumns, type CounterName, type HardBounceKind } from '../api/engine-api.js';

export { COUNTER_NAMES, type CounterColumns, type CounterName, type HardBounceKind };

const KIND_COUNTER: Record<HardBounceKind, CounterName> = {
  dns: 'hardBouncedDns',
  '5xx': 'hardBounced5xx',
  expired: 'hardBouncedExpired',
  filter: 'hardBouncedFilter',
  other: 'hardBouncedOther',
};

/** Per destination host (the recipient domain). */
export class HostCounters {
  // Gauges: kept by the queue's records and the delivery workers.
  activeRecipients = 0;
  unattempted = 0;
  connectionsOut = 0;
  /** Connections being opened now. */
  connectionsPending = 0;
  /** Simulated ms of the last delivery event (attempt, delivery, bounce, deletion). */
  lastActivity = 0;
  lastError4xx = '';
  lastError5xx = '';
  // Counters since start or the last resetcounters.
  deliveredRecipients = 0;
  softBouncedEvents = 0;
  hardBouncedRecipients = 0;
  deletedRecipients = 0;
  readonly hardBounced: Record<HardBounceKind, number> = { dns: 0, '5xx': 0, expired: 0, filter: 0, other: 0 };
  constructor(readonly domain: string) {}

  reset(): void {
    this.deliveredRecipients = 0;
    this.softBouncedEvents = 0;
    this.hardBouncedRecipients = 0;
    this.deletedRecipients = 0;
    for (const k of Object.keys(this.hardBounced) as HardBounceKind[]) this.hardBounced[k] = 0;
  }
}

export class Counters {
  readonly values = new Map<CounterName, CounterColumns>();
  readonly hosts = new Map<string, HostCounters>();
  /** A time-ordered ring of (minute, counts) for `status detail` rates. */
  readonly #minutes: { minute: number; counts: Partial<Record<CounterName, number>> }[] = [];
  /** When `resetcounters` last ran; undefined: never. */
  lastReset: number | undefined;

  constructor(
    readonly now: () => number,
    readonly startedAt: number,
    lifetime: Partial<Record<CounterName, number>> = {},
  ) {
    for (const name of COUNTER_NAMES) this.values.set(name, { reset: 0, uptime: 0, lifetime: lifetime[name] ?? 0 });
  }

  inc(name: CounterName, n = 1): void {
    if (n === 0) return;
    const c = this.values.get(name)!;
    c.reset += n;
    c.uptime += n;
    c.lifetime += n;
    const minute = Math.floor(this.now() / 60_000);
    let slot = this.#minutes[this.#minutes.length - 1];
    if (!slot || slot.minute !== minute) {
      slot = { minute, counts: {} };
      this.#minutes.push(slot);
      while (this.#minutes.length > 16) this.#minutes.shift();
    }
    slot.counts[name] = (slot.counts[name] ?? 0) + n;
  }

  get(name: CounterName): CounterColumns {
    return this.values.get(name)!;
  }

  host(domain: string): HostCounters {
    let h = this.hosts.get(domain);
    if (!h) {
      h = new HostCounters(domain);
      this.hosts.set(domain, h);
    }
    return h;
  }

  delivered(domain: string, n: number): void {
    this.inc('deliveredRecipients', n);
    this.inc('completedRecipients', n);
    this.host(domain).deliveredRecipients += n;
  }

  softBounce(domain: string): void {
    this.inc('softBouncedEvents');
    this.host(domain).softBouncedEvents++;
  }

  hardBounce(domain: string, kind: HardBounceKind, n: number): void {
    this.inc('hardBouncedRecipients', n);
    this.inc(KIND_COUNTER[kind], n);
    this.inc('completedRecipients', n);
    const h = this.host(domain);
    h.hardBouncedRecipients += n;
    h.hardBounced[kind] += n;
  }

  deleted(domain: string, n: number): void {
    this.inc('deletedRecipients', n);
    this.inc('completedRecipients', n);
    this.host(domain).deletedRecipients += n;
  }

  /** Events per hour over the last `minutes` minutes. */
  ratePerHour(name: CounterName, minutes: number): number {
    const current = Math.floor(this.now() / 60_000);
    let total = 0;
    for (const slot of this.#minutes) if (slot.minute > current - minutes) total += slot.counts[name] ?? 0;
    return Math.round((total * 60) / minutes);
  }

  reset(): void {
    for (const c of this.values.values()) c.reset = 0;
    for (const h of this.hosts.values()) h.reset();
    this.lastReset = this.now();
  }

  lifetimeSnapshot(): Partial<Record<CounterName, number>> {
    const out: Partial<Record<CounterName, number>> = {};
    for (const [name, c] of this.values) out[name] = c.lifetime;
    return out;
  }
}
