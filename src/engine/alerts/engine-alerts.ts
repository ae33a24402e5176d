// The engine's alerts, assembled: what the other parts tell (the queue's level, storage
// health, a destination marked down or up, listeners suspended or resumed) becomes the
// appliance's alerts through the alert center; the kept alerts answer `displayalerts`. Nothing
// here runs per message: the parts call in when their state changes.
import { ALERTS, type AlertView } from '../../model/alerts.js';
import { destinationSettings, type ApplianceConfig } from '../../model/config.js';
import type { ForecastSnapshot } from '../../model/forecast.js';
import { productVersion } from '../../platform/product-version.js';
import type { Clock } from '../clock.js';
import type { StorageHealth } from '../fs/storage-health.js';
import type { MailLog } from '../log/mail-log.js';
import { AlertCenter } from './alert-center.js';
import { AlertMailer } from './alert-mailer.js';
import { AlertStore } from './alert-store.js';
import { ConservationWatch, QueueLevelWatch, type QueueSize } from './conservation-watch.js';
import { ForecastWatch } from './forecast-watch.js';

/** A destination as HostStates tells it. */
export interface MarkedDestination {
  domain: string;
  /** Simulated ms of its next host retry. */
  downUntil: number;
  down: boolean;
  /** Held because the TLS its destination requires failed (it answered). */
  heldForTls?: boolean;
  /** The last 4xx reply of its delivery (a TLS failure's reason, recorded just after the mark). */
  lastError?: () => string | undefined;
}

export interface EngineAlertsContext {
  dataDir: string;
  clock: Clock;
  log: MailLog;
  /** Tells the engine's subscribers of an alert raised (the `alert` event). */
  announce: (alert: AlertView) => void;
  config: () => ApplianceConfig;
  storage: StorageHealth;
  /** A DCID for each alert connection. */
  dcid: () => number;
  connectTimeoutMs?: number;
  warn: (line: string) => void;
  /** The forecast's snapshots of the mail queued for these domains (one walk of the queue). */
  snapshots: (domains: ReadonlySet<string>) => Promise<Map<string, ForecastSnapshot>>;
  /** The queue's size, limits and arrival rate now. */
  storageNow: () => Omit<ForecastSnapshot, 'recipients' | 'profiles'>;
  /** Whether a destination is marked down now. */
  isDown: (domain: string) => boolean;
}

export class EngineAlerts {
  readonly store: AlertStore;
  readonly #center: AlertCenter;
  readonly #mailer: AlertMailer;
  readonly #conservation: ConservationWatch;
  readonly #forecast: ForecastWatch;
  /** Given to the queue: it tells its size as messages come and go. */
  readonly queueLevels: QueueLevelWatch;
  #offStorage: (() => void) | undefined;

  constructor(readonly ctx: EngineAlertsContext) {
    const { clock, log, announce, config } = ctx;
    this.store = new AlertStore({ dataDir: ctx.dataDir, storageFailed: (what, e) => ctx.storage.failed(what, e), warn: ctx.warn });
    this.#mailer = new AlertMailer({
      clock,
      log,
      config,
      dcid: ctx.dcid,
      connectTimeoutMs: ctx.connectTimeoutMs,
      version: productVersion(),
      changed: () => this.store.changed(),
    });
    this.#center = new AlertCenter({ clock, log, announce, config, store: this.store, mailer: this.#mailer });
    const raise = this.#center.raise.bind(this.#center);
    this.#forecast = new ForecastWatch({ clock, config, raise, snapshots: ctx.snapshots, storage: ctx.storageNow, isDown: ctx.isDown });
    this.#conservation = new ConservationWatch({ hostname: () => config().hostname, raise, levelChanged: () => this.#forecast.queueChanged() });
    this.queueLevels = new QueueLevelWatch(config, (level: number, size: QueueSize, c: ApplianceConfig) => this.#conservation.queueLevel(level, size, c));
  }

  /** Reads the alerts kept before; listens to storage health; reads the memory from now on. */
  async start(): Promise<void> {
    await this.store.load();
    this.#offStorage = this.ctx.storage.onChange(() => this.#conservation.disk(this.ctx.storage.short));
    this.#conservation.start();
  }

  /** Resolves once nothing runs: no alert mail being sent, no forecast being taken (Engine.idle). */
  async idle(): Promise<void> {
    await this.#forecast.idle();
    await this.#mailer.idle();
  }

  /** The alerts kept, newest first (displayalerts). */
  views(): readonly AlertView[] {
    return this.store.views();
  }

  /** HostStates marked a destination down, or up again. */
  marked(dest: MarkedDestination): void {
    if (dest.down && dest.heldForTls) {
      const config = this.ctx.config();
      const tls = destinationSettings(config, dest.domain).tls;
      if (config.tlsRequiredAlert && (tls === 'required' || tls === 'required_verify')) {
        // The failed attempt's reply is recorded right after the mark.
        setImmediate(() => this.#center.raise(ALERTS.tlsRequiredFailed(dest.domain, dest.lastError?.(), dest.downUntil)));
      }
      return;
    }
    this.#forecast.marked(dest.domain, dest.down);
  }

  listenersSuspended(names: readonly string[]): void {
    for (const name of names) this.#center.raise(ALERTS.listenerSuspended(name));
  }

  listenersResumed(names: readonly string[]): void {
    for (const name of names) this.#center.raise(ALERTS.listenerResumed(name));
  }

  /** Shutdown: nothing more is raised; mail not sent yet says so in the mail log (before it closes). */
  async stop(): Promise<void> {
    this.#offStorage?.();
    this.#conservation.stop();
    this.#forecast.stop();
    this.#center.stop();
    this.#mailer.stop();
    await this.store.flushed();
  }
}
