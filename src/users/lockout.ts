// Failed logins per client address: five failures in a row lock the address out for 60 s.
// Wall-clock time (injected), not the simulated clock: a sandbox running time 3,600 times
// faster must not shorten a lockout to 17 ms. Pure.

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 60_000;

interface Entry {
  failures: number;
  lockedUntil: number;
}

export class LoginLockout {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly now: () => number = Date.now,
    readonly maxFailures = MAX_FAILURES,
    readonly lockMs = LOCKOUT_MS,
  ) {}

  /** Whether the address is locked out now. */
  locked(address: string): boolean {
    const e = this.#entries.get(address);
    if (!e || e.lockedUntil === 0) return false;
    if (this.now() < e.lockedUntil) return true;
    // The lock ran out: a fresh start.
    this.#entries.delete(address);
    return false;
  }

  /** How much longer the address is locked out (0: it is not). */
  lockedForMs(address: string): number {
    return this.locked(address) ? this.#entries.get(address)!.lockedUntil - this.now() : 0;
  }

  /** Records a failure; true when this one locks the address out. */
  failed(address: string): boolean {
    const e = this.#entries.get(address) ?? { failures: 0, lockedUntil: 0 };
    e.failures++;
    this.#entries.set(address, e);
    if (e.failures >= this.maxFailures && e.lockedUntil === 0) {
      e.lockedUntil = this.now() + this.lockMs;
      return true;
    }
    return false;
  }

  /** A successful login forgets the address's failures. */
  succeeded(address: string): void {
    this.#entries.delete(address);
  }
}
