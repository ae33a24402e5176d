// A destination host (the recipient domain, as `tophosts` shows it): its delivery jobs, its
// open connections and whether it is marked down. A message whose recipients here were never
// tried waits in the ready queue as itself (parked, no Job): a million of them queued for a
// host that is down cost nothing more than their messages. Its Job is made when it is taken
// (or touched by an operator), and kept in `jobOf` from then until the job is done.
import type { HostCounters } from '../counters.js';
import { ChunkedMap } from '../queue/chunked-map.js';
import { Deque } from '../queue/deque.js';
import { pendingFor, pendingRcptsFor, type QueuedMessage, type Recipient } from '../queue/message.js';

export type JobState = 'waiting' | 'ready' | 'active' | 'gone';

/** One message's pending recipients for one destination: one SMTP transaction. */
export class Job {
  #state: JobState;

  constructor(
    readonly msg: QueuedMessage,
    readonly dest: Destination,
    public rcpts: Recipient[],
    /** Simulated ms when this job may be attempted. */
    public nextAt: number,
    state: JobState,
  ) {
    this.#state = state;
    if (state === 'active') dest.inFlight.add(this);
  }

  get state(): JobState {
    return this.#state;
  }

  /** Jobs being attempted are counted by their destination (what `delivernow` leaves out). */
  set state(state: JobState) {
    if (state === 'active') this.dest.inFlight.add(this);
    else if (this.#state === 'active') this.dest.inFlight.delete(this);
    this.#state = state;
  }
}

/** What listings read of a job: a message and its pending recipients here. */
export type JobView = Pick<Job, 'msg' | 'rcpts'>;

export class Destination {
  /**
   * Due work, in the order it became due: jobs, and parked messages (due since they were
   * queued). Entries that left meanwhile are skipped lazily.
   */
  readonly ready = new Deque<Job | QueuedMessage>();
  /**
   * Jobs made for this destination and not gone, by message (a message has one job per
   * destination). Chunked: a host deferring every message with a 4xx holds a job for each.
   */
  readonly jobOf = new ChunkedMap<QueuedMessage, Job>((msg) => msg.envelope.mid);
  /** Jobs being attempted now. */
  readonly inFlight = new Set<Job>();
  /** Workers (delivery connections) running now, including one connecting. */
  workers = 0;
  /** Workers waiting, connected, for the next job. */
  readonly idle: ((job: Job | null) => void)[] = [];
  down = false;
  /** Down because TLS failed at a host that answered (views show it up, with the TLS failure). */
  heldForTls = false;
  /** Simulated ms of the next probe while down. */
  downUntil = 0;
  /** Consecutive failed connection rounds (host-level backoff). */
  hostFailures = 0;
  /**
   * While down: simulated ms when its waiting mail is next owed an expiry or a delay warning
   * (a sweep then, between probes); Infinity for none known.
   */
  sweepAt = Infinity;
  /** Messages an operator took out since the ready queue was last compacted (their entries stay until skipped). */
  forgotten = 0;

  constructor(
    readonly domain: string,
    readonly counters: HostCounters,
  ) {}

  /** A message whose pending recipients here are due now waits without a job. */
  park(msg: QueuedMessage): void {
    this.ready.push(msg);
  }

  /** Whether a ready-queue entry is a message parked here (no job made yet, recipients pending here). */
  isParked(entry: Job | QueuedMessage): entry is QueuedMessage {
    return !(entry instanceof Job) && !this.jobOf.has(entry) && pendingFor(entry, this.domain);
  }

  /** A message's job here: the one made before, or one made now for a parked message. */
  jobFor(msg: QueuedMessage): Job | undefined {
    const job = this.jobOf.get(msg);
    if (job || !pendingFor(msg, this.domain)) return job;
    return this.newJob(msg, pendingRcptsFor(msg, this.domain), 0, 'ready');
  }

  newJob(msg: QueuedMessage, rcpts: Recipient[], nextAt: number, state: JobState): Job {
    const job = new Job(msg, this, rcpts, nextAt, state);
    this.jobOf.set(msg, job);
    return job;
  }

  /** The job a ready-queue entry stands for if it may be taken now. */
  #due(entry: Job | QueuedMessage): Job | undefined {
    const job = entry instanceof Job ? entry : this.jobFor(entry);
    return job?.state === 'ready' ? job : undefined;
  }

  /** The next due job still worth attempting, or undefined. */
  takeReady(): Job | undefined {
    for (;;) {
      const entry = this.ready.shift();
      if (!entry) return undefined;
      const job = this.#due(entry);
      if (job) return job;
    }
  }

  hasReady(): boolean {
    for (;;) {
      const entry = this.ready.peek();
      if (!entry) return false;
      if (this.isDue(entry)) return true;
      this.ready.shift();
    }
  }

  /** Whether a ready-queue entry may be taken now (#due without making a job); the others are left-overs. */
  isDue(entry: Job | QueuedMessage): boolean {
    if (entry instanceof Job) return entry.state === 'ready';
    const job = this.jobOf.get(entry);
    return job ? job.state === 'ready' : pendingFor(entry, this.domain);
  }

  /** Every job here that is not gone (made ones first, then parked messages): for listings. */
  *jobs(): Generator<JobView> {
    for (const job of this.jobOf.values()) if (job.state !== 'gone') yield job;
    for (const entry of this.ready) if (this.isParked(entry)) yield { msg: entry, rcpts: pendingRcptsFor(entry, this.domain) };
  }

  /**
   * Arrival of the oldest message queued here. Parked messages are in the order they were
   * queued, so only the first of them is read; jobs made are few (in flight or retrying).
   */
  oldestArrival(): number | undefined {
    let oldest: number | undefined;
    for (const job of this.jobOf.values())
      if (job.state !== 'gone' && (oldest === undefined || job.msg.envelope.arrival < oldest)) oldest = job.msg.envelope.arrival;
    for (const entry of this.ready) {
      if (!this.isParked(entry)) continue;
      if (oldest === undefined || entry.envelope.arrival < oldest) oldest = entry.envelope.arrival;
      break;
    }
    return oldest;
  }
}
