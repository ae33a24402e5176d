// Resource conservation and a full queue, as alerts: the queue's storage (its message and byte
// limits) passing 80 % (status's Resource Conservation) and reaching its limit, a disk that
// refuses writes, and the engine's memory against the machine's. Each cause that begins sends
// its start alert; the stop alert goes when the last one ends. The queue tells its level
// through QueueLevelWatch: two comparisons per message, a call only when a level is crossed.
import os from 'node:os';
import { ALERTS, MEMORY_CONSERVATION, type AlertSpec, type ConservationCause } from '../../model/alerts.js';
import { CONSERVATION_THRESHOLDS, levelBounds, type LevelBounds } from '../../model/conservation.js';
import type { ApplianceConfig } from '../../model/config.js';
import { formatCount } from '../../model/format-count.js';
import type { StorageShortState } from '../fs/storage-health.js';

/** Real ms between two readings of the engine's memory. */
const MEMORY_EVERY_MS = 10_000;

export interface QueueSize {
  count: number;
  bytes: number;
}

/**
 * The queue's conservation level (0 to 3, as `status` shows it) from its size: the queue calls
 * `check` as messages come and go; `changed` hears only of a level crossed. A commit that
 * changes the limits is seen at the next check (the configuration object is new).
 */
export class QueueLevelWatch {
  #bounds: LevelBounds = { level: 0, upCount: 0, upBytes: 0, downCount: -Infinity, downBytes: -Infinity };
  #of: ApplianceConfig | undefined;

  constructor(
    readonly config: () => ApplianceConfig,
    readonly changed: (level: number, size: QueueSize, config: ApplianceConfig) => void,
  ) {}

  get level(): number {
    return this.#bounds.level;
  }

  check(count: number, bytes: number): void {
    const b = this.#bounds;
    if (count < b.upCount && bytes < b.upBytes && (count >= b.downCount || bytes >= b.downBytes) && this.config() === this.#of) return;
    const config = this.config();
    this.#of = config;
    const before = b.level;
    this.#bounds = levelBounds(count, bytes, { maxMessages: config.queueMaxMessages, maxBytes: config.queueMaxMb * 1024 * 1024 });
    if (this.#bounds.level !== before) this.changed(this.#bounds.level, { count, bytes }, config);
  }
}

export interface ConservationWatchContext {
  hostname: () => string;
  raise: (spec: AlertSpec) => void;
  /** The queue's level changed: the forecast alerts look again at when storage fills. */
  levelChanged?: () => void;
}

type Cause = ConservationCause['kind'];

export class ConservationWatch {
  readonly #causes = new Set<Cause>();
  #timer: NodeJS.Timeout | null = null;

  constructor(readonly ctx: ConservationWatchContext) {}

  /** QueueLevelWatch's `changed`. */
  readonly queueLevel = (level: number, size: QueueSize, config: ApplianceConfig): void => {
    if (level > 0) this.#enter({ kind: 'queue', start: CONSERVATION_THRESHOLDS[0], halt: CONSERVATION_THRESHOLDS[2] });
    else this.#leave('queue');
    if (level >= CONSERVATION_THRESHOLDS.length) this.ctx.raise(ALERTS.queueFull(fullWhy(size, config)));
    this.ctx.levelChanged?.();
  };

  /** The engine entered (`short`) or left storage-short mode. */
  disk(short: StorageShortState | null): void {
    if (!short) return this.#leave('disk');
    this.#enter({ kind: 'disk' });
    const what = `cannot write ${short.what}: ${short.reason}`;
    // A full disk is a full queue; a read-only or failing one is a queue that cannot be reached.
    this.ctx.raise(
      /\((ENOSPC|EDQUOT|EFBIG)\)$/.test(short.reason)
        ? ALERTS.queueFull(`the disk is full (${what}); new mail is refused with 452 4.3.1`)
        : ALERTS.queueIo(what),
    );
  }

  /** The engine's memory against the machine's, in whole percent (status's RAM utilization). */
  memory(percent: number): void {
    if (percent >= MEMORY_CONSERVATION.start) this.#enter({ kind: 'memory', start: MEMORY_CONSERVATION.start, halt: MEMORY_CONSERVATION.halt });
    else this.#leave('memory');
  }

  /** Reads the memory every few seconds (real time: it is the machine's), until stop. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.memory(Math.round((process.memoryUsage.rss() / os.totalmem()) * 100)), MEMORY_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #enter(cause: ConservationCause): void {
    if (this.#causes.has(cause.kind)) return;
    this.#causes.add(cause.kind);
    this.ctx.raise(ALERTS.conservationStart(this.ctx.hostname(), cause));
  }

  #leave(cause: Cause): void {
    if (!this.#causes.delete(cause)) return;
    if (this.#causes.size === 0) this.ctx.raise(ALERTS.conservationStop(this.ctx.hostname()));
  }
}

/** Which limit the queue reached, in words. */
function fullWhy(size: QueueSize, config: ApplianceConfig): string {
  const limit = size.count >= config.queueMaxMessages ? `${formatCount(config.queueMaxMessages)} messages` : `${formatCount(config.queueMaxMb)} MB`;
  return `queue storage is at its limit of ${limit}; new mail is refused with 452 4.3.1`;
}
