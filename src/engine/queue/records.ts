// The one writer of recipient state. Delivery, the bounce generator and the operator's queue
// commands change a recipient only through here: each change marks the message's queue state
// dirty and keeps the gauges (active, unattempted, per host) and the completion counters in
// step, so no caller has to remember the bookkeeping (as Postfix's qmgr lets queue entries
// leave only through one function).
import type { Counters, HardBounceKind, HostCounters } from '../counters.js';
import { intern, type QueuedMessage, type Recipient } from './message.js';

/** How recipients leave the queue. */
export type Finish =
  | { state: 'delivered' }
  /** `status`: the enhanced status of the bounce; a DSN is owed until `dsnSettled`. */
  | { state: 'bounced'; kind: HardBounceKind; status: string }
  | { state: 'deleted' };

export interface RecordsContext {
  counters: Counters;
  now: () => number;
  /** The message's queue state must be written again. */
  changed: (msg: QueuedMessage) => void;
}

export class QueueRecords {
  /** Pending recipients never attempted yet, over all hosts. */
  unattempted = 0;
  /** Pending recipients over all hosts. */
  active = 0;

  constructor(readonly ctx: RecordsContext) {}

  #host(r: Recipient): HostCounters {
    return this.ctx.counters.host(r.domain);
  }

  /** A message's pending recipients enter the gauges (once, when it is scheduled). */
  enter(rcpts: readonly Recipient[]): void {
    for (const r of rcpts) {
      if (r.state !== 'pending') continue;
      const h = this.#host(r);
      h.activeRecipients++;
      this.active++;
      if (r.attempts === 0) {
        h.unattempted++;
        this.unattempted++;
      }
    }
  }

  /** One delivery attempt was made for these recipients (whatever its outcome). */
  attempted(msg: QueuedMessage, rcpts: readonly Recipient[], reply: string | ((r: Recipient) => string)): void {
    const now = this.ctx.now();
    for (const r of rcpts) {
      if (r.state !== 'pending') continue;
      if (r.attempts === 0) {
        this.#host(r).unattempted--;
        this.unattempted--;
      }
      r.attempts++;
      r.lastAttemptAt = now;
      // The same few replies for thousands of recipients (a host refusing): kept once.
      r.lastReply = intern(typeof reply === 'string' ? reply : reply(r));
      this.#host(r).lastActivity = now;
    }
    this.ctx.changed(msg);
  }

  /** The recipients wait until `at` (simulated ms) for their next attempt. */
  retryAt(msg: QueuedMessage, rcpts: readonly Recipient[], at: number): void {
    for (const r of rcpts) if (r.state === 'pending') r.nextAt = at;
    this.ctx.changed(msg);
  }

  /** A delay warning went out for these recipients. */
  warned(msg: QueuedMessage, rcpts: readonly Recipient[]): void {
    for (const r of rcpts) r.warningsSent++;
    this.ctx.changed(msg);
  }

  /** Recipients leave the queue; returns those that were still pending (the others are left as they are). */
  finish(msg: QueuedMessage, rcpts: readonly Recipient[], how: Finish): Recipient[] {
    const done: Recipient[] = [];
    for (const r of rcpts) {
      if (r.state !== 'pending') continue;
      r.state = how.state;
      if (how.state === 'bounced') r.dsnPending = how.status;
      msg.pending--;
      this.active--;
      const h = this.#host(r);
      h.activeRecipients--;
      if (r.attempts === 0) {
        h.unattempted--;
        this.unattempted--;
      }
      h.lastActivity = this.ctx.now();
      done.push(r);
    }
    if (done.length === 0) return done;
    const { counters } = this.ctx;
    // Counted per host: one message's recipients may be for several domains.
    const byDomain = new Map<string, number>();
    for (const r of done) byDomain.set(r.domain, (byDomain.get(r.domain) ?? 0) + 1);
    for (const [domain, n] of byDomain) {
      if (how.state === 'delivered') counters.delivered(domain, n);
      else if (how.state === 'bounced') counters.hardBounce(domain, how.kind, n);
      else counters.deleted(domain, n);
    }
    this.ctx.changed(msg);
    return done;
  }

  /** No DSN is owed any more for these recipients (it was queued, or none goes out). */
  dsnSettled(msg: QueuedMessage, rcpts: readonly Recipient[]): void {
    for (const r of rcpts) r.dsnPending = '';
    this.ctx.changed(msg);
  }
}
