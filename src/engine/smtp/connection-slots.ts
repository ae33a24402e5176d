// Inbound connection slots over all listeners, as the appliance and Postfix defend them: each
// listener's limit, a global limit across listeners (listenerconfig SETUP's "global limit for
// concurrent connections"), and when a limit is reached, the idlest session of the address that
// holds the most slots is evicted for an address that holds fewer, rather than the newcomer
// refused. A full listener is "under stress" (Postfix's word) until it falls below three
// quarters of its limit: its sessions' command timeout shortens meanwhile. No timers, no sockets.

/** One open, counted session. */
export interface SlotHolder {
  listener: string;
  remote: string;
  /** When its last command line (or its greeting) came, on a monotonic clock (ms). */
  lastCommandAt: number;
  /** Receiving or queueing a message: never evicted (its client would send it again). */
  busy: boolean;
  /** Closes the session with a 421 (the listener that owns it says how). */
  evict(): void;
}

export type Admission = { admit: true; evicted?: SlotHolder } | { admit: false; full: 'listener' | 'global' };

/** Stress ends below this share of a limit (hysteresis: it does not flap at the limit). */
const RELAX_SHARE = 0.75;

export class ConnectionSlots {
  readonly #holders = new Map<string, SlotHolder>();
  readonly #perListener = new Map<string, number>();
  /** Listeners under stress, with their own limit (for when it ends). */
  readonly #stressed = new Map<string, number>();
  readonly #watchers = new Set<() => void>();

  /** `globalMax`: the limit over all listeners, read at each admission (a commit may change it). */
  constructor(readonly globalMax: () => number) {}

  get total(): number {
    return this.#holders.size;
  }

  openOn(listener: string): number {
    return this.#perListener.get(listener) ?? 0;
  }

  /**
   * Whether a new session from `remote` on `listener` (at most `listenerMax` there) gets a slot,
   * and which session makes room for it. Does not take the slot (`add` does, once the session
   * is set up).
   */
  admit(listener: string, listenerMax: number, remote: string): Admission {
    const listenerFull = this.openOn(listener) >= listenerMax;
    const globalFull = this.total >= this.globalMax();
    if (!listenerFull && !globalFull) return { admit: true };
    this.#stressed.set(listener, listenerMax);
    // Room on a full listener comes from its own sessions; on a full appliance, from any.
    const victim = this.#victim(listenerFull ? listener : undefined, remote);
    if (!victim) {
      this.#notify();
      return { admit: false, full: listenerFull ? 'listener' : 'global' };
    }
    return { admit: true, evicted: victim };
  }

  /**
   * The idlest evictable session of the address holding the most slots in the pool, when that
   * address holds more than `remote` does; else none (a newcomer never evicts an equal).
   */
  #victim(listener: string | undefined, remote: string): SlotHolder | undefined {
    const perRemote = new Map<string, number>();
    for (const h of this.#holders.values()) {
      if (listener === undefined || h.listener === listener) perRemote.set(h.remote, (perRemote.get(h.remote) ?? 0) + 1);
    }
    const own = perRemote.get(remote) ?? 0;
    let heaviest = 0;
    for (const n of perRemote.values()) heaviest = Math.max(heaviest, n);
    if (heaviest <= own) return undefined;
    let victim: SlotHolder | undefined;
    for (const h of this.#holders.values()) {
      if (h.busy || perRemote.get(h.remote) !== heaviest || (listener !== undefined && h.listener !== listener)) continue;
      if (!victim || h.lastCommandAt < victim.lastCommandAt) victim = h;
    }
    return victim;
  }

  add(id: string, holder: SlotHolder): void {
    this.#holders.set(id, holder);
    this.#perListener.set(holder.listener, this.openOn(holder.listener) + 1);
    this.#notify();
  }

  get(id: string): SlotHolder | undefined {
    return this.#holders.get(id);
  }

  /** The session no longer holds a slot (`listenerMax`: its listener's limit now); stress ends where it has relaxed. */
  remove(id: string, listenerMax: number): void {
    const h = this.#holders.get(id);
    if (!h) return;
    this.#holders.delete(id);
    const left = this.openOn(h.listener) - 1;
    if (left > 0) this.#perListener.set(h.listener, left);
    else this.#perListener.delete(h.listener);
    if (this.#stressed.has(h.listener)) this.#stressed.set(h.listener, listenerMax);
    const globalRelaxed = this.total < this.globalMax() * RELAX_SHARE;
    for (const [l, max] of this.#stressed) if (globalRelaxed && this.openOn(l) < max * RELAX_SHARE) this.#stressed.delete(l);
    this.#notify();
  }

  /** Whether the listener is under stress (it was full, or the appliance was, and has not yet relaxed). */
  stressed(listener: string): boolean {
    return this.#stressed.has(listener);
  }

  /** Told after every change of the slots (listeners re-read their stress). */
  watch(fn: () => void): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  #notify(): void {
    for (const fn of this.#watchers) fn();
  }
}
