// The one clock of the engine: simulated epoch milliseconds that run `scale` times faster
// than the wall clock and can jump ahead. Every wait (retries, host retries, queue lifetime,
// delay warnings, suspend delays) is a ClockTimer on it, so tests and the sandbox drive time.
// `advance` moves the time at once (timers due by then fire together, at the new time);
// `play` moves it as time passes: timer by timer, each fired at its own time.
import type { Clock, ClockTimer, PlayOptions, PlayReport } from '../model/clock.js';
import { EventEmitter } from 'node:events';

export type { Clock, ClockTimer, PlayOptions, PlayReport };

const MAX_REAL_DELAY = 2_147_483_647;

interface PendingTimer extends ClockTimer {
  due: number;
  fire: () => void;
  handle?: NodeJS.Timeout;
}

export class SimClock extends EventEmitter implements Clock {
  #scale: number;
  #baseSim: number;
  #baseReal: number;
  readonly #timers = new Set<PendingTimer>();
  readonly #realNow: () => number;
  /** While a play runs: the speed to go back to (the clock stands still between its steps). */
  #playScale: number | undefined;
  /** The play running now: the next one waits for it. */
  #playing: Promise<unknown> = Promise.resolve();

  constructor(options: { start?: number; scale?: number; realNow?: () => number } = {}) {
    super();
    // timeOrigin read once: its getter validates its receiver on every read (a walk over a
    // million queued messages asks the time of each).
    const origin = performance.timeOrigin;
    this.#realNow = options.realNow ?? (() => origin + performance.now());
    this.#baseReal = this.#realNow();
    this.#baseSim = options.start ?? this.#baseReal;
    this.#scale = options.scale ?? 1;
  }

  get scale(): number {
    return this.#playScale ?? this.#scale;
  }

  now(): number {
    return Math.floor(this.#baseSim + (this.#realNow() - this.#baseReal) * this.#scale);
  }

  at(due: number, fire: () => void): ClockTimer {
    const timer: PendingTimer = {
      due,
      fire,
      cancel: () => {
        if (timer.handle) clearTimeout(timer.handle);
        this.#timers.delete(timer);
      },
    };
    this.#timers.add(timer);
    this.#arm(timer);
    return timer;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('the clock only moves forward');
    this.#rebase();
    this.#baseSim += ms;
    this.#rearmAll();
    this.emit('change');
  }

  setScale(scale: number): void {
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new RangeError('scale must be a number >= 0');
    if (this.#playScale !== undefined) {
      // A play holds the clock still: the new speed applies once it ends.
      this.#playScale = scale;
      this.emit('change');
      return;
    }
    this.#rebase();
    this.#scale = scale;
    this.#rearmAll();
    this.emit('change');
  }

  /** The earliest time a timer waits for, Infinity for none. */
  nextDue(): number {
    let next = Infinity;
    for (const timer of this.#timers) if (timer.due < next) next = timer.due;
    return next;
  }

  /**
   * Moves the time `ms` ahead as if it passed: the clock stands still at each timer's time in
   * turn, fires the timers due then (in the order they are due), and waits for `settle` (what
   * they started is done) before it moves on; then it stands at the end of the jump and runs
   * at its speed again. A play that comes while another runs starts after it.
   */
  play(ms: number, settle: () => Promise<void>, options: PlayOptions = {}): Promise<PlayReport> {
    if (ms < 0) throw new RangeError('the clock only moves forward');
    const run = this.#playing.then(() => this.#play(ms, settle, options));
    this.#playing = run.catch(() => undefined);
    return run;
  }

  async #play(ms: number, settle: () => Promise<void>, options: PlayOptions): Promise<PlayReport> {
    const startedReal = this.#realNow();
    const budget = options.wallBudgetMs ?? Infinity;
    this.#rebase();
    const from = this.#baseSim;
    const target = from + ms;
    this.#playScale = this.#scale;
    this.#scale = 0;
    this.#rearmAll();
    const report: PlayReport = { from, target, steps: 0, playedTo: target };
    try {
      // What the present moment started (a delivery begun just before) is done before time moves.
      await boundedBy(settle(), budget, options.signal);
      for (;;) {
        if (options.signal?.aborted) {
          report.stopped = 'interrupted';
          break;
        }
        const left = budget - (this.#realNow() - startedReal);
        if (left <= 0) {
          report.stopped = 'budget';
          break;
        }
        const due = this.nextDue();
        if (due > target) break;
        if (due > this.#baseSim) this.#baseSim = due;
        report.steps++;
        this.#fireDue();
        options.onStep?.(this.#baseSim);
        await boundedBy(settle(), left, options.signal);
      }
    } finally {
      if (report.stopped) report.playedTo = this.#baseSim;
      // Interrupted: the clock stays where the play got to. Past its budget: the rest at once.
      if (report.stopped !== 'interrupted') this.#baseSim = Math.max(this.#baseSim, target);
      this.#baseReal = this.#realNow();
      this.#scale = this.#playScale;
      this.#playScale = undefined;
      this.#rearmAll();
      this.emit('change');
    }
    return report;
  }

  /** Fires every timer due by now, earliest first (in the order they were set among equals). */
  #fireDue(): void {
    const now = this.#baseSim;
    const due = [...this.#timers].filter((t) => t.due <= now).sort((a, b) => a.due - b.due);
    for (const timer of due) {
      // An earlier one may have cancelled it.
      if (!this.#timers.delete(timer)) continue;
      if (timer.handle) clearTimeout(timer.handle);
      timer.fire();
    }
  }

  #rebase(): void {
    const real = this.#realNow();
    this.#baseSim = this.#baseSim + (real - this.#baseReal) * this.#scale;
    this.#baseReal = real;
  }

  #rearmAll(): void {
    for (const timer of [...this.#timers]) this.#arm(timer);
  }

  #arm(timer: PendingTimer): void {
    if (timer.handle) clearTimeout(timer.handle);
    timer.handle = undefined;
    const remaining = timer.due - this.now();
    if (remaining <= 0) {
      // Fire on the next turn so callers never re-enter themselves.
      timer.handle = setTimeout(() => this.#fire(timer), 0);
    } else if (this.#scale > 0) {
      const real = Math.min(MAX_REAL_DELAY, Math.ceil(remaining / this.#scale));
      timer.handle = setTimeout(() => this.#fire(timer), real);
    }
    timer.handle?.unref();
  }

  #fire(timer: PendingTimer): void {
    if (!this.#timers.has(timer)) return;
    if (this.now() < timer.due) {
      this.#arm(timer);
      return;
    }
    this.#timers.delete(timer);
    timer.fire();
  }
}

/** Waits for `work`, at most `ms` (wall) or until the signal: a step that never settles does not hold the play. */
async function boundedBy(work: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      work,
      new Promise<void>((resolve) => {
        if (Number.isFinite(ms)) timer = setTimeout(resolve, ms);
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
