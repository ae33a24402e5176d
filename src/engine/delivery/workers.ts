// Delivery workers: each holds one outbound connection and delivers job after job of one
// destination over it, lingering a moment when idle before QUIT. The pool bounds how many
// run per destination (its concurrency limit) and per delivery host (domains that an SMTP
// route sends to the same hosts share them, as Postfix's concurrency is per next hop: a
// thousand domains routed to one backend must not open ten thousand connections to it), hands due jobs to idle ones, retires a
// connection after its messages-per-connection limit or when a commit changed its route,
// moves a job to the route's next host when asked, and stops them with a grace period.
import type { HostPort } from '../../model/config.js';
import type { Diagnostics } from '../../platform/diagnostics.js';
import type { Destination, Job } from './destination.js';
import type { TransactionOutcome } from './outcome.js';

/** An open delivery connection (a network one, or the /dev/null route's). */
export interface DeliveryConnection {
  readonly alive: boolean;
  readonly target: HostPort;
  /** One transaction; never rejects. */
  send(from: string, to: string[], content: Buffer): Promise<TransactionOutcome>;
  reset(): Promise<boolean>;
  abort(): void;
  close(): void;
}

/** One open delivery connection and its DCID. */
export interface DeliverySession {
  conn: DeliveryConnection;
  dcid: number;
  /** The route's hosts after this one: where a transaction refused with 4xx as a whole goes next. */
  rest: HostPort[];
  /** Messages attempted over this connection. */
  messages: number;
  /** Not a network connection (a /dev/null route): not counted as open. */
  virtual?: boolean;
  /** The route when it was opened (routes.ts routeKey). */
  routeKey: string;
  /** The TLS setting it was opened under, and delivery's TLS context then: a commit that changes either retires it. */
  tls?: { mode: string; context?: unknown };
  /** Set by an attempt that falls through: the reply the job keeps if no later host answers. */
  deferred?: { reply: string; status: string };
}

/** What the pool asks of the scheduler. */
export interface WorkerDriver {
  /** Whether the destination's workers may take jobs now (not suspended, not stopping). */
  mayWork(dest: Destination): boolean;
  /** Whether a worker may open a connection now (not down, or its probe is due). */
  mayConnect(dest: Destination): boolean;
  /** How many workers the destination may have. */
  concurrency(dest: Destination): number;
  /** Where the destination's connections go: destinations with the same key share `hostLimit`. */
  hostKey(dest: Destination): string;
  /** How many workers may connect to one delivery host at once, over all its destinations. */
  hostLimit(): number;
  /** Workers (connections) at once over all destinations (deliveryconfig's system-wide concurrency). */
  totalLimit(): number;
  /** Whether an open connection may take another job (its route unchanged, under its messages limit). */
  reusable(dest: Destination, session: DeliverySession): boolean;
  /** A job taken to be attempted: false when it expired instead (nothing to attempt). */
  stillDue(job: Job): boolean;
  /**
   * Opens a connection for the job's destination, or settles the job as failed and returns
   * null. With `after`, tries only the hosts after that session's (a fall-through).
   */
  connect(dest: Destination, job: Job, after?: DeliverySession): Promise<DeliverySession | null>;
  /** One transaction; `next-host`: nothing was recorded, the job goes to the route's next host. */
  attempt(session: DeliverySession, job: Job): Promise<'next-host' | undefined>;
}

export class WorkerPool {
  readonly #running = new Set<Promise<void>>();
  readonly #open = new Set<DeliveryConnection>();
  /** Workers per delivery host, and the destinations waiting for one of its slots (in order). */
  readonly #hosts = new Map<string, { workers: number; waiting: Set<Destination> }>();
  /** Destinations waiting for a worker while the system-wide limit is reached (in order). */
  readonly #waitingTotal = new Set<Destination>();
  #stopping = false;
  /** Workers whose connection waits idle for another job (lingering before QUIT). */
  #lingering = 0;
  /** Open delivery connections now (all destinations). */
  connectionsOut = 0;

  constructor(
    readonly driver: WorkerDriver,
    readonly diagnostics: Diagnostics,
    readonly lingerMs: number,
    /** Connections opened or closed. */
    readonly onConnections: () => void,
    /** A worker ended (the schedule may have gone idle). */
    readonly onWorkerEnded: () => void = () => undefined,
  ) {}

  /** Workers running now, over all destinations. */
  get running(): number {
    return this.#running.size;
  }

  /** Workers running now that are not lingering idle: connecting, or in a transaction. */
  get busy(): number {
    return this.#running.size - this.#lingering;
  }

  /** Puts due jobs to work: idle connected workers first, then new workers up to the limit. */
  pump(dest: Destination): void {
    if (this.#stopping || !this.driver.mayWork(dest)) return;
    if (dest.down) {
      // One probe at the host retry time, nothing before.
      if (!this.driver.mayConnect(dest) || dest.workers > 0 || !dest.hasReady()) return;
      const host = this.#host(dest);
      if (this.#running.size >= this.driver.totalLimit()) this.#waitingTotal.add(dest);
      else if (host.workers >= this.driver.hostLimit()) host.waiting.add(dest);
      else this.#spawn(dest);
      return;
    }
    while (dest.idle.length > 0 && dest.hasReady()) {
      const job = dest.takeReady()!;
      job.state = 'active';
      dest.idle.shift()!(job);
    }
    // A new worker takes its first job synchronously, so hasReady() bounds the spawning.
    const limit = this.driver.concurrency(dest);
    const host = this.#host(dest);
    const hostLimit = this.driver.hostLimit();
    while (dest.workers < limit && dest.hasReady()) {
      if (this.#running.size >= this.driver.totalLimit()) {
        // Its turn comes when any worker ends.
        this.#waitingTotal.add(dest);
        return;
      }
      if (host.workers >= hostLimit) {
        // Its turn comes when a worker for the same host ends.
        host.waiting.add(dest);
        return;
      }
      this.#spawn(dest);
    }
  }

  #host(dest: Destination): { workers: number; waiting: Set<Destination> } {
    const key = this.driver.hostKey(dest);
    let host = this.#hosts.get(key);
    if (!host) {
      host = { workers: 0, waiting: new Set() };
      this.#hosts.set(key, host);
    }
    return host;
  }

  /** A worker for this host ended: destinations waiting for the host get its slot, oldest first. */
  #hostFreed(key: string): void {
    const host = this.#hosts.get(key);
    if (!host) return;
    for (const waiting of host.waiting) {
      if (host.workers >= this.driver.hostLimit()) break;
      host.waiting.delete(waiting);
      this.pump(waiting);
    }
    if (host.workers === 0 && host.waiting.size === 0) this.#hosts.delete(key);
  }

  /** A worker ended: destinations waiting under the system-wide limit get its place, oldest first. */
  #totalFreed(): void {
    for (const waiting of this.#waitingTotal) {
      if (this.#running.size >= this.driver.totalLimit()) break;
      this.#waitingTotal.delete(waiting);
      this.pump(waiting);
    }
  }

  /** Idle workers of the destination stop taking jobs (it went down). */
  release(dest: Destination): void {
    for (const wake of dest.idle.splice(0)) wake(null);
  }

  /**
   * Stops taking jobs. In-flight transactions may finish within `graceMs` (their outcome is
   * recorded); after that their connections are cut and the recipients stay queued.
   */
  async stop(destinations: Iterable<Destination>, graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const dest of destinations) this.release(dest);
    const cut = setTimeout(() => {
      for (const conn of this.#open) conn.abort();
    }, graceMs);
    await Promise.allSettled([...this.#running]);
    clearTimeout(cut);
  }

  #spawn(dest: Destination): void {
    dest.workers++;
    const key = this.driver.hostKey(dest);
    this.#host(dest).workers++;
    const run = this.#work(dest)
      .catch((e) => this.diagnostics.bug(`delivery worker for ${dest.domain}`, e))
      .finally(() => {
        dest.workers--;
        this.#hosts.get(key)!.workers--;
        this.#running.delete(run);
        if (!this.#stopping) {
          if (dest.hasReady()) this.pump(dest);
          this.#hostFreed(key);
          this.#totalFreed();
        }
        this.onWorkerEnded();
      });
    this.#running.add(run);
  }

  async #work(dest: Destination): Promise<void> {
    let session: DeliverySession | null = null;
    try {
      for (;;) {
        if (session && !this.#usable(dest, session)) session = this.#closed(dest, session);
        const job = await this.#nextJob(dest, session !== null);
        if (!job) return;
        // A commit may have changed the route while the connection lingered.
        if (session && !this.#usable(dest, session)) session = this.#closed(dest, session);
        if (!session) {
          session = await this.#connectFor(dest, job);
          if (!session) return;
        }
        let next = await this.driver.attempt(session, job);
        session.messages++;
        while (next === 'next-host') {
          const from: DeliverySession = session;
          session = this.#closed(dest, from);
          // Null: no later host answered and the job was settled; the destination is not down.
          session = await this.#connectFor(dest, job, from);
          if (!session) break;
          next = await this.driver.attempt(session, job);
          session.messages++;
        }
      }
    } finally {
      if (session) this.#closed(dest, session);
    }
  }

  #usable(dest: Destination, session: DeliverySession): boolean {
    return session.conn.alive && this.driver.reusable(dest, session);
  }

  async #connectFor(dest: Destination, job: Job, after?: DeliverySession): Promise<DeliverySession | null> {
    dest.counters.connectionsPending++;
    const opened = await this.driver.connect(dest, job, after).finally(() => dest.counters.connectionsPending--);
    if (!opened) return null;
    this.#open.add(opened.conn);
    if (!opened.virtual) {
      this.connectionsOut++;
      dest.counters.connectionsOut++;
      this.onConnections();
    }
    return opened;
  }

  /** Closes the session's connection; returns null for the caller's variable. */
  #closed(dest: Destination, session: DeliverySession): null {
    session.conn.close();
    if (!this.#open.delete(session.conn) || session.virtual) return null;
    this.connectionsOut--;
    dest.counters.connectionsOut--;
    this.onConnections();
    return null;
  }

  /** The next job for a worker (expiry handled first); a connected worker lingers a little for one. */
  async #nextJob(dest: Destination, connected: boolean): Promise<Job | null> {
    for (;;) {
      if (this.#stopping || !this.driver.mayWork(dest) || (dest.down && connected)) return null;
      const job = dest.takeReady();
      if (job) {
        job.state = 'active';
        if (!this.driver.stillDue(job)) continue;
        return job;
      }
      if (!connected) return null;
      // Another destination waits for this host, or for any worker: the connection goes rather than linger.
      if ((this.#hosts.get(this.driver.hostKey(dest))?.waiting.size ?? 0) > 0 || this.#waitingTotal.size > 0) return null;
      this.#lingering++;
      const waited = await new Promise<Job | null>((resolve) => {
        const wake = (j: Job | null) => {
          clearTimeout(timer);
          this.#lingering--;
          resolve(j);
        };
        const timer = setTimeout(() => {
          const i = dest.idle.indexOf(wake);
          if (i >= 0) dest.idle.splice(i, 1);
          this.#lingering--;
          resolve(null);
        }, this.lingerMs);
        timer.unref();
        dest.idle.push(wake);
      });
      if (!waited) return null;
      if (!this.driver.stillDue(waited)) continue;
      return waited;
    }
  }
}
