// Steps per event-loop turn shared by every walk over queued jobs (a down host's expiry sweep,
// a kick, a compaction, a bounce of all): walks run side by side, and together take at most
// `perTurn` steps before the event loop gets a turn. A per-walk slice is not enough: a
// thousand down hosts whose probe comes at once each swept their first slice in the same turn
// (500,000 messages, an 80 ms stall in the million-message fill).
//
// A walk calls `take()` before each step; on false it awaits `nextTurn()` and asks again. All
// walks waiting share one wake-up, and the budget is refilled once per turn.

export class TurnBudget {
  #left: number;
  #next: Promise<void> | null = null;

  constructor(
    readonly perTurn: number,
    /** Resolves on a later turn of the event loop (setImmediate in the engine). */
    readonly later: () => Promise<void>,
  ) {
    this.#left = perTurn;
  }

  /** One step in this turn, if the budget allows (false: await `nextTurn()`). */
  take(): boolean {
    if (this.#left <= 0) return false;
    // Spent: refilled on the next turn, whether or not a walk waits for it.
    if (--this.#left === 0) void this.nextTurn();
    return true;
  }

  /** Resolves on the next turn, with the budget refilled (once for all the walks waiting). */
  nextTurn(): Promise<void> {
    this.#next ??= this.later().then(() => {
      this.#next = null;
      this.#left = this.perTurn;
    });
    return this.#next;
  }
}
