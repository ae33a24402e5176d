// Failed logins counted by a key — a client address, or an account's user name — and the lock
// they lead to: five failures in a row lock an address out for 60 s; an account is locked after
// its own run of failures from any addresses (the appliance's "lock user account after N failed
// login attempts": userconfig POLICY, five by default). Wall-clock time (injected), not the simulated clock: a
// sandbox running time 3,600 times faster must not shorten a lockout to 17 ms. Pure.

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 60_000;
/** How long a locked account stays locked. */
export const ACCOUNT_LOCK_MS = 15 * 60_000;
/** Keys kept at most: the oldest unlocked ones are forgotten first (names an attacker invents cannot fill memory). */
export const MAX_TRACKED = 10_000;

interface Entry {
  failures: number;
  lockedUntil: number;
}

export class LoginLockout {
  readonly #entries = new Map<string, Entry>();
  readonly #max: () => number;

  /** `maxFailures`: a number, or read at each failure (a committed setting); 0 never locks. */
  constructor(
    readonly now: () => number = Date.now,
    maxFailures: number | (() => number) = MAX_FAILURES,
    readonly lockMs = LOCKOUT_MS,
    readonly maxTracked = MAX_TRACKED,
  ) {
    this.#max = typeof maxFailures === 'number' ? () => maxFailures : maxFailures;
  }

  get maxFailures(): number {
    return this.#max();
  }

  /** Whether the key is locked out now. */
  locked(key: string): boolean {
    const e = this.#entries.get(key);
    if (!e || e.lockedUntil === 0) return false;
    if (this.now() < e.lockedUntil) return true;
    // The lock ran out: a fresh start.
    this.#entries.delete(key);
    return false;
  }

  /** How much longer the key is locked out (0: it is not). */
  lockedForMs(key: string): number {
    return this.locked(key) ? this.#entries.get(key)!.lockedUntil - this.now() : 0;
  }

  /** Records a failure; true when this one locks the key out. */
  failed(key: string): boolean {
    const e = this.#entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    e.failures++;
    // Re-inserted: the map's order is the order of the last failure.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    this.#trim();
    const max = this.maxFailures;
    if (max > 0 && e.failures >= max && e.lockedUntil === 0) {
      e.lockedUntil = this.now() + this.lockMs;
      return true;
    }
    return false;
  }

  /** A successful login forgets the key's failures. */
  succeeded(key: string): void {
    this.#entries.delete(key);
  }

  #trim(): void {
    if (this.#entries.size <= this.maxTracked) return;
    for (const [key, e] of this.#entries) {
      if (this.#entries.size <= this.maxTracked) return;
      if (e.lockedUntil === 0 || !this.locked(key)) this.#entries.delete(key);
    }
  }
}
