// What every part that reads or waits on time sees of the one clock: simulated epoch
// milliseconds that tests and the sandbox can freeze, speed up or move ahead (the engine's
// SimClock implements it).
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Simulated time, epoch milliseconds. */
  now(): number;
  /** How many simulated milliseconds pass per real millisecond (0 = frozen). */
  readonly scale: number;
  /** Runs `fire` once the simulated time reaches `at`. */
  at(at: number, fire: () => void): ClockTimer;
  /** Jumps simulated time ahead. */
  advance(ms: number): void;
  setScale(scale: number): void;
}
