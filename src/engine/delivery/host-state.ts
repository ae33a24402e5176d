// Which destinations are down, like Postfix's queue-manager throttle: a destination that
// cannot be reached is marked down as a whole until its host retry time (doubling from the
// Default profile's host_initial_retry up to host_max_retry_timeout); meanwhile its mail
// waits without attempts, and one probe at that time decides whether it is up again.
import { retryWaitSeconds } from '../../model/bounce-profile.js';
import type { Destination } from './destination.js';

export interface HostRetry {
  host_initial_retry: number;
  host_max_retry_timeout: number;
}

export class HostStates {
  readonly #down = new Set<Destination>();

  get downCount(): number {
    return this.#down.size;
  }

  /**
   * A connection round failed. Returns whether this marked it down (workers that failed in
   * the same round count as one failure: the later ones change nothing).
   */
  failed(dest: Destination, now: number, retry: HostRetry): boolean {
    if (dest.down && dest.downUntil > now) return false;
    dest.hostFailures++;
    dest.down = true;
    dest.downUntil = now + retryWaitSeconds(dest.hostFailures, retry.host_initial_retry, retry.host_max_retry_timeout) * 1000;
    this.#down.add(dest);
    return true;
  }

  /** The destination answered (or an operator said so): returns whether it was down. */
  up(dest: Destination): boolean {
    dest.hostFailures = 0;
    if (!dest.down) return false;
    dest.down = false;
    dest.downUntil = 0;
    this.#down.delete(dest);
    return true;
  }

  /** Whether a worker may start on the destination now: not down, or its probe is due. */
  mayConnect(dest: Destination, now: number): boolean {
    return !dest.down || dest.downUntil <= now;
  }

  /** Down destinations whose probe time has come. */
  dueProbes(now: number): Destination[] {
    const due: Destination[] = [];
    for (const dest of this.#down) if (dest.downUntil <= now) due.push(dest);
    return due;
  }

  /** The earliest probe time still ahead, Infinity for none. */
  nextProbe(now: number): number {
    let next = Infinity;
    for (const dest of this.#down) if (dest.downUntil > now && dest.downUntil < next) next = dest.downUntil;
    return next;
  }
}
