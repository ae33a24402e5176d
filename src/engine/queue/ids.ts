// MID / ICID / DCID allocation: increasing integers that survive restarts. Blocks of ids are
// reserved durably (in config.json) ahead of use, so the hot path never waits on a write.
// A MID is never handed out past what is on disk: after a crash a reused MID would name an
// existing spool file. When the reservation cannot be saved (a full disk), MIDs run out and
// mail is refused until a save succeeds; ICIDs and DCIDs (log ids only) carry on.
import type { IdReservations } from '../state/state-file.js';
import { StorageShortError } from '../fs/storage-health.js';

export type IdKind = keyof IdReservations;

const BLOCK = 10_000;

export class IdAllocator {
  #next: IdReservations = { mid: 1, icid: 1, dcid: 1 };
  /** The reservation as last written successfully: ids below it are safe to hand out. */
  #durable: IdReservations = { mid: 1, icid: 1, dcid: 1 };
  #saving: Promise<void> | null = null;

  /**
   * @param reserved the reservation (the state file's object: a save writes it)
   * @param persist writes the reservation durably
   * @param failed told when a background save fails (the engine's storage health)
   */
  constructor(
    readonly reserved: IdReservations,
    readonly persist: () => Promise<void>,
    readonly failed: (e: unknown) => void = () => undefined,
  ) {}

  /**
   * Starts every id past the stored reservation (ids of a crashed run are never reused).
   * When the new reservation cannot be saved, starts anyway with no MID to hand out until
   * `save()` succeeds (a full disk must not keep the engine from starting).
   */
  async open(atLeast: Partial<IdReservations> = {}): Promise<void> {
    for (const kind of ['mid', 'icid', 'dcid'] as IdKind[]) {
      this.#next[kind] = Math.max(this.reserved[kind] ?? 1, atLeast[kind] ?? 1);
      this.#durable[kind] = this.#next[kind];
      this.reserved[kind] = this.#next[kind] + BLOCK;
    }
    await this.save();
  }

  /** The id that will be handed out next (for `status`). */
  peek(kind: IdKind): number {
    return this.#next[kind];
  }

  /** Whether a MID can be handed out now (the listener refuses mail with 452 when not). */
  canTakeMid(): boolean {
    return this.#next.mid < this.#durable.mid;
  }

  take(kind: IdKind): number {
    if (kind === 'mid' && !this.canTakeMid()) {
      this.#saveInBackground();
      throw new StorageShortError('no message id can be reserved: config.json cannot be saved');
    }
    const id = this.#next[kind]++;
    if (this.#next[kind] + BLOCK / 2 > this.reserved[kind]) {
      this.reserved[kind] = this.#next[kind] + BLOCK;
      this.#saveInBackground();
    }
    return id;
  }

  /** Writes the reservation now; ids up to it become safe to hand out once it is on disk. */
  async save(): Promise<void> {
    const snapshot = { ...this.reserved };
    await this.persist();
    for (const kind of ['mid', 'icid', 'dcid'] as IdKind[]) this.#durable[kind] = Math.max(this.#durable[kind], snapshot[kind]);
  }

  #saveInBackground(): void {
    if (this.#saving) return;
    this.#saving = this.save()
      .catch((e: unknown) => this.failed(e))
      .finally(() => (this.#saving = null));
  }

  async close(): Promise<void> {
    await this.#saving;
  }
}
