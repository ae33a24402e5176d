// The seam between delivery and bounce generation: delivery reports recipients it gave up
// on (and ones that wait long enough for a delay warning); the bounce generator decides
// whether a DSN goes out and queues it.
import type { HardBounceKind } from '../counters.js';
import type { QueuedMessage, Recipient } from '../queue/message.js';

export interface HardBounce {
  rcpt: Recipient;
  /** Enhanced status, e.g. 5.1.1 or 5.4.7. */
  status: string;
  /** The remote reply (`550 5.1.1 no such user`), '' when no remote answered. */
  reply: string;
  kind: HardBounceKind;
  /** The host that answered, when one did. */
  remoteMta?: string;
}

export interface BounceSink {
  /**
   * Recipients of one message that failed in one round. `profile`: the bounce profile that
   * applies to them (their destination's), when it is not the message's own.
   */
  hardBounced(msg: QueuedMessage, bounces: HardBounce[], profile?: string): void;
  /** Recipients of one message that have waited long enough for a delay warning. */
  delayed(msg: QueuedMessage, rcpts: Recipient[], profile?: string): void;
  /**
   * While a DSN is being built from a message, its spool file must stay: this resolves once
   * the sink no longer needs it (undefined when it never did). The queue removes a finished
   * message only after that.
   */
  holding?(msg: QueuedMessage): Promise<void> | undefined;
  /** Resolves when no DSN is being built or waiting to be (shutdown, tests). */
  idle?(): Promise<void>;
}

export const NO_BOUNCES: BounceSink = {
  hardBounced() {},
  delayed() {},
};
