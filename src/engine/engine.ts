// The engine: the one owner of mail and state. `Engine.start()` builds and starts the parts in
// order (configuration, mail log, queue, delivery, bounces, listeners) and yields a running
// engine; `stop()` takes them down in reverse. Commands and front ends use `engine.api`
// (src/api/engine-api.ts), never the parts themselves.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { BounceGenerator, DsnDeferred, type BounceHost } from './bounce/bounce-generator.js';
import type { BounceSink } from './bounce/bounce-sink.js';
import { SimClock } from './clock.js';
import { applyOverrides, describeOverrides, type ApplianceConfig, type HostPort, type ListenerConfig, type OperationalState, type StartOverrides } from '../model/config.js';
import { StateFile } from './state/state-file.js';
import { Counters } from './counters.js';
import { DataDirLock } from './fs/data-dir-lock.js';
import { DeliveryScheduler } from './delivery/scheduler.js';
import { CollectedDiagnostics, stderrDiagnostics, type Diagnostics } from '../platform/diagnostics.js';
import { EngineApiImpl } from '../api/engine-api-impl.js';
import type { EngineApi, EngineEvents } from '../api/engine-api.js';
import { removeStaleTemps } from './state/durable-json-file.js';
import { makeDurableDir } from './fs/durable-dir.js';
import { isStorageShort, StorageHealth } from './fs/storage-health.js';
import { assertSafeDataDir } from './fs/strict-modes.js';
import * as line from '../model/log-lines.js';
import { MailLog } from './log/mail-log.js';
import { IdAllocator } from './queue/ids.js';
import { idsAfterLogs } from './log/highest-ids.js';
import type { Envelope, QueuedMessage } from './queue/message.js';
import { MailQueue } from './queue/queue.js';
import { QueueRecords } from './queue/records.js';
import type { SandboxControls, SandboxSeat } from '../sandbox/sandbox.js';
import { Listener } from './smtp/listener.js';
import { carrySuspensions, planListeners } from './smtp/listener-plan.js';
import { migrateListeners } from '../model/listener-migration.js';
import { DomainPattern } from '../model/domain-pattern.js';
import { domainOf } from '../model/rat.js';

/** Whether a domain list names every domain (`ALL`, or nothing at all). */
const namesAll = (domains: readonly string[]) => domains.length === 0 || domains.some((d) => DomainPattern.fromStored(d).kind === 'all');

/** How often a generated message waiting for queue room looks again (real ms). */
const GENERATED_ROOM_POLL_MS = 250;
/** How long a start loads the queue before the listeners open (the rest loads behind them). */
const FOREGROUND_LOAD_MS = 300;

export interface EngineOptions {
  dataDir: string;
  overrides?: StartOverrides;
  timeScale?: number;
  /** Start the simulated clock here instead of now (tests). */
  clockStart?: number;
  /** Where warnings and bugs go (default: stderr, as `esa start`). */
  diagnostics?: Diagnostics;
  /** How long a start loads the queue before the listeners open (default 300 ms; the rest loads behind them). */
  foregroundLoadMs?: number;
  /** Tests: awaited before each range the background load takes (to look at the engine while it loads). */
  beforeQueueRange?: (rangesDone: number, ranges: number) => Promise<void>;
  /** Shorthand for tests: warnings only, to this function. */
  warn?: (line: string) => void;
  /** Echo mail log lines (the foreground engine: stdout). */
  echoLog?: (line: string) => void;
  /** Builds the bounce sink (tests replace the DSN generator). */
  bounces?: (host: BounceHost) => BounceSink;
  /** `esa sandbox`: the built-in backend and traffic injector, attached once the engine runs. */
  sandbox?: SandboxControls & { attach(seat: SandboxSeat): void };
  /** Real ms a delivery connection lingers idle before QUIT. */
  connectionLingerMs?: number;
  connectTimeoutMs?: number;
  /** The mail log is rotated when it passes this many bytes (default 10 MB). */
  logRotateBytes?: number;
  /** Real ms between storage probes while the disk refuses writes (default 1 s). */
  storageProbeMs?: number;
  /** How many rotated mail logs are kept (default 5). */
  logKeep?: number;
}

function diagnosticsOf(options: EngineOptions): Diagnostics {
  if (options.diagnostics) return options.diagnostics;
  if (options.warn) {
    const warn = options.warn;
    return { warn, bug: stderrDiagnostics.bug };
  }
  return stderrDiagnostics;
}

/** The parts of a running engine, all built before it exists. */
interface EngineParts {
  options: EngineOptions;
  dataDir: string;
  clock: SimClock;
  state: StateFile;
  lock: DataDirLock;
  log: MailLog;
  queue: MailQueue;
  counters: Counters;
  ids: IdAllocator;
  records: QueueRecords;
  diagnostics: CollectedDiagnostics;
  events: EventEmitter;
  startedAt: number;
  storage: StorageHealth;
  overrideReport: readonly string[];
}

export class Engine {
  readonly options: EngineOptions;
  readonly dataDir: string;
  readonly clock: SimClock;
  readonly state: StateFile;
  readonly log: MailLog;
  readonly queue: MailQueue;
  readonly lock: DataDirLock;
  readonly counters: Counters;
  readonly ids: IdAllocator;
  readonly records: QueueRecords;
  readonly scheduler: DeliveryScheduler;
  readonly bounces: BounceSink;
  readonly listeners = new Map<string, Listener>();
  readonly diagnostics: CollectedDiagnostics;
  readonly startedAt: number;
  /** One line per start flag that changed the stored configuration (`esa: --route ... overrides ...`). */
  readonly overrideReport: readonly string[];
  /** Whether the data dir can be written (storage-short mode: 452 4.3.1, status, probes). */
  readonly storage: StorageHealth;
  readonly api: EngineApi;
  readonly sandbox?: SandboxControls;
  readonly #events: EventEmitter;
  #saveTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  readonly #suspendTimers = new Map<string, () => void>();
  /** Listeners a commit deleted, while they finish what they were writing. */
  readonly #retiring = new Set<Promise<void>>();

  /**
   * Starts an engine on its data dir: permissions checked (strict modes) and the lock taken
   * before anything is read, then every part in order.
   */
  static async start(options: EngineOptions): Promise<Engine> {
    const dataDir = path.resolve(options.dataDir);
    await assertSafeDataDir(dataDir);
    await makeDurableDir(dataDir);
    const lock = new DataDirLock(dataDir);
    await lock.acquire();
    const diagnostics = new CollectedDiagnostics(diagnosticsOf(options));
    const clock = new SimClock({ scale: options.timeScale ?? 1, start: options.clockStart });
    const state = new StateFile(dataDir);
    const warn = (line: string) => diagnostics.warn(line);
    const storage = new StorageHealth({
      dir: dataDir,
      log: (line) => {
        log.info(line);
        warn(line);
      },
      probeMs: options.storageProbeMs,
    });
    const storageFailed = (what: string, e: unknown) => storage.failed(what, e);
    const log = new MailLog({
      dir: path.join(dataDir, 'logs'),
      clock,
      echo: options.echoLog,
      rotateBytes: options.logRotateBytes,
      keep: options.logKeep,
      warn,
      storageFailed,
    });
    const queue = new MailQueue(
      path.join(dataDir, 'queue'),
      () => ({ maxMessages: state.data.config.queueMaxMessages, maxBytes: state.data.config.queueMaxMb * 1024 * 1024 }),
      log,
      warn,
      storageFailed,
    );
    let engine: Engine | undefined;
    try {
      // Temp files of a writer that died (we hold the lock: no other writer is alive).
      await removeStaleTemps(dataDir);
      const corrupt = await state.load();
      if (corrupt) diagnostics.warn(corrupt);
      const stored = state.data;
      const migrated = migrateListeners(stored.config);
      // What the flags change in a stored configuration (a new data dir: they only seed it).
      const overrideReport = state.found ? describeOverrides(migrated, options.overrides ?? {}) : [];
      stored.config = applyOverrides(migrated, options.overrides ?? {});
      if (options.clockStart === undefined && stored.clockOffsetMs > 0) clock.advance(stored.clockOffsetMs);
      const startedAt = clock.now();
      stored.startedAt = startedAt;
      const counters = new Counters(() => clock.now(), startedAt, stored.lifetimeCounters);
      await log.open();
      const opened = await queue.open(stored.queueSummary);
      const ids = new IdAllocator(
        stored.ids,
        () => state.save(),
        (e) => {
          if (!storage.failed('config.json', e)) warn(`cannot save the id reservation in ${state.file}: ${(e as Error).message}`);
        },
      );
      // A full disk does not keep the engine from starting: it starts refusing mail (452).
      // Past the ids the mail log names too: after a lost config.json, log ids do not repeat.
      const logged = await idsAfterLogs([log.file, `${log.file}.1`]);
      // New MIDs start past every range on disk (buckets.ts), so they never share one with
      // messages still loading in the background.
      await ids.open({ ...logged, mid: Math.max(logged.mid, opened.firstFreeMid) }).catch((e: unknown) => {
        if (!storage.failed('config.json', e)) throw e;
      });
      queue.storageShort = () => storage.short !== null || !ids.canTakeMid();
      // Spool files placed ahead at upcoming MIDs' names: a message's write is then its only step.
      queue.spool.placeAhead(() => (ids.canTakeMid() ? ids.take('mid') : undefined));
      const events = new EventEmitter();
      const records = new QueueRecords({ counters, now: () => clock.now(), changed: (msg) => queue.changed(msg) });
      engine = new Engine({ options, dataDir, clock, state, lock, log, queue, counters, ids, records, diagnostics, events, startedAt, storage, overrideReport });
      await engine.#startParts();
      options.sandbox?.attach({ api: engine.api, clock: engine.clock, log: engine.log, idle: () => engine!.idle() });
      return engine;
    } catch (e) {
      if (engine) {
        await Promise.allSettled([...engine.listeners.values()].map((l) => l.stop()));
        await engine.#closeParts().catch(() => undefined);
      }
      else await log.close().catch(() => undefined);
      storage.stop();
      await lock.release();
      throw e;
    }
  }

  private constructor(p: EngineParts) {
    this.options = p.options;
    this.dataDir = p.dataDir;
    this.clock = p.clock;
    this.state = p.state;
    this.lock = p.lock;
    this.log = p.log;
    this.queue = p.queue;
    this.counters = p.counters;
    this.ids = p.ids;
    this.records = p.records;
    this.diagnostics = p.diagnostics;
    this.#events = p.events;
    this.startedAt = p.startedAt;
    this.overrideReport = p.overrideReport;
    this.storage = p.storage;
    this.sandbox = p.options.sandbox;
    const host: BounceHost = {
      clock: this.clock,
      log: this.log,
      records: this.records,
      get config() {
        return p.state.data.config;
      },
      get hostname() {
        return p.state.data.config.hostname;
      },
      content: (mid) => this.queue.content(mid),
      submitGenerated: (from, to, content, extra) => this.submitGenerated(from, to, content, extra),
    };
    this.bounces = p.options.bounces?.(host) ?? new BounceGenerator(host);
    this.scheduler = new DeliveryScheduler({
      clock: this.clock,
      log: this.log,
      counters: this.counters,
      queue: this.queue,
      records: this.records,
      ids: this.ids,
      diagnostics: this.diagnostics,
      config: () => this.config,
      operational: () => this.operational,
      bounces: this.bounces,
      redirect: (domain) => this.#redirectFor(domain),
      events: { connections: () => this.emit('connections'), queue: () => this.emit('queue'), delivery: () => this.emit('delivery') },
      connectionLingerMs: p.options.connectionLingerMs,
      connectTimeoutMs: p.options.connectTimeoutMs,
    });
    // Content of mail for a host that is down would sit in the cache unused until evicted.
    this.queue.cacheFor = (envelope) => !envelope.to.some((a) => this.scheduler.destinations.get(domainOf(a))?.down);
    this.api = new EngineApiImpl(this);
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

  /** Warnings so far (corrupt files set aside, failed writes). */
  get warnings(): readonly string[] {
    return this.diagnostics.warnings;
  }

  emit<E extends keyof EngineEvents>(event: E, ...args: EngineEvents[E]): void {
    this.#events.emit(event, ...args);
  }

  on<E extends keyof EngineEvents>(event: E, listener: (...args: EngineEvents[E]) => void): () => void {
    const fn = listener as (...a: unknown[]) => void;
    this.#events.on(event, fn);
    return () => this.#events.off(event, fn);
  }

  async #startParts(): Promise<void> {
    // Every line passes here (a dozen per relayed message): only trimmed when someone listens (tail, grep).
    this.log.subscribe((line) => {
      if (this.#events.listenerCount('log') > 0) this.emit('log', line.endsWith('\n') ? line.slice(0, -1) : line);
    });
    // A small queue is loaded before the listeners open; a big one goes on loading behind them.
    const foreground = performance.now() + (this.options.foregroundLoadMs ?? FOREGROUND_LOAD_MS);
    while (performance.now() < foreground && (await this.#loadRange())) {
      /* next range */
    }
    if (this.queue.loading) {
      const l = this.queue.loading;
      this.log.info(`Loading the queue in the background: ${l.messages} message(s) of about ${l.expectedMessages} loaded, ${l.buckets - l.bucketsDone} of ${l.buckets} range(s) to go`);
      this.#loaded = this.#loadRest();
    } else this.#loadedLine();
    // The first files placed ahead are waited for (a rename and a directory fsync each, all at
    // once): a message arriving before would write the old way under a MID past the reserved
    // ones, so the first message after a start would not take the first MID.
    await this.queue.spool.placementsSettled();
    for (const lc of this.config.listeners) {
      const listener = this.#newListener(lc);
      await listener.listen();
      this.listeners.set(lc.name, listener);
      if (this.operational.suspendedListeners.includes(lc.name)) this.log.info(`Receiving suspended for ${lc.name}`);
    }
    this.queue.store.start();
    // What a full disk kept from being saved is saved once the probe can write again.
    this.storage.retryOnRecovery(() => this.saveState());
    this.#saveTimer = setInterval(() => void this.#periodicSave(), 5_000);
    this.#saveTimer.unref();
    await this.saveState().catch((e: unknown) => {
      if (!this.storage.failed('config.json', e)) throw e;
    });
  }

  /** Resolves once every message on disk at start is queued (at once for a small queue). */
  get queueLoaded(): Promise<void> {
    return this.#loaded;
  }

  #loaded: Promise<void> = Promise.resolve();

  /** Loads the rest of the queue range by range, the event loop free between ranges. */
  async #loadRest(): Promise<void> {
    try {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        const l = this.queue.loading;
        if (l && this.options.beforeQueueRange) await this.options.beforeQueueRange(l.bucketsDone, l.buckets);
        if (this.#stopped || !(await this.#loadRange())) break;
      }
      if (!this.#stopped) this.#loadedLine();
    } catch (e) {
      // The rest stays on disk, untouched: the next start loads it.
      this.queue.loadStopped((e as Error).message);
      const text = `cannot load the rest of the queue: ${(e as Error).message}; the messages not loaded stay on disk and load at the next start`;
      this.log.info(`Warning: ${text}`);
      this.diagnostics.warn(text);
    }
  }

  #loadedLine(): void {
    const { messages, rebuilt } = this.queue.loadedAtStart;
    this.log.info(`Startup: ${messages} message(s) in the queue${rebuilt ? ` (${rebuilt} recovered from the spool)` : ''}`);
  }

  /** Queues one range of the queue on disk: its pending mail scheduled, DSNs owed from before the restart sent. */
  async #loadRange(): Promise<boolean> {
    const range = await this.queue.loadNext();
    if (!range) return false;
    for (const w of range.warnings) this.diagnostics.warn(w);
    for (const msg of range.pending) this.scheduler.add(msg);
    // Hard bounces whose DSN was not queued before the last stop: tell the senders now.
    for (const msg of range.unnotified) {
      const owed = msg.rcpts.filter((r) => r.dsnPending !== '');
      this.log.info(`MID ${msg.envelope.mid} RID [${owed.map((r) => r.rid).join(', ')}] bounce notice owed since before the restart`);
      // By the profile the bounce was decided with: the destination's own (destconfig), else the message's.
      this.scheduler.notifyBounced(
        msg,
        owed.map((r) => ({ rcpt: r, status: r.dsnPending, reply: r.lastReply, kind: r.dsnPending === '5.4.7' ? 'expired' : '5xx' })),
      );
      this.scheduler.finishIfDone(msg);
    }
    if (range.pending.length || range.unnotified.length) this.emit('queue');
    return true;
  }

  /** Every 5 s: counters and clock offset saved, the lock file checked. Never rejects. */
  async #periodicSave(): Promise<void> {
    try {
      await this.saveState();
    } catch (e) {
      if (!this.storage.failed('config.json', e)) this.diagnostics.warn(`cannot save ${this.state.file}: ${(e as Error).message}`);
    }
    const lockProblem = await this.lock.verify().catch((e: Error) => `cannot check the data dir lock: ${e.message}`);
    if (lockProblem) {
      this.log.info(`Warning: ${lockProblem}`);
      this.diagnostics.warn(lockProblem);
    }
  }

  #newListener(config: ListenerConfig): Listener {
    return new Listener(config, {
      clock: this.clock,
      log: this.log,
      counters: this.counters,
      queue: this.queue,
      ids: this.ids,
      hostname: () => this.hostname,
      isSuspended: (name) => this.operational.suspendedListeners.includes(name),
      accepted: (msg) => {
        this.scheduler.add(msg);
        this.emit('queue');
      },
      connectionsChanged: () => this.emit('connections'),
    });
  }

  /** Persists counters and the simulated clock offset with the configuration (and the id reservation). */
  async saveState(): Promise<void> {
    const s = this.state.data;
    s.lifetimeCounters = this.counters.lifetimeSnapshot();
    s.clockOffsetMs = Math.max(0, this.clock.now() - Date.now());
    // While the queue still loads, the summary saved at the last start still holds for what is not loaded.
    if (!this.queue.loading) s.queueSummary = { messages: this.queue.count, bytes: this.queue.bytes };
    await this.ids.save();
  }

  /** Queues a message generated by the appliance itself (a DSN). */
  async submitGenerated(from: string, to: string[], content: Buffer, extra: Partial<Envelope> = {}): Promise<QueuedMessage> {
    await this.#roomFor(content.length, extra.bounceOf);
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
    this.emit('queue');
    return msg;
  }

  /**
   * Waits until the queue storage limit leaves room for a generated message (issue 15: a DSN
   * storm must not overrun it; the DSN waits, owed in the queue state, never dropped). A DSN that
   * settles its original's last recipient goes in at once: the original leaves with it, so the
   * queue does not grow, and waiting there could never end (the original waits for its DSN).
   * At shutdown the wait ends with DsnDeferred: the notice stays owed and is sent after a restart.
   */
  async #roomFor(size: number, bounceOf: number | undefined): Promise<void> {
    const room = () => {
      const original = bounceOf === undefined ? undefined : this.queue.messages.get(bounceOf);
      return (original !== undefined && original.pending === 0) || !this.queue.wouldOverflow(size);
    };
    if (room()) return;
    this.log.info(`${bounceOf === undefined ? 'A generated message' : `The notice for MID ${bounceOf}`} waits: the queue storage limit is reached`);
    while (!room()) {
      if (this.#stopped) throw new DsnDeferred();
      // Polled (a few checks a second while waiting), not on the receiving path.
      await new Promise((resolve) => setTimeout(resolve, GENERATED_ROOM_POLL_MS).unref());
    }
  }

  // ----- configuration -----

  /** Applies a whole new configuration atomically (commit) and persists it. */
  async applyConfig(proposed: ApplianceConfig): Promise<void> {
    // A configuration restored from before RAT entries had actions is brought up to date first.
    const next = migrateListeners(proposed);
    const previous = this.state.data.config;
    const previousSuspended = this.operational.suspendedListeners;
    // Listeners: which keep their socket (a renamed one too), which need a new one, which stop.
    const running = [...this.listeners.values()].map((l) => ({ name: l.name, host: l.config.host, port: l.config.port }));
    const plan = planListeners(running, next.listeners);
    // New or moved ones are bound first, so a failed bind changes nothing.
    const bound = new Map<string, Listener>();
    try {
      for (const name of plan.bind) {
        const lc = next.listeners.find((l) => l.name === name)!;
        const fresh = this.#newListener(lc);
        await fresh.listen().catch((e: NodeJS.ErrnoException) => {
          throw new Error(`listener ${lc.name} cannot listen on ${lc.host}:${lc.port}: ${bindFailure(e)}`);
        });
        bound.set(name, fresh);
      }
    } catch (e) {
      await Promise.allSettled([...bound.values()].map((l) => l.stop()));
      throw e;
    }
    this.state.data.config = next;
    this.operational.suspendedListeners = carrySuspensions(plan, previousSuspended, next.listeners);
    try {
      await this.saveState();
    } catch (e) {
      this.state.data.config = previous;
      this.operational.suspendedListeners = previousSuspended;
      await Promise.allSettled([...bound.values()].map((l) => l.stop()));
      throw e;
    }
    const before = new Map(this.listeners);
    this.listeners.clear();
    for (const name of plan.stop) {
      // A deleted listener refuses new sessions at once; what it already accepted stays queued.
      this.#suspendTimers.get(name)?.();
      this.#suspendTimers.delete(name);
      const stopping = before.get(name)!.stop();
      this.#retiring.add(stopping);
      void stopping.finally(() => this.#retiring.delete(stopping));
    }
    for (const lc of next.listeners) {
      const kept = plan.keep.get(lc.name);
      const listener = kept === undefined ? bound.get(lc.name)! : before.get(kept)!;
      if (kept !== undefined) {
        listener.update(lc);
        const timer = this.#suspendTimers.get(kept);
        if (timer && kept !== lc.name) {
          this.#suspendTimers.delete(kept);
          this.#suspendTimers.set(lc.name, timer);
        }
      }
      this.listeners.set(lc.name, listener);
    }
  }

  // ----- operational actions (no commit) -----

  /** Suspends receiving; open sessions get `delaySeconds` (simulated) before a 421. */
  async suspendListeners(names: readonly string[], delaySeconds: number): Promise<string[]> {
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

  async resumeListeners(names: readonly string[]): Promise<string[]> {
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
  async suspendDelivery(domains: readonly string[]): Promise<void> {
    const op = this.operational;
    if (namesAll(domains)) {
      op.deliverySuspended = true;
      this.log.info('Delivery suspended');
    } else {
      for (const d of domains) if (!op.suspendedDomains.includes(d)) op.suspendedDomains.push(d);
      this.log.info(`Delivery suspended for ${domains.join(', ')}`);
    }
    await this.saveState();
  }

  /** Returns whether anything was suspended. */
  async resumeDelivery(domains: readonly string[]): Promise<boolean> {
    const op = this.operational;
    const all = namesAll(domains);
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

  /** Sends every queued recipient to `target` instead of its route, until the queue holds none of its domains. */
  async redirectAll(target: HostPort): Promise<number> {
    const domains = [...this.scheduler.destinations.values()].filter((d) => d.counters.activeRecipients > 0).map((d) => d.domain);
    if (domains.length === 0) return 0;
    const kept = this.operational.redirects.filter((r) => !domains.includes(r.domain));
    this.operational.redirects = [...kept, ...domains.map((domain) => ({ domain, host: target.host, port: target.port }))];
    await this.saveState();
    let n = 0;
    for (const domain of domains) n += this.scheduler.destinations.get(domain)?.counters.activeRecipients ?? 0;
    this.log.info(line.recipientsRedirected(n, target.host, target.port));
    for (const domain of domains) this.scheduler.deliverNow(domain);
    return n;
  }

  /** A redirect lasts while its domain has mail queued; then the route applies again. */
  #redirectFor(domain: string): HostPort | undefined {
    const target = this.redirectOf(domain);
    if (target && (this.scheduler.destinations.get(domain)?.counters.activeRecipients ?? 0) === 0) {
      this.operational.redirects = this.operational.redirects.filter((x) => x.domain !== domain);
      return undefined;
    }
    return target;
  }

  redirectOf(domain: string): HostPort | undefined {
    const r = this.operational.redirects.find((x) => x.domain === domain);
    return r ? { host: r.host, port: r.port } : undefined;
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
    await Promise.allSettled([...this.#retiring]);
    // A background load stops after its current range; what is not loaded stays on disk as it is.
    await this.#loaded;
    await this.scheduler.stop();
    await this.bounces.idle?.();
    this.log.info('Shutdown: queue state flushed');
    await this.#closeParts();
    await this.lock.release();
  }

  async #closeParts(): Promise<void> {
    if (this.#saveTimer) clearInterval(this.#saveTimer);
    this.storage.stop();
    await this.queue.close();
    await this.ids.close();
    // On a full disk the engine still stops: the spool has every message, the state's
    // progress and counters go back to their last save (docs/reliability.md).
    await this.saveState().catch((e: unknown) => {
      if (!isStorageShort(e)) throw e;
      this.log.info(`Warning: shutdown on a disk that refuses writes: ${(e as Error).message}; queue progress is that of the last save`);
    });
    await this.log.close();
  }

  /**
   * Resolves once the engine has nothing left to do until simulated time moves: no delivery
   * running or due, no DSN being built, the queue state written. Tests wait on this, not on sleeps.
   */
  async idle(): Promise<void> {
    await this.#loaded;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.bounces.idle?.();
      if (this.scheduler.isIdle()) {
        await this.queue.store.flush();
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.scheduler.isIdle()) return;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 100);
        const off = this.on('delivery', done);
        function done() {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
  }

  /** Open inbound SMTP sessions over the named listeners (all when omitted). */
  inboundConnections(names?: readonly string[]): number {
    let n = 0;
    for (const l of this.listeners.values()) if (!names || names.includes(l.name)) n += l.openConnections;
    return n;
  }

  /** Arrival time of the oldest queued message (the queue keeps admission order), or undefined. */
  oldestQueuedArrival(): number | undefined {
    for (const msg of this.queue.messages.values()) return msg.envelope.arrival;
    return undefined;
  }
}

/** Why a listener could not bind, in words (the commit's one line). */
function bindFailure(e: NodeJS.ErrnoException): string {
  if (e.code === 'EADDRINUSE') return 'the address is already in use';
  if (e.code === 'EADDRNOTAVAIL') return 'no interface of this machine has that address';
  if (e.code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  return e.message;
}
