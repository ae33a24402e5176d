// The one clock of the engine: simulated epoch milliseconds that run `scale` times faster
// than the wall clock and can jump ahead. Every wait (retries, host retries, queue lifetime,
// delay warnings, suspend delays) is a ClockTimer on it, so tests and the sandbox drive time.
import type { Clock, ClockTimer } from '../model/clock.js';
import { EventEmitter } from 'node:events';

export type { Clock, ClockTimer };

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
    return this.#scale;
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
    this.#rebase();
    this.#scale = scale;
    this.#rearmAll();
    this.emit('change');
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
