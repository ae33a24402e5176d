// A destination host (the recipient domain, as `tophosts` shows it): its delivery jobs, its
// open connections and whether it is marked down.
import type { HostCounters } from '../counters.js';
import { Deque } from '../queue/deque.js';
import type { QueuedMessage, Recipient } from '../queue/message.js';

/** One message's pending recipients for one destination: one SMTP transaction. */
export interface Job {
  msg: QueuedMessage;
  dest: Destination;
  rcpts: Recipient[];
  /** Simulated ms when this job may be attempted. */
  nextAt: number;
  state: 'waiting' | 'ready' | 'active' | 'gone';
}

export class Destination {
  /** Due jobs, in the order they became due. Jobs that left meanwhile are skipped lazily. */
  readonly ready = new Deque<Job>();
  /** Every job of this destination that is not gone (for kicks and `delivernow`). */
  readonly jobs = new Set<Job>();
  /** The same jobs by message (a message has one job per destination): operator actions find theirs without a scan. */
  readonly jobOf = new Map<QueuedMessage, Job>();
  /** Workers (delivery connections) running now, including one connecting. */
  workers = 0;
  /** Workers waiting, connected, for the next job. */
  readonly idle: ((job: Job | null) => void)[] = [];
  down = false;
  /** Simulated ms of the next probe while down. */
  downUntil = 0;
  /** Consecutive failed connection rounds (host-level backoff). */
  hostFailures = 0;

  constructor(
    readonly domain: string,
    readonly counters: HostCounters,
  ) {}

  /** The next due job still worth attempting, or undefined. */
  takeReady(): Job | undefined {
    for (;;) {
      const job = this.ready.shift();
      if (!job) return undefined;
      if (job.state === 'ready') return job;
    }
  }

  hasReady(): boolean {
    for (;;) {
      const job = this.ready.peek();
      if (!job) return false;
      if (job.state === 'ready') return true;
      this.ready.shift();
    }
  }
}
