// The listeners running now, by name: opened at start, kept, rebound or retired by a commit,
// their sessions dropped a while after a suspend, stopped at shutdown.
import { DEFAULT_GLOBAL_MAX_CONNECTIONS, type ListenerConfig } from '../../model/config.js';
import { ConnectionSlots } from './connection-slots.js';
import type { CertificateCredentials } from '../tls/tls-credentials.js';
import { Listener, type ListenerContext } from './listener.js';

export class RunningListeners {
  readonly #byName = new Map<string, Listener>();
  /** Suspended listeners whose open sessions get a 421 when the suspend's delay ends: the cancel of that timer. */
  readonly #pendingDrops = new Map<string, () => void>();
  /** Listeners a commit deleted, while they finish what they were writing. */
  readonly #retiring = new Set<Promise<void>>();

  /** What every listener is built with, their connection slots (one global limit) among it. */
  readonly ctx: ListenerContext;

  constructor(ctx: ListenerContext) {
    const globalMax = ctx.globalMaxConnections ?? (() => DEFAULT_GLOBAL_MAX_CONNECTIONS);
    this.ctx = { ...ctx, slots: ctx.slots ?? new ConnectionSlots(globalMax) };
  }

  /** A new listener (not yet listening) with the engine's parts; `credentials`: what its STARTTLS presents. */
  create(config: ListenerConfig, credentials?: CertificateCredentials): Listener {
    return new Listener(config, this.ctx, credentials);
  }

  get(name: string): Listener | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  values(): IterableIterator<Listener> {
    return this.#byName.values();
  }

  /** Adds a listener that listens now. */
  add(listener: Listener): void {
    this.#byName.set(listener.name, listener);
  }

  /** The whole set after a commit: `next` by its (new) names. */
  replace(next: ReadonlyMap<string, Listener>): void {
    this.#byName.clear();
    for (const [name, listener] of next) this.#byName.set(name, listener);
  }

  /** Open inbound SMTP sessions over the named listeners (all when omitted). */
  inboundConnections(names?: readonly string[]): number {
    let n = 0;
    for (const l of this.#byName.values()) if (!names || names.includes(l.name)) n += l.openConnections;
    return n;
  }

  /** Open sessions by client address and listener. */
  inboundByHost(): { remoteIp: string; listener: string; connections: number }[] {
    const rows: { remoteIp: string; listener: string; connections: number }[] = [];
    for (const l of this.#byName.values()) {
      for (const [remote, n] of l.sessionsByHost()) rows.push({ remoteIp: remote.replace(/^::ffff:/, ''), listener: l.name, connections: n });
    }
    return rows;
  }

  /** Remembers the timer that drops a suspended listener's sessions (one per listener: an earlier one is cancelled). */
  dropLater(name: string, cancel: () => void): void {
    this.#pendingDrops.get(name)?.();
    this.#pendingDrops.set(name, cancel);
  }

  /** The drop timer fired or is no longer wanted. */
  cancelDrop(name: string): void {
    this.#pendingDrops.get(name)?.();
    this.#pendingDrops.delete(name);
  }

  /** A renamed listener keeps its pending drop under its new name. */
  renameDrop(from: string, to: string): void {
    const cancel = this.#pendingDrops.get(from);
    if (!cancel || from === to) return;
    this.#pendingDrops.delete(from);
    this.#pendingDrops.set(to, cancel);
  }

  /** A listener a commit deleted: it refuses new sessions at once and stops in the background. */
  retire(listener: Listener): void {
    const stopping = listener.stop();
    this.#retiring.add(stopping);
    void stopping.finally(() => this.#retiring.delete(stopping));
  }

  /** Shutdown: every timer cancelled, every listener stopped (421), retired ones finished. */
  async stopAll(): Promise<void> {
    for (const cancel of this.#pendingDrops.values()) cancel();
    this.#pendingDrops.clear();
    await Promise.allSettled([...this.#byName.values()].map((l) => l.stop()));
    await Promise.allSettled([...this.#retiring]);
  }
}
