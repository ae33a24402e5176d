// The engine API as the running engine provides it: views from src/engine/views.ts, actions
// through the engine's single writers (QueueRecords via the scheduler, commit via
// applyConfig), events from the engine's emitter. Long operator actions work in slices so
// the event loop never stalls on a big queue.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { systemStatus } from '../model/system-status.js';
import { referencedPoints, RollbackStore, type RollbackPoint } from '../engine/state/rollback-store.js';
import type { ApplianceConfig, HostPort, OperationalState } from '../model/config.js';
import type {
  EngineApi,
  EngineEventName,
  EngineEvents,
  HostRow,
  HostStatusView,
  ListenerView,
  MessageView,
  QueueGauges,
  RecipientPage,
  RecipientSelector,
  StatusSnapshot,
  SystemGauges,
} from './engine-api.js';
import type { Diagnostics } from '../platform/diagnostics.js';
import type { Engine } from '../engine/engine.js';
import { RecipientTally, type ForecastSnapshot } from '../model/forecast.js';
import { counterValues, gauges, hostRows, hostStatus, recipientPage, selectRecipients, WALK_SLICE, type Pause, type Selected } from '../engine/views.js';
import type { QueuedMessage, Recipient } from '../engine/queue/message.js';
import type { QueueLoadProgress } from '../engine/queue/queue.js';
import type { SandboxControls } from '../sandbox/sandbox.js';
import { SystemMeter } from '../engine/system-meter.js';

/**
 * Messages handled per event-loop turn by bulk actions (delete / bounce many). A bounce slice
 * of 500 ten-recipient messages (log lines, DSN orders) took about 50 ms on the 2-core bench
 * machine: 100 keeps a slice well under the 50 ms stall budget.
 */
const ACTION_SLICE = 100;

/** Longest a walk of the queue (a listing, an action's selection, the forecast) runs before it lets the event loop go. */
const WALK_TURN_MS = 10;

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pause for a long walk: gives the event loop a turn once WALK_TURN_MS have passed since the last one. */
function pacer(): Pause {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < WALK_TURN_MS) return;
    await yieldTurn();
    since = performance.now();
  };
}

export class EngineApiImpl implements EngineApi {
  readonly #system: SystemMeter;
  readonly #rollback: RollbackStore;
  #nextRollback: number | undefined;

  constructor(readonly engine: Engine) {
    this.#system = new SystemMeter(engine.dataDir, path.dirname(engine.log.file));
    this.#rollback = new RollbackStore(engine.dataDir);
  }

  get hostname(): string {
    return this.engine.hostname;
  }

  get dataDir(): string {
    return this.engine.dataDir;
  }

  get diagnostics(): Diagnostics & { readonly warnings: readonly string[]; readonly warningCount: number } {
    return this.engine.diagnostics;
  }

  get sandbox(): SandboxControls | undefined {
    return this.engine.sandbox;
  }

  now(): number {
    return this.engine.clock.now();
  }

  after(ms: number, fire: () => void): () => void {
    const clock = this.engine.clock;
    const timer = clock.at(clock.now() + ms, fire);
    return () => timer.cancel();
  }

  config(): Readonly<ApplianceConfig> {
    return this.engine.config;
  }

  operational(): Readonly<OperationalState> {
    return this.engine.operational;
  }

  // ----- queries -----

  hostRows(): HostRow[] {
    return hostRows(this.engine.scheduler);
  }

  hostStatus(domain: string): HostStatusView | undefined {
    const d = domain.toLowerCase();
    return hostStatus(this.engine.scheduler, this.engine.config, d, this.now(), this.engine.redirectOf(d), this.engine.queue);
  }

  gauges(): QueueGauges {
    const e = this.engine;
    return gauges({ queue: e.queue, records: e.records, scheduler: e.scheduler, connectionsIn: e.inboundConnections(), config: e.config });
  }

  statusSnapshot(detail: boolean): StatusSnapshot {
    const e = this.engine;
    return {
      now: this.now(),
      startedAt: e.startedAt,
      lastReset: e.counters.lastReset,
      systemStatus: systemStatus(e.operational),
      oldestArrival: e.oldestQueuedArrival(),
      ...counterValues(e.counters, detail),
      ids: { mid: e.queue.spool.nextPlacedMid() ?? e.ids.peek('mid'), icid: e.ids.peek('icid'), dcid: e.ids.peek('dcid') },
      gauges: this.gauges(),
      corruptFilesKept: e.queue.store.corruptFilesKept() + e.state.corruptFilesKept(),
      damagedSpoolFiles: e.queue.spool.damagedFilesKept(),
      ...(e.storage.short ? { storageShort: { ...e.storage.short } } : {}),
      ...queueLoading(e.queue.loading),
    };
  }

  queuedRecipients(selector: RecipientSelector, page: { offset?: number; limit?: number } = {}): Promise<RecipientPage> {
    const { queue, scheduler, records } = this.engine;
    return recipientPage({ queue, scheduler, records }, selector, page.offset ?? 0, page.limit ?? Infinity, pacer());
  }

  async message(mid: number): Promise<MessageView | undefined> {
    const msg = this.engine.queue.messages.get(mid);
    if (!msg) return undefined;
    let headers = '';
    try {
      const content = await this.engine.queue.spool.readContent(mid);
      const end = content.indexOf('\r\n\r\n');
      headers = content.subarray(0, end >= 0 ? end : Math.min(content.length, 64 * 1024)).toString('utf8');
    } catch (e) {
      headers = `(the message's spool file cannot be read: ${(e as Error).message})`;
    }
    const env = msg.envelope;
    return {
      mid,
      size: msg.size,
      sender: env.from,
      arrival: env.arrival,
      icid: env.icid,
      listener: env.listener,
      profile: env.profile,
      recipients: msg.rcpts.map((r) => ({ rid: r.rid, address: r.address, state: r.state, attempts: r.attempts, nextAt: r.nextAt, lastReply: r.lastReply })),
      headers,
    };
  }

  oldestMessage(): ReturnType<EngineApi['oldestMessage']> {
    for (const msg of this.engine.queue.messages.values()) {
      if (msg.pending === 0) continue;
      return { mid: msg.envelope.mid, arrival: msg.envelope.arrival, sender: msg.envelope.from, size: msg.size, recipients: msg.pending };
    }
    return undefined;
  }

  listenerViews(): ListenerView[] {
    const suspended = this.engine.operational.suspendedListeners;
    return this.engine.config.listeners.map((lc) => {
      const running = this.engine.listeners.get(lc.name);
      return {
        name: lc.name,
        host: lc.host,
        port: running?.boundPort ?? lc.port,
        rat: lc.rat.filter((e) => e.action === 'ACCEPT').map((e) => e.pattern),
        suspended: suspended.includes(lc.name),
        openConnections: running?.openConnections ?? 0,
      };
    });
  }

  inboundConnections(names?: readonly string[]): number {
    return this.engine.inboundConnections(names);
  }

  outboundConnections(scope: 'all' | 'suspended'): number {
    const { scheduler } = this.engine;
    if (scope === 'all') return scheduler.connectionsOut;
    let n = 0;
    for (const dest of scheduler.destinations.values()) if (scheduler.isSuspended(dest.domain)) n += dest.counters.connectionsOut;
    return n;
  }

  knownDomains(): string[] {
    return [...this.engine.scheduler.destinations.keys()];
  }

  async mailLogFiles(): Promise<string[]> {
    // grep and tail read the files: what was logged so far must be in them.
    await this.engine.log.flush();
    const file = this.engine.log.file;
    const dir = path.dirname(file);
    const base = path.basename(file);
    const rotated = (await readdir(dir).catch(() => [] as string[]))
      .map((name) => ({ name, n: Number(name.slice(base.length + 1)) }))
      .filter(({ name, n }) => name.startsWith(`${base}.`) && Number.isInteger(n) && n > 0)
      .sort((a, b) => a.n - b.n)
      .map(({ name }) => path.join(dir, name));
    return [file, ...rotated];
  }

  systemGauges(): Promise<SystemGauges> {
    return this.#system.measure();
  }

  async forecastSnapshot(): Promise<ForecastSnapshot> {
    const e = this.engine;
    const now = e.clock.now();
    const profiles: ForecastSnapshot['profiles'] = {};
    const tally = new RecipientTally(now, profiles);
    const pause = pacer();
    let walked = 0;
    // A walk of the whole queue in slices, gathered into groups (a million queued make a few dozen).
    for (const msg of e.queue.messages.values()) {
      if (++walked % WALK_SLICE === 0) await pause();
      if (msg.pending === 0) continue;
      const { arrival, from } = msg.envelope;
      for (const r of msg.rcpts) {
        if (r.state !== 'pending') continue;
        // The profile delivery would use: the destination's, else the message's (its listener's).
        const profile = e.scheduler.profileNameFor(msg, r.domain);
        profiles[profile] ??= e.scheduler.profile(profile);
        tally.add(profile, arrival, r.attempts, r.warningsSent, from === '');
      }
    }
    const g = this.gauges();
    return {
      now,
      queuedMessages: g.queuedMessages,
      queueMaxMessages: e.config.queueMaxMessages,
      kilobytesUsed: g.kilobytesUsed,
      kilobytesFree: g.kilobytesFree,
      arrivalsPerHour: e.counters.ratePerHour('messagesReceived', 15),
      recipients: tally.groups(),
      profiles,
    };
  }

  // ----- actions -----

  suspendListeners(names: readonly string[], delaySeconds: number): Promise<string[]> {
    return this.engine.suspendListeners(names, delaySeconds);
  }

  resumeListeners(names: readonly string[]): Promise<string[]> {
    return this.engine.resumeListeners(names);
  }

  suspendDelivery(domains: readonly string[]): Promise<void> {
    return this.engine.suspendDelivery(domains);
  }

  resumeDelivery(domains: readonly string[]): Promise<boolean> {
    return this.engine.resumeDelivery(domains);
  }

  deliverNow(domain?: string): number {
    return this.engine.deliverNow(domain);
  }

  /**
   * The messages and recipients an action is about, read as the action reaches them (the queue
   * changes meanwhile: only recipients still pending are named), among the messages queued
   * when it began.
   */
  *#targets(selector: RecipientSelector | { kind: 'message'; mid: number }): Generator<Selected | undefined> {
    if (selector.kind === 'message') {
      const msg = this.engine.queue.messages.get(selector.mid);
      if (msg && msg.pending > 0) yield [msg, msg.rcpts.filter((r) => r.state === 'pending')];
      return;
    }
    yield* selectRecipients(this.engine.queue, this.engine.scheduler, selector, this.engine.ids.peek('mid'));
  }

  /**
   * Acts on the targets in slices: ACTION_SLICE messages acted on, or a walk of the queue past
   * WALK_TURN_MS, per event-loop turn.
   */
  async #inSlices(targets: Iterable<Selected | undefined>, act: (msg: QueuedMessage, rcpts: Recipient[]) => number): Promise<number> {
    const pause = pacer();
    let n = 0;
    let acted = 0;
    for (const target of targets) {
      if (target === undefined) {
        await pause();
        continue;
      }
      n += act(...target);
      if (++acted % ACTION_SLICE === 0) await yieldTurn();
    }
    if (n > 0) {
      // The DSNs are queued and the change is on disk before the operator is told it happened:
      // a crash after the answer neither brings a recipient back nor bounces it twice.
      await this.engine.bounces.idle?.();
      await this.engine.queue.store.flush();
      this.engine.emit('queue');
    }
    return n;
  }

  deleteRecipients(selector: RecipientSelector | { kind: 'message'; mid: number }): Promise<number> {
    const by = selector.kind === 'message' ? 'removemessage' : 'deleterecipients';
    return this.#inSlices(this.#targets(selector), (msg, rcpts) => this.engine.scheduler.deleteNow(msg, rcpts, by));
  }

  bounceRecipients(selector: RecipientSelector): Promise<number> {
    return this.#inSlices(this.#targets(selector), (msg, rcpts) => this.engine.scheduler.bounceNow(msg, rcpts));
  }

  redirectRecipients(target: HostPort): Promise<number> {
    return this.engine.redirectAll(target);
  }

  resetCounters(): void {
    this.engine.resetCounters();
  }

  applyConfig(next: ApplianceConfig): Promise<void> {
    return this.engine.applyConfig(next);
  }

  async saveRollbackPoint(config: ApplianceConfig, comment: string): Promise<number> {
    const referenced = referencedPoints(this.engine.config);
    // Numbers are handed out here, synchronously after the first look, so two sessions
    // committing at once never share one.
    this.#nextRollback ??= await this.#rollback.nextNumber(referenced);
    const number = this.#nextRollback++;
    await this.#rollback.save({ number, at: this.engine.clock.now(), comment, config: structuredClone(config) }, referenced);
    return number;
  }

  rollbackPoints(): Promise<RollbackPoint[]> {
    return this.#rollback.list(referencedPoints(this.engine.config));
  }

  // ----- events -----

  on<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void {
    return this.engine.on(event, listener);
  }
}

function queueLoading(l: QueueLoadProgress | undefined): Pick<StatusSnapshot, 'queueLoading'> {
  if (!l) return {};
  const { messages, expectedMessages, buckets: ranges, bucketsDone: rangesDone, stopped } = l;
  return { queueLoading: { messages, expectedMessages, ranges, rangesDone, ...(stopped !== undefined ? { stopped } : {}) } };
}
