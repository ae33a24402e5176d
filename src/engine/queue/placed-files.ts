// Spool files placed ahead at the names of upcoming messages. A MID is reserved, a file opened
// ahead (temp-files.ts: a delivered message's, or a new one) is renamed to `spool/<bucket>/<mid>.msg`,
// and the bucket directory is fsynced; from then on a message that takes the file needs one
// durable write and nothing else before its 250: no rename and no directory fsync wait on the
// way, where each round trip through the thread pool costs an event-loop turn on a busy engine.
//
// Until a message overwrites it, a placed file holds nothing or a delivered message (another
// MID's envelope): `placedLeftover` in spool.ts tells such a file from a message, and the load at
// start removes it. Ones still placed at a stop are removed then.
import type { RawFile } from '../fs/raw-file.js';

export interface PlacedFile {
  mid: number;
  fh: RawFile;
  /** Bytes in the file now (a delivered message's until overwritten). */
  size: number;
  /** A delivered message's file, not a new one. */
  spare: boolean;
}

/** A placed file waiting in the list: how many messages took a higher MID (theirs fitted, it did not). */
interface Waiting extends PlacedFile {
  passed: number;
}

/** Files placed or being placed at most. */
const PLACED_AHEAD = 64;
/**
 * Placements under way at most: each is a rename and a share of a directory fsync in the thread
 * pool, where a burst of them would queue ahead of the writes of messages being acknowledged.
 */
const PLACING_MAX = 24;
/** After a placement fails (a full or read-only disk), none is tried for this long (ms). */
const RETRY_AFTER_MS = 1_000;
/** A message takes the lowest MID among the first this many placed files that need no truncation. */
const SIZE_WINDOW = 32;
/**
 * The lowest MID is taken, cut to length if need be, once this many messages took higher ones:
 * MIDs follow arrival within a few messages, and no file waits while the MIDs move on to
 * other ranges (a bucket with a file placed in it is not removed when its range empties).
 */
const PASSED_MAX = 16;

export interface PlacementSteps {
  /** Renames an open file to the MID's name and makes the name durable; the file when placed. */
  place: (mid: number) => Promise<Omit<PlacedFile, 'mid'>>;
  /** Removes a placed file nobody will take (at a stop). */
  discard: (file: PlacedFile) => Promise<void>;
}

export class PlacedFiles {
  /** Placed files, lowest MID first. */
  readonly #ready: Waiting[] = [];
  /** MIDs with a file placed or being placed (not a message's file). */
  readonly #mids = new Set<number>();
  #placing = 0;
  #reserve: (() => number | undefined) | undefined;
  #closed = false;
  /** When a placement last failed (monotonic ms): none is tried for a while after. */
  #failedAt = -Infinity;

  constructor(readonly steps: PlacementSteps) {}

  /** Starts placing files; `reserve` hands out a MID, or undefined when none can be reserved now. */
  start(reserve: () => number | undefined): void {
    this.#reserve = reserve;
    this.#refill();
  }

  /** Whether the file of this MID is a placed one, not a message's. */
  holds(mid: number): boolean {
    return this.#mids.has(mid);
  }

  /** The lowest MID placed and ready. */
  next(): number | undefined {
    return this.#ready[0]?.mid;
  }

  /** Files placed so far that a message took (for tests and diagnosis). */
  taken = 0;

  /**
   * A placed file, if one is ready, for a message whose spool file takes `totalFor(mid)` bytes
   * (the envelope line names the MID, so its length follows the MID's digits): the lowest MID
   * among the first few no longer than that (nothing to cut off first), else the lowest.
   */
  take(totalFor: (mid: number) => number): PlacedFile | undefined {
    if (!this.#ready.length) {
      this.#refill();
      return undefined;
    }
    const first = this.#ready[0].mid;
    const total = totalFor(first);
    // The list is sorted: a MID below this one has as many digits as the first.
    const sameDigits = 10 ** String(first).length;
    const window = this.#ready[0].passed >= PASSED_MAX ? 0 : Math.min(SIZE_WINDOW, this.#ready.length);
    let i = 0;
    while (i < window && (this.#ready[i].size > total || this.#ready[i].mid >= sameDigits)) i++;
    if (i === window) i = 0;
    for (let j = 0; j < i; j++) this.#ready[j].passed++;
    const { passed: _, ...file } = this.#ready.splice(i, 1)[0];
    this.#mids.delete(file.mid);
    this.taken++;
    this.#refill();
    return file;
  }

  /** Files placed and ready now. */
  get ready(): number {
    return this.#ready.length;
  }

  /** Resolves once no placement is under way (the engine waits for the first ones before it listens). */
  async settled(): Promise<void> {
    while (this.#placing > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  /** Removes the files still placed; none is placed after this. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const file of this.#ready.splice(0)) {
      this.#mids.delete(file.mid);
      await this.steps.discard(file);
    }
  }

  #refill(): void {
    if (performance.now() - this.#failedAt < RETRY_AFTER_MS) return;
    while (this.#reserve && !this.#closed && this.#placing < PLACING_MAX && this.#ready.length + this.#placing < PLACED_AHEAD) {
      const mid = this.#reserve();
      if (mid === undefined) return;
      this.#placing++;
      this.#mids.add(mid);
      void this.steps.place(mid).then(
        (file) => {
          this.#placing--;
          const placed: Waiting = { mid, ...file, passed: 0 };
          if (this.#closed) return void this.steps.discard(placed).finally(() => this.#mids.delete(mid));
          // Placements finish out of order: the list stays sorted by MID.
          let at = this.#ready.length;
          while (at > 0 && this.#ready[at - 1].mid > mid) at--;
          this.#ready.splice(at, 0, placed);
          this.#refill();
        },
        () => {
          // The disk refused (full, read-only): the MID goes unused. No retry from here: the next
          // message writes the old way (spool.ts) and fails or succeeds there, saying why.
          this.#placing--;
          this.#mids.delete(mid);
          this.#failedAt = performance.now();
        },
      );
    }
  }
}
