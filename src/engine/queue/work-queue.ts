// The work queue: where a received message waits between its 250 (durably queued) and the hand-off
// to delivery. Normally the hand-off is immediate; `workqueue pause` holds received messages here
// (delivery of what was queued before goes on) until `workqueue resume` hands them over in order.
// Resource conservation: while the work queue holds its limit of messages or more, receiving is
// suspended (new connections get the 421 of a suspended listener) until it is below half of it.
// Messages the appliance generates (DSNs) never wait here.
import type { WorkQueueView } from '../../api/engine-api.js';
import { workQueueLimit } from '../../model/work-queue.js';
import type { ApplianceConfig, OperationalState } from '../../model/config.js';
import type { Clock } from '../clock.js';
import type { MailLog } from '../log/mail-log.js';
import { pacer } from '../pacing.js';
import type { QueuedMessage } from './message.js';
import type { QueueRecords } from './records.js';

export interface WorkQueueContext {
  clock: Clock;
  log: MailLog;
  records: QueueRecords;
  config: () => ApplianceConfig;
  operational: () => OperationalState;
  /** Hands a message to delivery (the scheduler). */
  deliver: (msg: QueuedMessage) => void;
  /** Persists the operational state (the pause survives a restart). */
  saveState: () => Promise<void>;
  /** The work queue changed (gauges, status). */
  changed: () => void;
  /** Messages being written to the spool now: received, not yet queued. */
  writing: () => number;
}

export class WorkQueue {
  /** Held messages in arrival order (a Set keeps insertion order; the limit keeps it small). */
  readonly #held = new Set<QueuedMessage>();
  #entered = 0;
  #left = 0;
  #conserving = false;

  constructor(readonly ctx: WorkQueueContext) {}

  get paused(): { reason: string; since: number } | undefined {
    return this.ctx.operational().workQueuePause;
  }

  get held(): number {
    return this.#held.size;
  }

  /** Receiving is suspended by resource conservation. */
  get conserving(): boolean {
    return this.#conserving;
  }

  view(): WorkQueueView {
    const paused = this.paused;
    return {
      ...(paused ? { paused: { ...paused } } : {}),
      messages: this.held + this.ctx.writing(),
      entered: this.#entered,
      left: this.#left,
      conserving: this.#conserving,
      limit: workQueueLimit(this.ctx.config()),
    };
  }

  /** A received message, durably queued: to delivery at once, or held while the work queue is paused. */
  handoff(msg: QueuedMessage): void {
    this.#entered++;
    if (this.paused) this.#hold(msg);
    else this.#deliver(msg);
  }

  /**
   * A message loaded from disk at a start: held again if it arrived while the work queue was
   * paused and was never tried (it had not been handed over), else to delivery.
   */
  restored(msg: QueuedMessage): void {
    const paused = this.paused;
    if (paused && msg.envelope.arrival >= paused.since && msg.rcpts.every((r) => r.attempts === 0)) {
      this.#entered++;
      this.#hold(msg);
    } else this.ctx.deliver(msg);
  }

  /**
   * An operator action (delete, bounce) reaches a held message: it leaves the work queue, its
   * recipients counted as queued, so the action finishes them as any other. False when it was not held.
   */
  release(msg: QueuedMessage): boolean {
    if (!this.#held.delete(msg)) return false;
    this.#left++;
    const pending = msg.rcpts.filter((r) => r.state === 'pending');
    if (pending.length > 0) this.ctx.records.enter(pending);
    this.#conserve();
    this.ctx.changed();
    return true;
  }

  async pause(reason: string): Promise<void> {
    if (this.paused) return;
    this.ctx.operational().workQueuePause = { reason, since: this.ctx.clock.now() };
    await this.ctx.saveState();
    this.ctx.log.info(`work queue paused, ${this.held} msgs, ${reason}`);
    this.ctx.changed();
  }

  /** Hands every held message to delivery, oldest first; returns how many. */
  async resume(): Promise<number> {
    if (!this.paused) return 0;
    delete this.ctx.operational().workQueuePause;
    await this.ctx.saveState();
    this.ctx.log.info(`work queue resumed, ${this.held} msgs`);
    const pause = pacer();
    let n = 0;
    // A Set's iteration skips what is deleted meanwhile: a message an action releases is not delivered here.
    for (const next of this.#held) {
      this.#held.delete(next);
      this.#deliver(next);
      n++;
      this.#conserve();
      await pause();
    }
    this.ctx.changed();
    return n;
  }

  /** Forgets what is held without delivering it (a reset of the queue deletes those messages). */
  clear(): void {
    this.#held.clear();
    this.#conserve();
    this.ctx.changed();
  }

  #hold(msg: QueuedMessage): void {
    this.#held.add(msg);
    this.#conserve();
    this.ctx.changed();
  }

  #deliver(msg: QueuedMessage): void {
    this.#left++;
    if (msg.pending > 0) this.ctx.deliver(msg);
  }

  /** Resource conservation: suspends receiving at the limit, resumes below half of it. */
  #conserve(): void {
    const limit = workQueueLimit(this.ctx.config());
    const held = this.held;
    if (!this.#conserving && held >= limit) {
      this.#conserving = true;
      this.ctx.log.info(`Resource conservation: receiving suspended: the work queue holds ${held} messages (limit ${limit})`);
    } else if (this.#conserving && held < limit / 2) {
      this.#conserving = false;
      this.ctx.log.info(`Resource conservation ended: receiving resumed: the work queue holds ${held} messages`);
    }
  }
}
