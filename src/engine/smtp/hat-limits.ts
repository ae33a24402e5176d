// The default HAT policy's limits as a listener applies them (src/model/tables/hat-policy.ts):
// recipients per hour from one remote host, recipients the RAT rejects per hour from one host
// (Directory Harvest Attack Prevention), recipients per envelope sender per interval. Counted
// in fixed windows on the engine clock (a window starts at its first event); windows that
// ended are dropped now and then, so the counters stay as small as the traffic of the last hour.
import type { HatPolicy } from '../../model/config.js';
import { DHAP_DROP_TEXT, DHAP_REPLY, RATE_LIMIT_REPLY, SENDER_LIMIT_REPLY } from '../../model/tables/hat-policy.js';
import { customReply, type Reply } from './listener-policy.js';

const HOUR = 3_600_000;
/** Ended windows are swept when this many counters exist. */
const SWEEP_AT = 10_000;

export class HatLimits {
  readonly #windows = new Map<string, { start: number; ms: number; count: number }>();

  constructor(readonly now: () => number) {}

  /** The count of `key` in its current window (0 when the window ended). */
  #peek(key: string, ms: number): number {
    const w = this.#windows.get(key);
    return w && this.now() - w.start < ms ? w.count : 0;
  }

  #add(key: string, ms: number): number {
    const now = this.now();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= ms) {
      if (this.#windows.size >= SWEEP_AT) this.#sweep(now);
      w = { start: now, ms, count: 0 };
      this.#windows.set(key, w);
    }
    return ++w.count;
  }

  #sweep(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= w.ms) this.#windows.delete(key);
  }

  /**
   * A recipient the RAT rejected: counted against the host's harvest limit; past it, the DHAP
   * reply instead of the RAT's (`drop`: a 421 that closes the session). Undefined: the RAT's reply stands.
   */
  invalid(policy: HatPolicy | undefined, remote: string, hostname: string): (Reply & { drop: boolean; count: number }) | undefined {
    const dhap = policy?.dhap;
    if (!dhap) return undefined;
    const count = this.#add(`dhap ${remote}`, HOUR);
    if (count <= dhap.invalidPerHour) return undefined;
    if (dhap.action === 'drop') return { code: 421, text: `4.7.1 ${hostname} ${DHAP_DROP_TEXT}`, drop: true, count };
    return { ...customReply(dhap.response ?? DHAP_REPLY), drop: false, count };
  }

  /** A recipient about to be accepted: the reply of the limit it would pass, or undefined. */
  refusal(policy: HatPolicy | undefined, remote: string, sender: string): Reply | undefined {
    const rate = policy?.rateLimit;
    if (rate && this.#peek(`rcpt ${remote}`, HOUR) >= rate.recipientsPerHour) return customReply(rate.response ?? RATE_LIMIT_REPLY);
    const bySender = policy?.senderRateLimit;
    if (bySender && this.#peek(`sender ${sender.toLowerCase()}`, bySender.intervalMinutes * 60_000) >= bySender.recipients) {
      return customReply(bySender.response ?? SENDER_LIMIT_REPLY);
    }
    return undefined;
  }

  /** A recipient was accepted: it counts against the limits that are on. */
  accepted(policy: HatPolicy | undefined, remote: string, sender: string): void {
    if (policy?.rateLimit) this.#add(`rcpt ${remote}`, HOUR);
    if (policy?.senderRateLimit) this.#add(`sender ${sender.toLowerCase()}`, policy.senderRateLimit.intervalMinutes * 60_000);
  }
}
