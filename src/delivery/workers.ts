// Delivery workers: each holds one outbound connection and delivers job after job of one
// destination over it, lingering a moment when idle before QUIT. The pool bounds how many
// run per destination, hands due jobs to idle ones, and stops them with a grace period.
import type { Diagnostics } from '../diagnostics.js';
import type { Destination, Job } from './destination.js';
import type { OutboundConnection } from './smtp-client.js';

/** One open delivery connection and its DCID. */
export interface DeliverySession {
  conn: OutboundConnection;
  dcid: number;
}

/** What the pool asks of the scheduler. */
export interface WorkerDriver {
  /** Whether the destination's workers may take jobs now (not suspended, not stopping). */
  mayWork(dest: Destination): boolean;
  /** Whether a worker may open a connection now (not down, or its probe is due). */
  mayConnect(dest: Destination): boolean;
  /** How many workers the destination may have. */
  concurrency(dest: Destination): number;
  /** A job taken to be attempted: false when it expired instead (nothing to attempt). */
  stillDue(job: Job): boolean;
  /** Opens a connection for the job's destination, or settles the job as failed and returns null. */
  connect(dest: Destination, job: Job): Promise<DeliverySession | null>;
  attempt(session: DeliverySession, job: Job): Promise<void>;
}

export class WorkerPool {
  readonly #running = new Set<Promise<void>>();
  readonly #open = new Set<OutboundConnection>();
  #stopping = false;
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

  /** Puts due jobs to work: idle connected workers first, then new workers up to the limit. */
  pump(dest: Destination): void {
    if (this.#stopping || !this.driver.mayWork(dest)) return;
    if (dest.down) {
      // One probe at the host retry time, nothing before.
      if (!this.driver.mayConnect(dest) || dest.workers > 0) return;
      if (dest.hasReady()) this.#spawn(dest);
      return;
    }
    while (dest.idle.length > 0 && dest.hasReady()) {
      const job = dest.takeReady()!;
      job.state = 'active';
      dest.idle.shift()!(job);
    }
    // A new worker takes its first job synchronously, so hasReady() bounds the spawning.
    const limit = this.driver.concurrency(dest);
    while (dest.workers < limit && dest.hasReady()) this.#spawn(dest);
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
    const run = this.#work(dest)
      .catch((e) => this.diagnostics.bug(`delivery worker for ${dest.domain}`, e))
      .finally(() => {
        dest.workers--;
        this.#running.delete(run);
        if (!this.#stopping && dest.hasReady()) this.pump(dest);
        this.onWorkerEnded();
      });
    this.#running.add(run);
  }

  async #work(dest: Destination): Promise<void> {
    let session: DeliverySession | null = null;
    try {
      for (;;) {
        const connected = session !== null && session.conn.alive;
        const job = await this.#nextJob(dest, connected);
        if (!job) return;
        if (!session || !session.conn.alive) {
          if (session) this.#closed(dest, session);
          session = null;
          dest.counters.connectionsPending++;
          const opened = await this.driver.connect(dest, job).finally(() => dest.counters.connectionsPending--);
          if (!opened) return;
          session = opened;
          this.#open.add(session.conn);
          this.connectionsOut++;
          dest.counters.connectionsOut++;
          this.onConnections();
        }
        await this.driver.attempt(session, job);
      }
    } finally {
      if (session) this.#closed(dest, session);
    }
  }

  #closed(dest: Destination, session: DeliverySession): void {
    session.conn.close();
    if (!this.#open.delete(session.conn)) return;
    this.connectionsOut--;
    dest.counters.connectionsOut--;
    this.onConnections();
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
      const waited = await new Promise<Job | null>((resolve) => {
        const wake = (j: Job | null) => {
          clearTimeout(timer);
          resolve(j);
        };
        const timer = setTimeout(() => {
          const i = dest.idle.indexOf(wake);
          if (i >= 0) dest.idle.splice(i, 1);
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
