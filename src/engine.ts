// The engine: the one owner of mail and state. Wires configuration, queue, listeners,
// delivery, bounces, counters and the mail log; starts and stops them in order.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BounceGenerator } from './bounce/bounce-generator.js';
import { NO_BOUNCES, type BounceSink } from './bounce/bounce-sink.js';
import { SimClock } from './clock.js';
import { applyOverrides, type ApplianceConfig, type OperationalState, type StartOverrides } from './config/config.js';
import { StateFile } from './config/state-file.js';
import { Counters } from './counters.js';
import { DataDirLock } from './data-dir-lock.js';
import { DeliveryScheduler } from './delivery/scheduler.js';
import { MailLog } from './log/mail-log.js';
import { IdAllocator } from './queue/ids.js';
import type { Envelope, QueuedMessage } from './queue/message.js';
import { MailQueue } from './queue/queue.js';
import type { SandboxControls } from './sandbox/sandbox.js';
import { Listener } from './smtp/listener.js';
import { domainOf } from './smtp/rat.js';

export interface EngineOptions {
  dataDir: string;
  overrides?: StartOverrides;
  timeScale?: number;
  /** Start the simulated clock here instead of now (tests). */
  clockStart?: number;
  /** Where warnings go (the foreground engine: stderr). */
  warn?: (line: string) => void;
  /** Echo mail log lines (the foreground engine: stdout). */
  echoLog?: (line: string) => void;
  /** Builds the bounce generator once the engine exists (DSNs). */
  bounces?: (engine: Engine) => BounceSink;
  /** Real ms a delivery connection lingers idle before QUIT. */
  connectionLingerMs?: number;
  connectTimeoutMs?: number;
}

export class Engine {
  readonly dataDir: string;
  readonly clock: SimClock;
  readonly state: StateFile;
  readonly log: MailLog;
  readonly queue: MailQueue;
  readonly lock: DataDirLock;
  counters!: Counters;
  ids!: IdAllocator;
  scheduler!: DeliveryScheduler;
  readonly listeners = new Map<string, Listener>();
  bounces: BounceSink = NO_BOUNCES;
  /** Set by `esa sandbox`: the built-in backend and traffic injector (the `sim` commands). */
  sandbox?: SandboxControls;
  startedAt = 0;
  readonly warnings: string[] = [];
  #saveTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  readonly #suspendTimers = new Map<string, () => void>();

  constructor(readonly options: EngineOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.clock = new SimClock({ scale: options.timeScale ?? 1, start: options.clockStart });
    this.state = new StateFile(this.dataDir);
    this.lock = new DataDirLock(this.dataDir);
    this.log = new MailLog({ dir: path.join(this.dataDir, 'logs'), clock: this.clock, echo: options.echoLog });
    this.queue = new MailQueue(
      path.join(this.dataDir, 'queue'),
      () => ({ maxMessages: this.config.queueMaxMessages, maxBytes: this.config.queueMaxMb * 1024 * 1024 }),
      this.log,
    );
  }

  get config(): ApplianceConfig {
    return this.state.data.config;
  }

  get operational(): OperationalState {
    return this.state.data.operational;
  }

  get hostname(): string {
    return this.config.hostname;
  }

  #warn(line: string): void {
    this.warnings.push(line);
    (this.options.warn ?? ((l: string) => process.stderr.write(`esa: warning: ${l}\n`)))(line);
  }

  async start(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await this.lock.acquire();
    try {
      await this.#startParts();
    } catch (e) {
      await this.#closeParts().catch(() => undefined);
      await this.lock.release();
      throw e;
    }
  }

  async #startParts(): Promise<void> {
    const corrupt = await this.state.load();
    if (corrupt) this.#warn(corrupt);
    const stored = this.state.data;
    stored.config = applyOverrides(stored.config, this.options.overrides ?? {});
    if (this.options.clockStart === undefined && stored.clockOffsetMs > 0) this.clock.advance(stored.clockOffsetMs);
    this.startedAt = this.clock.now();
    stored.startedAt = this.startedAt;
    this.counters = new Counters(() => this.clock.now(), this.startedAt, stored.lifetimeCounters);
    await this.log.open();

    const { pending, unnotified, warnings, maxMid, rebuilt } = await this.queue.load();
    for (const w of warnings) this.#warn(w);
    this.ids = new IdAllocator(stored.ids, () => this.state.save());
    await this.ids.open({ mid: maxMid + 1 });
    this.bounces = this.options.bounces?.(this) ?? new BounceGenerator(this);
    this.scheduler = new DeliveryScheduler({
      clock: this.clock,
      log: this.log,
      counters: this.counters,
      queue: this.queue,
      ids: this.ids,
      config: () => this.config,
      operational: () => this.operational,
      bounces: this.bounces,
      connectionLingerMs: this.options.connectionLingerMs,
      connectTimeoutMs: this.options.connectTimeoutMs,
    });
    // Content of mail for a host that is down would sit in the cache unused until evicted.
    this.queue.cacheFor = (envelope) => !envelope.to.some((a) => this.scheduler.destinations.get(domainOf(a))?.down);
    this.log.info(`Startup: ${pending.length} message(s) in the queue${rebuilt ? ` (${rebuilt} recovered from the spool)` : ''}`);
    for (const msg of pending) this.scheduler.add(msg);
    // Hard bounces whose DSN was not queued before the last stop: tell the senders now.
    for (const msg of unnotified) {
      const owed = msg.rcpts.filter((r) => r.dsnPending !== '');
      this.log.info(`MID ${msg.envelope.mid} RID [${owed.map((r) => r.rid).join(', ')}] bounce notice owed since before the restart`);
      this.bounces.hardBounced(
        msg,
        owed.map((r) => ({ rcpt: r, status: r.dsnPending, reply: r.lastReply, kind: r.dsnPending === '5.4.7' ? 'expired' : '5xx' })),
      );
      this.scheduler.finishIfDone(msg);
    }

    for (const lc of this.config.listeners) {
      const listener = this.#newListener(lc);
      await listener.listen();
      this.listeners.set(lc.name, listener);
      if (this.operational.suspendedListeners.includes(lc.name)) this.log.info(`Receiving suspended for ${lc.name}`);
    }
    this.queue.store.start();
    this.#saveTimer = setInterval(() => void this.saveState(), 5_000);
    this.#saveTimer.unref();
    await this.saveState();
  }

  #newListener(config: ApplianceConfig['listeners'][number]): Listener {
    return new Listener(config, {
      clock: this.clock,
      log: this.log,
      counters: this.counters,
      queue: this.queue,
      ids: this.ids,
      hostname: () => this.hostname,
      isSuspended: (name) => this.operational.suspendedListeners.includes(name),
      accepted: (msg) => this.scheduler.add(msg),
    });
  }

  /** Persists counters and the simulated clock offset with the configuration. */
  async saveState(): Promise<void> {
    const s = this.state.data;
    if (this.counters) s.lifetimeCounters = this.counters.lifetimeSnapshot();
    s.clockOffsetMs = Math.max(0, this.clock.now() - Date.now());
    await this.state.save();
  }

  /** Queues a message generated by the appliance itself (a DSN). */
  async submitGenerated(from: string, to: string[], content: Buffer, extra: Partial<Envelope> = {}): Promise<QueuedMessage> {
    const envelope: Envelope = {
      mid: this.ids.take('mid'),
      from,
      to,
      arrival: this.clock.now(),
      icid: 0,
      listener: '',
      profile: 'Default',
      ...extra,
    };
    const msg = await this.queue.admit(envelope, [content]);
    this.counters.inc('genBounceRecipients', to.length);
    this.scheduler.add(msg);
    return msg;
  }

  // ----- configuration -----

  /** Applies a whole new configuration atomically (commit) and persists it. */
  async applyConfig(next: ApplianceConfig): Promise<void> {
    const previous = this.state.data.config;
    // Listeners: new or moved ones are bound first, so a failed bind changes nothing.
    const bound = new Map<string, Listener>();
    try {
      for (const lc of next.listeners) {
        const old = this.listeners.get(lc.name);
        if (old && old.config.host === lc.host && old.config.port === lc.port) continue;
        const fresh = this.#newListener(lc);
        await fresh.listen();
        bound.set(lc.name, fresh);
      }
    } catch (e) {
      await Promise.allSettled([...bound.values()].map((l) => l.stop()));
      throw e;
    }
    this.state.data.config = next;
    try {
      await this.saveState();
    } catch (e) {
      this.state.data.config = previous;
      await Promise.allSettled([...bound.values()].map((l) => l.stop()));
      throw e;
    }
    for (const [name, old] of this.listeners) {
      const lc = next.listeners.find((l) => l.name === name);
      if (!lc || bound.has(name)) {
        this.listeners.delete(name);
        void old.stop();
      } else {
        old.update(lc);
      }
    }
    for (const [name, fresh] of bound) this.listeners.set(name, fresh);
  }

  // ----- operational commands (no commit) -----

  /** Suspends receiving; open sessions get `delaySeconds` (simulated) before a 421. */
  async suspendListeners(names: string[], delaySeconds: number): Promise<string[]> {
    const changed: string[] = [];
    for (const name of names) {
      if (!this.listeners.has(name)) continue;
      if (!this.operational.suspendedListeners.includes(name)) {
        this.operational.suspendedListeners.push(name);
        changed.push(name);
      }
    }
    await this.saveState();
    for (const name of changed) {
      const listener = this.listeners.get(name);
      if (!listener) continue;
      this.log.info(`Receiving suspended for ${name}`);
      this.#suspendTimers.get(name)?.();
      const timer = this.clock.at(this.clock.now() + delaySeconds * 1000, () => {
        this.#suspendTimers.delete(name);
        if (this.operational.suspendedListeners.includes(name)) listener.dropSessions(listener.unavailableText());
      });
      this.#suspendTimers.set(name, () => timer.cancel());
    }
    return changed;
  }

  async resumeListeners(names: string[]): Promise<string[]> {
    const resumed = this.operational.suspendedListeners.filter((n) => names.includes(n));
    this.operational.suspendedListeners = this.operational.suspendedListeners.filter((n) => !names.includes(n));
    for (const name of resumed) {
      this.#suspendTimers.get(name)?.();
      this.#suspendTimers.delete(name);
      this.log.info(`Receiving resumed for ${name}`);
    }
    await this.saveState();
    return resumed;
  }

  /** `ALL` (or an empty list) suspends all delivery. */
  async suspendDelivery(domains: string[]): Promise<void> {
    const op = this.operational;
    if (domains.length === 0 || domains.some((d) => d.toUpperCase() === 'ALL')) {
      op.deliverySuspended = true;
      this.log.info('Delivery suspended');
    } else {
      for (const d of domains) if (!op.suspendedDomains.includes(d)) op.suspendedDomains.push(d);
      this.log.info(`Delivery suspended for ${domains.join(', ')}`);
    }
    await this.saveState();
  }

  /** Returns whether anything was suspended. */
  async resumeDelivery(domains: string[]): Promise<boolean> {
    const op = this.operational;
    const all = domains.length === 0 || domains.some((d) => d.toUpperCase() === 'ALL');
    const wasAll = op.deliverySuspended;
    const domainsBefore = op.suspendedDomains.length;
    if (all) {
      op.deliverySuspended = false;
      op.suspendedDomains = [];
    } else {
      op.suspendedDomains = op.suspendedDomains.filter((d) => !domains.some((x) => x.toLowerCase() === d.toLowerCase()));
    }
    const resumed = (all && wasAll) || op.suspendedDomains.length < domainsBefore;
    await this.saveState();
    if (resumed) this.log.info('Delivery resumed');
    this.scheduler.resumed();
    return resumed;
  }

  deliverNow(domain?: string): number {
    return this.scheduler.deliverNow(domain);
  }

  resetCounters(): void {
    this.counters.reset();
  }

  // ----- shutdown -----

  /** Stops receiving (421), lets in-flight deliveries finish, flushes state. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const cancel of this.#suspendTimers.values()) cancel();
    await Promise.allSettled([...this.listeners.values()].map((l) => l.stop()));
    await this.scheduler?.stop();
    await this.bounces.idle?.();
    this.log.info('Shutdown: queue state flushed');
    await this.#closeParts();
    await this.lock.release();
  }

  async #closeParts(): Promise<void> {
    if (this.#saveTimer) clearInterval(this.#saveTimer);
    await this.queue.store.close();
    if (this.ids) {
      await this.ids.close();
      await this.saveState();
    }
    await this.log.close();
  }

  // ----- CLI queries -----
  // Read-only views for the CLI commands (src/commands/), computed without scanning the queue.

  /** Open inbound SMTP sessions over all listeners. */
  inboundConnections(): number {
    let n = 0;
    for (const l of this.listeners.values()) n += l.openConnections;
    return n;
  }

  /** Arrival time of the oldest queued message (the queue keeps admission order), or undefined. */
  oldestQueuedArrival(): number | undefined {
    for (const msg of this.queue.messages.values()) return msg.envelope.arrival;
    return undefined;
  }
}
