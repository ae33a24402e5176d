// How the engine's long walks over the queue (listings, operator actions, the forecast) share
// the event loop: a walk runs for WALK_TURN_MS, then lets other work have a turn.

/** Longest a walk of the queue runs before it lets the event loop go. */
export const WALK_TURN_MS = 10;

/** Gives the event loop a turn now and then during a long walk. */
export type Pause = () => Promise<void>;

export const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pause for a long walk: gives the event loop a turn once WALK_TURN_MS have passed since the last one. */
export function pacer(): Pause {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < WALK_TURN_MS) return;
    await yieldTurn();
    since = performance.now();
  };
}
