// The retry timer: jobs that wait for their next attempt, in one min-heap by due time, with
// a single clock timer armed for the earliest of them (or of the next host probe). Entries
// are never removed from the heap: a job that was rescheduled or left is skipped when popped.
import type { Clock, ClockTimer } from '../clock.js';
import { MinHeap } from '../queue/min-heap.js';
import type { Job } from './destination.js';

export class RetryTimer {
  readonly #waiting = new MinHeap<Job>();
  #timer: ClockTimer | null = null;
  #timerDue = Infinity;
  #stopped = false;

  /**
   * `onDue` gets the jobs whose time has come (marked ready by then); `nextWake` names any
   * other time the scheduler must wake at (the next host probe), Infinity for none.
   */
  constructor(
    readonly clock: Clock,
    readonly onDue: (jobs: Job[], now: number) => void,
    readonly nextWake: (now: number) => number,
  ) {}

  /** The job waits until `at`. */
  push(job: Job, at: number): void {
    job.nextAt = at;
    job.state = 'waiting';
    this.#waiting.push(at, job);
    if (at < this.#timerDue) this.arm();
  }

  /** Re-arms for the earliest due time (after host probe times changed). */
  arm(): void {
    const now = this.clock.now();
    const due = Math.min(this.#waiting.peekKey() ?? Infinity, this.nextWake(now));
    if (due === this.#timerDue) return;
    this.#timer?.cancel();
    this.#timer = null;
    this.#timerDue = due;
    if (due !== Infinity && !this.#stopped) this.#timer = this.clock.at(due, () => this.#fire());
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #fire(): void {
    this.#timer = null;
    this.#timerDue = Infinity;
    const now = this.clock.now();
    const due: Job[] = [];
    while ((this.#waiting.peekKey() ?? Infinity) <= now) {
      const job = this.#waiting.pop()!;
      if (job.state !== 'waiting' || job.nextAt > now) continue; // superseded entry
      job.state = 'ready';
      due.push(job);
    }
    this.onDue(due, now);
    this.arm();
  }
}
