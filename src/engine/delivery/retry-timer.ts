// The retry timer: jobs that wait for their next attempt, in one min-heap by due time, with
// a single clock timer armed for the earliest of them (or of the next host probe). Entries
// are never removed from the heap: a job that was rescheduled or left is skipped when popped.
// Due jobs are taken in slices, one per event-loop turn: a million retried at the same second
// after an outage are not one long turn.
import type { Clock, ClockTimer } from '../clock.js';
import { MinHeap } from '../queue/min-heap.js';
import type { Job } from './destination.js';

/** Heap entries taken per event-loop turn when many come due at once. */
const DUE_SLICE = 5_000;

export class RetryTimer {
  readonly #waiting = new MinHeap<Job>();
  #timer: ClockTimer | null = null;
  #timerDue = Infinity;
  #stopped = false;
  /** Due jobs are being taken slice by slice: the next slice runs on the next turn, no clock timer meanwhile. */
  #slicing = false;

  /**
   * `onDue` gets the jobs whose time has come (marked ready by then), a slice at a time, with
   * `first` set for the first slice of a wake-up (the one that also looks at host probes);
   * `nextWake` names any other time the scheduler must wake at (the next host probe),
   * Infinity for none.
   */
  constructor(
    readonly clock: Clock,
    readonly onDue: (jobs: Job[], now: number, first: boolean) => void,
    readonly nextWake: (now: number) => number,
  ) {}

  /** Due jobs are still being taken, a slice per turn. */
  get slicing(): boolean {
    return this.#slicing;
  }

  /** The job waits until `at`. */
  push(job: Job, at: number): void {
    job.nextAt = at;
    job.state = 'waiting';
    this.#waiting.push(at, job);
    if (at < this.#timerDue) this.arm();
  }

  /** Re-arms for the earliest due time (after host probe times changed). */
  arm(): void {
    if (this.#slicing) return; // armed again once the last slice is taken
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

  #fire(first = true): void {
    this.#timer = null;
    this.#timerDue = Infinity;
    this.#slicing = false;
    const now = this.clock.now();
    const due: Job[] = [];
    let taken = 0;
    while ((this.#waiting.peekKey() ?? Infinity) <= now && taken++ < DUE_SLICE) {
      const job = this.#waiting.pop()!;
      if (job.state !== 'waiting' || job.nextAt > now) continue; // superseded entry
      job.state = 'ready';
      due.push(job);
    }
    const more = (this.#waiting.peekKey() ?? Infinity) <= now;
    if (more) this.#slicing = true;
    this.onDue(due, now, first);
    if (!more) this.arm();
    else
      setImmediate(() => {
        if (!this.#stopped) this.#fire(false);
      });
  }
}
