// Resource conservation as the queue's storage decides it: `status` shows the level, the alerts
// say when it is entered and left. Pure.

/** Queue storage (the fuller of its message and byte limits), in percent, at which levels 1, 2 and 3 begin. */
export const CONSERVATION_THRESHOLDS = [80, 90, 100] as const;

/**
 * `Resource Conservation`: 0 normally; 1 when the queue's storage (the fuller of its message
 * and byte limits) passes 80 %, 2 past 90 %, 3 when it is full and new mail is refused.
 */
export function resourceConservation(storageUsedPercent: number): number {
  let level = 0;
  for (const threshold of CONSERVATION_THRESHOLDS) if (storageUsedPercent >= threshold) level++;
  return level;
}

/** Where the queue's level changes: the message count and bytes at which it rises, and below which (both) it falls. */
export interface LevelBounds {
  level: number;
  upCount: number;
  upBytes: number;
  downCount: number;
  downBytes: number;
}

/** The smallest amount that is `percent` % of `limit` (a limit of 0 is full at once). */
const atPercent = (percent: number, limit: number) => (limit > 0 ? Math.ceil((percent * limit) / 100) : 0);

/**
 * The level of a queue holding `count` messages and `bytes` of `limits`, and the bounds that
 * change it, so a caller compares two numbers per message instead of computing a percentage.
 */
export function levelBounds(count: number, bytes: number, limits: { maxMessages: number; maxBytes: number }): LevelBounds {
  const reached = (t: number) => count >= atPercent(t, limits.maxMessages) || bytes >= atPercent(t, limits.maxBytes);
  const level = CONSERVATION_THRESHOLDS.filter(reached).length;
  const up = CONSERVATION_THRESHOLDS[level] as number | undefined;
  const down = level > 0 ? CONSERVATION_THRESHOLDS[level - 1] : undefined;
  return {
    level,
    upCount: up === undefined ? Infinity : atPercent(up, limits.maxMessages),
    upBytes: up === undefined ? Infinity : atPercent(up, limits.maxBytes),
    downCount: down === undefined ? -Infinity : atPercent(down, limits.maxMessages),
    downBytes: down === undefined ? -Infinity : atPercent(down, limits.maxBytes),
  };
}
