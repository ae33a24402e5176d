// Every operator action on a running engine, in one place: suspending and resuming listeners
// and delivery, delivering now, deleting, bouncing and redirecting queued recipients, resetting
// the counters, committing a configuration (listeners rebound as it needs), and the rollback
// points saved with commits. Each goes through the state's one writer (recipient state:
// QueueRecords via the scheduler; configuration and operational state: here, then saved).
import type { EngineOperations as Operations } from '../api/engine-core.js';
import type { RecipientSelector, RollbackPoint } from '../api/engine-api.js';
import { DomainPattern } from '../model/domain-pattern.js';
import type { ApplianceConfig, HostPort, OperationalState } from '../model/config.js';
import * as line from '../model/log-lines.js';
import { migrateListeners } from '../model/listener-migration.js';
import { SaveOutcomeUnknown } from '../model/change.js';
import type { BounceSink } from './bounce/bounce-sink.js';
import type { Clock } from './clock.js';
import type { Counters } from './counters.js';
import type { Redirects } from './delivery/redirects.js';
import type { DeliveryScheduler } from './delivery/scheduler.js';
import type { EventBus } from './event-bus.js';
import type { MailLog } from './log/mail-log.js';
import type { IdAllocator } from './queue/ids.js';
import type { QueuedMessage, Recipient } from './queue/message.js';
import type { MailQueue } from './queue/queue.js';
import { pacer, yieldTurn } from './pacing.js';
import type { Listener } from './smtp/listener.js';
import { carrySuspensions, planListeners } from './smtp/listener-plan.js';
import type { RunningListeners } from './smtp/running-listeners.js';
import { referencedPoints } from '../model/rollback.js';
import { RollbackStore } from './state/rollback-store.js';
import type { StateFile } from './state/state-file.js';
import { missingCertificate, type SelfSignedSpec } from '../model/tables/certificates.js';
import { makeCertificate } from './tls/certificate-maker.js';
import type { KeyStore } from './tls/key-store.js';
import type { TlsCredentials } from './tls/tls-credentials.js';
import { selectRecipients, type Selected } from './views.js';
import type { RemoteOutcome } from '../api/engine-api.js';
import { archiveFileName, mboxEntry } from '../model/mbox.js';
import type { WorkQueue } from './queue/work-queue.js';
import { connectTo } from './remote-connection.js';
import { writeArchive } from './state/archive.js';

/**
 * Messages handled per event-loop turn by bulk actions (delete / bounce many). A bounce slice
 * of 500 ten-recipient messages (log lines, DSN orders) took about 50 ms on the 2-core bench
 * machine: 100 keeps a slice well under the 50 ms stall budget.
 */
const ACTION_SLICE = 100;

/** Whether a domain list names every domain (`ALL`, or nothing at all). */
const namesAll = (domains: readonly string[]) => domains.length === 0 || domains.some((d) => DomainPattern.fromStored(d).kind === 'all');

export interface OperationsContext {
  dataDir: string;
  clock: Clock;
  log: MailLog;
  state: StateFile;
  counters: Counters;
  ids: IdAllocator;
  queue: MailQueue;
  scheduler: DeliveryScheduler;
  bounces: BounceSink;
  redirects: Redirects;
  listeners: RunningListeners;
  events: EventBus;
  /** Persists the configuration and operational state (with counters and ids). */
  saveState: () => Promise<void>;
  /** Told of listeners suspended and resumed (the alerts). */
  alerts?: { listenersSuspended(names: readonly string[]): void; listenersResumed(names: readonly string[]): void };
  keys: KeyStore;
  tls: TlsCredentials;
  workQueue: WorkQueue;
}

export class EngineOperations implements Operations {
  readonly #rollback: RollbackStore;
  #nextRollback: number | undefined;

  constructor(readonly ctx: OperationsContext) {
    this.#rollback = new RollbackStore(ctx.dataDir);
  }

  get #config(): ApplianceConfig {
    return this.ctx.state.data.config;
  }

  get #operational(): OperationalState {
    return this.ctx.state.data.operational;
  }

  // ----- listeners -----

  /** Suspends receiving; open sessions get `delaySeconds` (simulated) before a 421. */
  async suspendListeners(names: readonly string[], delaySeconds: number): Promise<string[]> {
    const { clock, listeners, log } = this.ctx;
    const op = this.#operational;
    const changed: string[] = [];
    for (const name of names) {
      if (!listeners.has(name)) continue;
      if (!op.suspendedListeners.includes(name)) {
        op.suspendedListeners.push(name);
        changed.push(name);
      }
    }
    await this.ctx.saveState();
    for (const name of changed) {
      const listener = listeners.get(name);
      if (!listener) continue;
      log.info(`Receiving suspended for ${name}`);
      const timer = clock.at(clock.now() + delaySeconds * 1000, () => {
        listeners.cancelDrop(name);
        if (this.#operational.suspendedListeners.includes(name)) listener.dropSessions(listener.unavailableText());
      });
      listeners.dropLater(name, () => timer.cancel());
    }
    await this.#logged();
    if (changed.length) this.ctx.alerts?.listenersSuspended(changed);
    return changed;
  }

  async resumeListeners(names: readonly string[]): Promise<string[]> {
    const op = this.#operational;
    const resumed = op.suspendedListeners.filter((n) => names.includes(n));
    op.suspendedListeners = op.suspendedListeners.filter((n) => !names.includes(n));
    for (const name of resumed) {
      this.ctx.listeners.cancelDrop(name);
      this.ctx.log.info(`Receiving resumed for ${name}`);
    }
    await this.ctx.saveState();
    await this.#logged();
    if (resumed.length) this.ctx.alerts?.listenersResumed(resumed);
    return resumed;
  }

  // ----- delivery -----

  /** `ALL` (or an empty list) suspends all delivery. */
  async suspendDelivery(domains: readonly string[]): Promise<void> {
    const op = this.#operational;
    if (namesAll(domains)) {
      op.deliverySuspended = true;
      this.ctx.log.info('Delivery suspended');
    } else {
      for (const d of domains) if (!op.suspendedDomains.includes(d)) op.suspendedDomains.push(d);
      this.ctx.log.info(`Delivery suspended for ${domains.join(', ')}`);
    }
    await this.ctx.saveState();
    await this.#logged();
  }

  /** Returns whether anything was suspended. */
  async resumeDelivery(domains: readonly string[]): Promise<boolean> {
    const op = this.#operational;
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
    await this.ctx.saveState();
    if (resumed) this.ctx.log.info('Delivery resumed');
    await this.#logged();
    this.ctx.scheduler.resumed();
    return resumed;
  }

  deliverNow(domain?: string): number {
    return this.ctx.scheduler.deliverNow(domain);
  }

  // ----- queued recipients -----

  /** Removes recipients without a DSN (`deleterecipients`, `removemessage`); returns how many. */
  deleteRecipients(selector: RecipientSelector | { kind: 'message'; mid: number }): Promise<number> {
    const by = selector.kind === 'message' ? 'removemessage' : 'deleterecipients';
    return this.#inSlices(this.#targets(selector), (msg, rcpts) => this.ctx.scheduler.deleteNow(msg, rcpts, by));
  }

  /** Hard-bounces recipients now, with a DSN per their bounce profile; returns how many. */
  bounceRecipients(selector: RecipientSelector): Promise<number> {
    return this.#inSlices(this.#targets(selector), (msg, rcpts) => this.ctx.scheduler.bounceNow(msg, rcpts));
  }

  /** Sends every queued recipient to `target` instead of its route, until the queue holds none of its domains. */
  async redirectRecipients(target: HostPort): Promise<number> {
    const { redirects, scheduler } = this.ctx;
    const domains = redirects.redirectQueued(target);
    if (domains.length === 0) return 0;
    await this.ctx.saveState();
    let n = 0;
    for (const domain of domains) n += scheduler.destinations.get(domain)?.counters.activeRecipients ?? 0;
    this.ctx.log.info(line.recipientsRedirected(n, target.host, target.port));
    for (const domain of domains) scheduler.deliverNow(domain);
    await this.#logged();
    return n;
  }

  /**
   * The messages and recipients an action is about, read as the action reaches them (the queue
   * changes meanwhile: only recipients still pending are named), among the messages queued
   * when it began.
   */
  *#targets(selector: RecipientSelector | { kind: 'message'; mid: number }): Generator<Selected | undefined> {
    const { queue, scheduler, ids } = this.ctx;
    if (selector.kind === 'message') {
      const msg = queue.messages.get(selector.mid);
      if (msg && msg.pending > 0) yield [msg, msg.rcpts.filter((r) => r.state === 'pending')];
      return;
    }
    yield* selectRecipients(queue, scheduler, selector, ids.peek('mid'));
  }

  /**
   * Acts on the targets in slices: ACTION_SLICE messages acted on, or a walk of the queue past
   * WALK_TURN_MS (pacing.ts), per event-loop turn.
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
      // A message held in the work queue leaves it to be acted on.
      this.ctx.workQueue.release(target[0]);
      n += act(...target);
      if (++acted % ACTION_SLICE === 0) await yieldTurn();
    }
    if (n > 0) {
      // The DSNs are queued and the change is on disk before the operator is told it happened:
      // a crash after the answer neither brings a recipient back nor bounces it twice.
      await this.ctx.bounces.idle?.();
      await this.ctx.queue.flush();
      await this.#logged();
      this.ctx.events.emit('queue');
    }
    return n;
  }

  /**
   * An operator action's mail log lines are on disk (written and fsynced) before it answers, as
   * its state already is: a kill -9 or a power cut right after the answer keeps the record of it.
   */
  #logged(): Promise<void> {
    return this.ctx.log.sync();
  }

  // ----- counters -----

  resetCounters(): void {
    this.ctx.counters.reset();
  }

  // ----- the work queue -----

  pauseWorkQueue(reason: string): Promise<void> {
    return this.ctx.workQueue.pause(reason);
  }

  resumeWorkQueue(): Promise<number> {
    return this.ctx.workQueue.resume();
  }

  /** `resetqueue`: every queued message deleted (no DSN), the work queue's too. */
  async resetQueue(): Promise<{ messages: number; recipients: number }> {
    let messages = 0;
    const recipients = await this.#inSlices(this.#targets({ kind: 'all' }), (msg, rcpts) => {
      const n = this.ctx.scheduler.deleteNow(msg, rcpts, 'resetqueue');
      if (n > 0) messages++;
      return n;
    });
    this.ctx.workQueue.clear();
    this.ctx.log.info(`Queue reset: ${messages} message(s), ${recipients} recipient(s) deleted by resetqueue`);
    await this.#logged();
    return { messages, recipients };
  }

  // ----- messages and logs -----

  /** `archivemessage`: the queued message's stored content, as an mbox file in `configuration/`. */
  async archiveMessage(mid: number): Promise<string | undefined> {
    const msg = this.ctx.queue.messages.get(mid);
    if (!msg || msg.pending === 0) return undefined;
    const content = await this.ctx.queue.storedContent(mid);
    const name = archiveFileName(mid);
    await writeArchive(this.ctx.dataDir, name, mboxEntry(msg.envelope.from, msg.envelope.arrival, content.toString('utf8')));
    this.ctx.log.info(`MID ${mid} archived to ${name}`);
    await this.#logged();
    return name;
  }

  rolloverMailLog(): Promise<void> {
    return this.ctx.log.rollover();
  }

  connectTo(target: HostPort, options?: { localAddress?: string; timeoutMs?: number }): Promise<RemoteOutcome> {
    return connectTo(target, options);
  }

  // ----- configuration -----

  /** Applies a whole new configuration atomically (commit) and persists it. */
  async applyConfig(proposed: ApplianceConfig): Promise<void> {
    const { listeners, state } = this.ctx;
    // A configuration restored from before RAT entries had actions is brought up to date first.
    const next = migrateListeners(proposed);
    // Every certificate it names, with its key read: a missing key fails the commit, not a handshake.
    const missing = missingCertificate(next);
    if (missing) throw new Error(missing);
    await this.ctx.tls.prepare(next);
    const previous = state.data.config;
    const previousSuspended = this.#operational.suspendedListeners;
    // Listeners: which keep their socket (a renamed one too), which need a new one, which stop.
    const running = [...listeners.values()].map((l) => ({ name: l.name, host: l.config.host, port: l.config.port }));
    const plan = planListeners(running, next.listeners);
    // New or moved ones are bound first, so a failed bind changes nothing.
    const bound = new Map<string, Listener>();
    try {
      for (const name of plan.bind) {
        const lc = next.listeners.find((l) => l.name === name)!;
        const fresh = listeners.create(lc, this.ctx.tls.forListener(lc, next));
        await fresh.listen().catch((e: NodeJS.ErrnoException) => {
          throw new Error(`listener ${lc.name} cannot listen on ${lc.host}:${lc.port}: ${bindFailure(e)}`);
        });
        bound.set(name, fresh);
      }
    } catch (e) {
      await Promise.allSettled([...bound.values()].map((l) => l.stop()));
      throw e;
    }
    state.data.config = next;
    this.#operational.suspendedListeners = carrySuspensions(plan, previousSuspended, next.listeners);
    try {
      await this.ctx.saveState();
    } catch (e) {
      state.data.config = previous;
      this.#operational.suspendedListeners = previousSuspended;
      await Promise.allSettled([...bound.values()].map((l) => l.stop()));
      // The durable write may have renamed the new file in before it failed.
      throw new SaveOutcomeUnknown(e);
    }
    const before = new Map([...listeners.values()].map((l) => [l.name, l] as const));
    for (const name of plan.stop) {
      // A deleted listener refuses new sessions at once; what it already accepted stays queued.
      listeners.cancelDrop(name);
      listeners.retire(before.get(name)!);
    }
    const after = new Map<string, Listener>();
    for (const lc of next.listeners) {
      const kept = plan.keep.get(lc.name);
      const listener = kept === undefined ? bound.get(lc.name)! : before.get(kept)!;
      if (kept !== undefined) {
        listener.update(lc, this.ctx.tls.forListener(lc, next));
        listeners.renameDrop(kept, lc.name);
      }
      after.set(lc.name, listener);
    }
    listeners.replace(after);
    // The mail log's rollover (logconfig).
    if (next.mailLog) this.ctx.log.setRotation(next.mailLog.maxFileSize, next.mailLog.maxFiles);
  }

  // ----- certificates -----

  /** Stores a private key (0600, in `keys/`) for a certificate about to be recorded; returns its file's name. */
  storePrivateKey(pem: string): Promise<string> {
    return this.ctx.keys.store(pem);
  }

  /** A new key pair (stored) and a self-signed certificate for it. */
  makeSelfSignedCertificate(spec: SelfSignedSpec): Promise<{ certificate: string; keyFile: string }> {
    return makeCertificate(spec, this.ctx.keys);
  }

  /**
   * Saves a configuration about to be committed for `rollbackconfig`; returns its number, which
   * the commit's record must carry.
   */
  async saveRollbackPoint(config: ApplianceConfig, comment: string): Promise<number> {
    const referenced = referencedPoints(this.#config);
    // Numbers are handed out here, synchronously after the first look, so two sessions
    // committing at once never share one.
    this.#nextRollback ??= await this.#rollback.nextNumber(referenced);
    const number = this.#nextRollback++;
    await this.#rollback.save({ number, at: this.ctx.clock.now(), comment, config: structuredClone(config) }, referenced);
    return number;
  }

  rollbackPoints(): Promise<RollbackPoint[]> {
    return this.#rollback.list(referencedPoints(this.#config));
  }
}

/** Why a listener could not bind, in words (the commit's one line). */
function bindFailure(e: NodeJS.ErrnoException): string {
  if (e.code === 'EADDRINUSE') return 'the address is already in use';
  if (e.code === 'EADDRNOTAVAIL') return 'no interface of this machine has that address';
  if (e.code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  return e.message;
}
