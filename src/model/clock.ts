// What every part that reads or waits on time sees of the one clock: simulated epoch
// milliseconds that tests and the sandbox can freeze, speed up or move ahead (the engine's
// SimClock implements it).
export interface ClockTimer {
  cancel(): void;
}

/** How a `play` may be held: a bound on its real time, Ctrl-C, and a word after each step. */
export interface PlayOptions {
  /** Real ms the play may take; past them the rest of the jump passes at once. */
  wallBudgetMs?: number;
  /** Stops the play where it got to (the clock stays there). */
  signal?: AbortSignal;
  /** Called at each step, with the simulated time it stands at. */
  onStep?: (now: number) => void;
}

/** What a play did. */
export interface PlayReport {
  from: number;
  target: number;
  /** Simulated times the clock stood at to fire timers. */
  steps: number;
  /** Timers were fired at their own time up to here (the target, unless stopped). */
  playedTo: number;
  /** `budget`: the rest passed at once; `interrupted`: the clock stopped at `playedTo`. */
  stopped?: 'budget' | 'interrupted';
}

export interface Clock {
  /** Simulated time, epoch milliseconds. */
  now(): number;
  /** How many simulated milliseconds pass per real millisecond (0 = frozen). */
  readonly scale: number;
  /** Runs `fire` once the simulated time reaches `at`. */
  at(at: number, fire: () => void): ClockTimer;
  /** Jumps simulated time ahead at once: the timers due by then fire at the new time. */
  advance(ms: number): void;
  /**
   * Moves simulated time ahead as it would pass: timer by timer, each fired at its own time,
   * `settle` awaited after each (what the timers started is done before the time moves on).
   */
  play(ms: number, settle: () => Promise<void>, options?: PlayOptions): Promise<PlayReport>;
  setScale(scale: number): void;
}
