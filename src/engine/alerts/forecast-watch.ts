// The forecast alert (esa-sim's own, not AsyncOS): when a destination is marked down, what the
// `forecast` model says of it if it stays down — when its first queued mail bounces and when
// queue storage fills at the arrival rate — sent once when it goes down (after alertconfig
// FORECAST's minutes), and again as the first bounce or a full queue comes near (its hours and
// minutes before). Looked at only when something changes: the destination's mark, the queue's
// conservation level, or the next threshold's time on the engine's clock. The mail queued for
// a destination is walked when it goes down and once more before the first bounce is said to
// be near; destinations that go down together share one walk of the queue.
import { ALERTS, alertSettings, type AlertSpec, type DestinationOutlook, type ForecastAlertKind } from '../../model/alerts.js';
import type { ApplianceConfig } from '../../model/config.js';
import { forecast, type ForecastSnapshot } from '../../model/forecast.js';
import type { Clock, ClockTimer } from '../clock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ForecastWatchContext {
  clock: Clock;
  config: () => ApplianceConfig;
  raise: (spec: AlertSpec) => void;
  /** The forecast's snapshots of the mail queued for these domains, from one walk of the queue (in slices). */
  snapshots: (domains: ReadonlySet<string>) => Promise<Map<string, ForecastSnapshot>>;
  /** The queue's size, limits and arrival rate now (no walk). */
  storage: () => Omit<ForecastSnapshot, 'recipients' | 'profiles'>;
  /** Whether the destination is still marked down. */
  isDown: (domain: string) => boolean;
}

interface Episode {
  since: number;
  told: Set<ForecastAlertKind>;
  /** The first bounce as the last walk of its mail found it (undefined: nothing queued then). */
  firstBounce?: DestinationOutlook['firstBounce'];
  walked: boolean;
  /** The walk before saying the first bounce is near was made. */
  confirmed: boolean;
  timer?: ClockTimer;
  /** A look is being taken (it may wait for a walk): another waits for it. */
  looking: boolean;
  again: boolean;
}

/** Storage if the arrival rate holds: full now, full at a time, or not filling. */
function storageOutlook(s: Omit<ForecastSnapshot, 'recipients' | 'profiles'>): DestinationOutlook['storage'] {
  if (s.queuedMessages >= s.queueMaxMessages || s.kilobytesFree <= 0) return { full: true };
  const f = forecast({ ...s, recipients: [], profiles: {} });
  return { full: false, ...(f.storageFull ? { fullAt: f.storageFull.at } : {}) };
}

export class ForecastWatch {
  readonly #down = new Map<string, Episode>();
  /** Looks being taken now. */
  readonly #running = new Set<Promise<void>>();
  /** Domains waiting for the next walk, with who waits. */
  readonly #wanted = new Map<string, ((s: ForecastSnapshot | undefined) => void)[]>();
  /** A walk runs (or is about to): requests join its next round. */
  #walking = false;
  #stopped = false;

  constructor(readonly ctx: ForecastWatchContext) {}

  /** A destination was marked down (again) or came back up. */
  marked(domain: string, down: boolean): void {
    if (this.#stopped) return;
    const episode = this.#down.get(domain);
    if (!down) {
      episode?.timer?.cancel();
      this.#down.delete(domain);
      return;
    }
    if (episode) return;
    this.#down.set(domain, { since: this.ctx.clock.now(), told: new Set(), walked: false, confirmed: false, looking: false, again: false });
    this.#lookSoon(domain);
  }

  /** The queue's level changed: when storage fills is looked at again (no walk) for every down destination. */
  queueChanged(): void {
    for (const [domain, e] of this.#down) if (!e.told.has('full')) this.#lookSoon(domain);
  }

  /** Resolves once no look is being taken. */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  stop(): void {
    this.#stopped = true;
    for (const e of this.#down.values()) e.timer?.cancel();
    this.#down.clear();
  }

  #lookSoon(domain: string): void {
    const look = this.#look(domain);
    this.#running.add(look);
    void look.finally(() => this.#running.delete(look));
  }

  /** Sends what is due now, and sets the timer for the next threshold. */
  async #look(domain: string): Promise<void> {
    const e = this.#down.get(domain);
    if (!e) return;
    if (e.looking) {
      e.again = true;
      return;
    }
    e.looking = true;
    try {
      do {
        e.again = false;
        await this.#lookOnce(domain, e);
      } while (e.again && this.#down.get(domain) === e);
    } finally {
      e.looking = false;
    }
  }

  async #lookOnce(domain: string, e: Episode): Promise<void> {
    const { clock, config } = this.ctx;
    const t = alertSettings(config()).forecast;
    const firstAt = e.since + t.downMinutes * MINUTE;
    const next: number[] = [];
    const bounceNear = () => (e.firstBounce ? Math.max(firstAt, e.firstBounce.at - t.bounceHours * HOUR) : undefined);
    if (clock.now() < firstAt) next.push(firstAt);
    else {
      // The mail is walked for the first alert, and again before the first bounce is said to be near.
      const confirm = e.told.has('down') && !e.told.has('bounce') && !e.confirmed && clock.now() >= (bounceNear() ?? Infinity);
      if (!e.walked || confirm) {
        const snapshot = await this.#snapshot(domain);
        if (!snapshot || this.#down.get(domain) !== e || !this.ctx.isDown(domain)) return;
        e.firstBounce = firstBounceOf(snapshot);
        e.walked = true;
        e.confirmed = confirm;
      }
      const now = clock.now();
      const outlook: DestinationOutlook = {
        domain,
        now,
        downSince: e.since,
        ...(e.firstBounce ? { firstBounce: e.firstBounce } : {}),
        storage: storageOutlook(this.ctx.storage()),
      };
      // The first alert already says what is near: it is not said twice.
      const toldNow = !e.told.has('down');
      if (toldNow) {
        this.ctx.raise(ALERTS.forecast('down', outlook));
        e.told.add('down');
      }
      const near = bounceNear();
      if (near !== undefined && !e.told.has('bounce')) {
        if (now >= near && (toldNow || e.confirmed)) {
          if (!toldNow) this.ctx.raise(ALERTS.forecast('bounce', outlook));
          e.told.add('bounce');
        } else next.push(near);
      }
      const fullNear = outlook.storage.fullAt === undefined ? undefined : outlook.storage.fullAt - t.fullMinutes * MINUTE;
      if (fullNear !== undefined && !e.told.has('full')) {
        if (now >= fullNear) {
          if (!toldNow) this.ctx.raise(ALERTS.forecast('full', outlook));
          e.told.add('full');
        } else next.push(fullNear);
      }
    }
    e.timer?.cancel();
    e.timer = next.length ? this.ctx.clock.at(Math.min(...next), () => this.#lookSoon(domain)) : undefined;
  }

  /** The domain's snapshot from the next walk of the queue (requests made meanwhile share it). */
  #snapshot(domain: string): Promise<ForecastSnapshot | undefined> {
    return new Promise((resolve) => {
      const waiting = this.#wanted.get(domain);
      if (waiting) waiting.push(resolve);
      else this.#wanted.set(domain, [resolve]);
      if (!this.#walking) {
        this.#walking = true;
        void this.#walk();
      }
    });
  }

  async #walk(): Promise<void> {
    // Destinations marked down in the same turn join this walk.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.#wanted.size) {
        const batch = new Map(this.#wanted);
        this.#wanted.clear();
        // A walk that fails (the engine stopping under it) gives no forecast: nobody waits forever.
        const snapshots = await this.ctx.snapshots(new Set(batch.keys())).catch(() => undefined);
        for (const [domain, waiting] of batch) for (const resolve of waiting) resolve(snapshots?.get(domain));
      }
    } finally {
      this.#walking = false;
    }
  }
}

/** The first bounce of a destination's queued mail if it stays down: a down destination's mail is swept at its expiry, to the second. */
function firstBounceOf(snapshot: ForecastSnapshot): DestinationOutlook['firstBounce'] {
  const first = forecast(snapshot).profiles[0];
  return first && { at: Math.ceil(first.firstBounce / 1000) * 1000, profile: first.profile, lifetime: first.lifetime };
}
