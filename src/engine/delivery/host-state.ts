// Which destinations are down, like Postfix's queue-manager throttle: a destination that
// cannot be reached is marked down as a whole until its host retry time (doubling from the
// Default profile's host_initial_retry up to host_max_retry_timeout); meanwhile its mail
// waits without attempts, and one probe at that time decides whether it is up again. A host
// that answers but cannot be used with the TLS its destination requires is held the same way
// (its mail must not cost a connection per message), though it is not shown as down.
import { retryWaitSeconds } from '../../model/bounce-profile.js';
import type { Destination } from './destination.js';

export interface HostRetry {
  host_initial_retry: number;
  host_max_retry_timeout: number;
}

export class HostStates {
  readonly #down = new Set<Destination>();

  /** `marked`: told each time a destination is marked down (each failed round) and when it is up again (the alerts). */
  constructor(readonly marked?: (dest: Destination, down: boolean) => void) {}

  /** Destinations marked down because they cannot be reached (not those held for TLS). */
  get downCount(): number {
    let n = 0;
    for (const dest of this.#down) if (!dest.heldForTls) n++;
    return n;
  }

  /**
   * A connection round failed (`tls`: the host answered, TLS failed). Returns whether this
   * marked it (workers that failed in the same round count as one failure: the later ones
   * change nothing).
   */
  failed(dest: Destination, now: number, retry: HostRetry, why: 'unreachable' | 'tls' = 'unreachable'): boolean {
    if (dest.down && dest.downUntil > now) return false;
    dest.hostFailures++;
    dest.down = true;
    dest.heldForTls = why === 'tls';
    dest.downUntil = now + retryWaitSeconds(dest.hostFailures, retry.host_initial_retry, retry.host_max_retry_timeout) * 1000;
    this.#down.add(dest);
    this.marked?.(dest, true);
    return true;
  }

  /** The destination answered (or an operator said so): returns whether it was down. */
  up(dest: Destination): boolean {
    dest.hostFailures = 0;
    if (!dest.down) return false;
    dest.down = false;
    dest.heldForTls = false;
    dest.downUntil = 0;
    dest.sweepAt = Infinity;
    this.#down.delete(dest);
    this.marked?.(dest, false);
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

  /**
   * Down destinations whose waiting mail is owed an expiry or a delay warning by now, their
   * probe not due yet (a probe sweeps them anyway): each is returned once per sweep time.
   */
  dueSweeps(now: number): Destination[] {
    const due: Destination[] = [];
    for (const dest of this.#down) {
      if (dest.downUntil <= now || dest.sweepAt > now) continue;
      dest.sweepAt = Infinity;
      due.push(dest);
    }
    return due;
  }

  /** The earliest probe time still ahead, or sweep time, Infinity for none. */
  nextProbe(now: number): number {
    let next = Infinity;
    for (const dest of this.#down) {
      if (dest.downUntil <= now) continue; // its probe is due: the probe sweeps it
      if (dest.downUntil < next) next = dest.downUntil;
      if (dest.sweepAt < next) next = dest.sweepAt;
    }
    return next;
  }
}
