// The engine: the one owner of mail and state, as a lifecycle. `Engine.start()` has the parts
// built in order (assembly.ts), loads the queue, opens the listeners and yields a running
// engine; `stop()` takes them down in reverse. Everything else goes through `engine.api`
// (src/api/engine-api.ts): the parts stay private (tests reach them through test-seam.ts).
import type { EngineApi } from '../api/engine-api.js';
import { assembleParts, type EngineOptions, type EngineParts } from './assembly.js';
import { isStorageShort } from './fs/storage-health.js';

export type { EngineOptions };
/** The stored configuration of a data dir, read before an engine starts on it (`esa sandbox` places its backend by it). */
export { readStoredConfig } from './state/state-file.js';

/** How long a start loads the queue before the listeners open (the rest loads behind them). */
const FOREGROUND_LOAD_MS = 300;

/** The parts of an engine, for test-seam.ts only (set in the class's static block: `#parts` is private to it). */
let partsOf: (engine: Engine) => EngineParts;

export class Engine {
  readonly #parts: EngineParts;
  #saveTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  #loaded: Promise<void> = Promise.resolve();

  static {
    partsOf = (engine) => engine.#parts;
  }

  /**
   * Starts an engine on its data dir: permissions checked (strict modes) and the lock taken
   * before anything is read, then every part in order.
   */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(await assembleParts(options));
    const p = engine.#parts;
    try {
      await engine.#startParts();
      options.sandbox?.attach({
        api: p.api,
        clock: p.clock,
        log: p.log,
        idle: () => engine.idle({ lingering: true }),
        // A jump is time passing: each timer at its own time, what it started done before the next.
        play: (ms, o) => p.clock.play(ms, () => engine.idle({ lingering: true }), o),
      });
      return engine;
    } catch (e) {
      await p.listeners.stopAll();
      await p.cluster.close().catch(() => undefined);
      await p.alerts.stop().catch(() => undefined);
      await engine.#closeParts().catch(() => undefined);
      p.storage.stop();
      await p.lock.release();
      throw e;
    }
  }

  private constructor(parts: EngineParts) {
    this.#parts = parts;
  }

  /** The engine API: the only door for commands, sessions, the sandbox and front ends. */
  get api(): EngineApi {
    return this.#parts.api;
  }

  /** One line per start flag that changed the stored configuration (`esa: --route ... overrides ...`). */
  get overrideReport(): readonly string[] {
    return this.#parts.overrideReport;
  }

  /** Resolves once every message on disk at start is queued (at once for a small queue). */
  get queueLoaded(): Promise<void> {
    return this.#loaded;
  }

  async #startParts(): Promise<void> {
    const { events, log, queue, listeners, storage, options } = this.#parts;
    // Every line passes here (a dozen per relayed message): only trimmed when someone listens (tail, grep).
    log.subscribe((line) => {
      if (events.listening('log')) events.emit('log', line.endsWith('\n') ? line.slice(0, -1) : line);
    });
    // The alerts kept before, before anything (the queue's load) may raise one.
    await this.#parts.alerts.start();
    // A small queue is loaded before the listeners open; a big one goes on loading behind them.
    const foreground = performance.now() + (options.foregroundLoadMs ?? FOREGROUND_LOAD_MS);
    while (performance.now() < foreground && (await this.#loadRange())) {
      /* next range */
    }
    if (queue.loading) {
      const l = queue.loading;
      log.info(
        `Loading the queue in the background: ${l.messages} message(s) of about ${l.expectedMessages} loaded, ${l.buckets - l.bucketsDone} of ${l.buckets} range(s) to go`,
      );
      this.#loaded = this.#loadRest();
    } else this.#loadedLine();
    // The first files placed ahead are waited for (a rename and a directory fsync each, all at
    // once): a message arriving before would write the old way under a MID past the reserved
    // ones, so the first message after a start would not take the first MID.
    await queue.spool.placementsSettled();
    for (const lc of this.#parts.config().listeners) {
      const listener = listeners.create(lc, this.#parts.tls.forListener(lc, this.#parts.config()));
      await listener.listen();
      listeners.add(listener);
      if (this.#parts.operational().suspendedListeners.includes(lc.name)) log.info(`Receiving suspended for ${lc.name}`);
    }
    queue.store.start();
    // What a full disk kept from being saved is saved once the probe can write again.
    storage.retryOnRecovery(() => this.#parts.saveState());
    this.#saveTimer = setInterval(() => void this.#periodicSave(), this.#parts.options.periodicSaveMs ?? 5_000);
    this.#saveTimer.unref();
    await this.#parts.saveState().catch((e: unknown) => {
      if (!storage.failed('config.json', e)) throw e;
    });
    // A member follows its cluster from now on: changes are applied live.
    this.#parts.cluster.start();
  }

  /** Loads the rest of the queue range by range, the event loop free between ranges. */
  async #loadRest(): Promise<void> {
    const { queue, log, diagnostics, options } = this.#parts;
    try {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        const l = queue.loading;
        if (l && options.beforeQueueRange) await options.beforeQueueRange(l.bucketsDone, l.buckets);
        if (this.#stopped || !(await this.#loadRange())) break;
      }
      if (!this.#stopped) this.#loadedLine();
    } catch (e) {
      // The rest stays on disk, untouched: the next start loads it.
      queue.loadStopped((e as Error).message);
      const text = `cannot load the rest of the queue: ${(e as Error).message}; the messages not loaded stay on disk and load at the next start`;
      log.info(`Warning: ${text}`);
      diagnostics.warn(text);
    }
  }

  #loadedLine(): void {
    const { messages, rebuilt } = this.#parts.queue.loadedAtStart;
    this.#parts.log.info(`Startup: ${messages} message(s) in the queue${rebuilt ? ` (${rebuilt} recovered from the spool)` : ''}`);
  }

  /** Queues one range of the queue on disk: its pending mail scheduled, DSNs owed from before the restart sent. */
  async #loadRange(): Promise<boolean> {
    const { queue, scheduler, log, diagnostics, events } = this.#parts;
    const range = await queue.loadNext();
    if (!range) return false;
    for (const w of range.warnings) diagnostics.warn(w);
    // Mail received while the work queue was paused waits there again.
    for (const msg of range.pending) this.#parts.workQueue.restored(msg);
    // Hard bounces whose DSN was not queued before the last stop: tell the senders now.
    for (const msg of range.unnotified) {
      const owed = msg.rcpts.filter((r) => r.dsnPending !== '');
      log.info(`MID ${msg.envelope.mid} RID [${owed.map((r) => r.rid).join(', ')}] bounce notice owed since before the restart`);
      // By the profile the bounce was decided with: the destination's own (destconfig), else the message's.
      scheduler.notifyBounced(
        msg,
        owed.map((r) => ({ rcpt: r, status: r.dsnPending, reply: r.lastReply, kind: r.dsnPending === '5.4.7' ? 'expired' : '5xx' })),
      );
      scheduler.finishIfDone(msg);
    }
    if (range.pending.length || range.unnotified.length) events.emit('queue');
    return true;
  }

  /** Every 5 s: counters and clock offset saved, the lock file checked. Never rejects. */
  async #periodicSave(): Promise<void> {
    const { storage, diagnostics, state, lock, log } = this.#parts;
    try {
      await this.#parts.saveState();
    } catch (e) {
      if (!storage.failed('config.json', e)) diagnostics.warn(`cannot save ${state.file}: ${(e as Error).message}`);
    }
    const lockProblem = await lock.verify().catch((e: Error) => `cannot check the data dir lock: ${e.message}`);
    if (lockProblem) {
      log.info(`Warning: ${lockProblem}`);
      diagnostics.warn(lockProblem);
    }
  }

  /** Stops receiving (421), lets in-flight deliveries finish, flushes state. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const { listeners, generated, scheduler, bounces, log, lock } = this.#parts;
    // A DSN waiting for queue room stays owed (sent after the restart).
    generated.stop();
    // No cluster change is applied while the engine stops.
    await this.#parts.cluster.close();
    await listeners.stopAll();
    // A background load stops after its current range; what is not loaded stays on disk as it is.
    await this.#loaded;
    await scheduler.stop();
    await bounces.idle?.();
    // Alert mail not sent yet says so in the mail log, which is still open.
    await this.#parts.alerts.stop();
    log.info('Shutdown: queue state flushed');
    await this.#closeParts();
    await lock.release();
  }

  async #closeParts(): Promise<void> {
    const { storage, queue, ids, log } = this.#parts;
    if (this.#saveTimer) clearInterval(this.#saveTimer);
    storage.stop();
    await queue.close();
    await ids.close();
    // On a full disk the engine still stops: the spool has every message, the state's
    // progress and counters go back to their last save (docs/reliability.md).
    await this.#parts.saveState().catch((e: unknown) => {
      if (!isStorageShort(e)) throw e;
      log.info(`Warning: shutdown on a disk that refuses writes: ${(e as Error).message}; queue progress is that of the last save`);
    });
    await log.close();
  }

  /**
   * Resolves once the engine has nothing left to do until simulated time moves: no delivery
   * running or due, no walk over the queue going on, no DSN being built, no alert mail being
   * sent, the queue state written. Tests wait on this, not on sleeps. With `lingering`,
   * delivery connections that only wait for more mail (their linger before QUIT, in real time)
   * may stay open: what a clock jump waits for before it moves on.
   */
  async idle(options: { lingering?: boolean } = {}): Promise<void> {
    const { bounces, scheduler, queue, events, alerts, clock } = this.#parts;
    await this.#loaded;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await bounces.idle?.();
      // Alert mail being sent, a forecast alert's look at the queue.
      await alerts.idle();
      if (clock.nextDue() <= clock.now()) {
        // A clock timer is due (the clock was just moved): it fires on the timers' turn, then look again.
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
        continue;
      }
      if (scheduler.isIdle(options.lingering)) {
        await queue.flush();
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (scheduler.isIdle(options.lingering)) return;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 100);
        const off = events.on('delivery', done);
        function done() {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
  }
}

/** An engine's parts: for src/engine/test-seam.ts, the one documented door to them. */
export function engineInternals(engine: Engine): EngineParts {
  return partsOf(engine);
}
