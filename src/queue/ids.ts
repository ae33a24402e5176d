// MID / ICID / DCID allocation: increasing integers that survive restarts. Blocks of ids are
// reserved durably (in config.json) ahead of use, so the hot path never waits on a write.
import type { IdReservations } from '../config/state-file.js';

export type IdKind = keyof IdReservations;

const BLOCK = 10_000;

export class IdAllocator {
  #next: IdReservations = { mid: 1, icid: 1, dcid: 1 };
  #saving: Promise<void> | null = null;

  /**
   * @param reserved the durable reservation: ids below it may have been used by a past run
   * @param persist writes the reservation durably
   */
  constructor(
    readonly reserved: IdReservations,
    readonly persist: () => Promise<void>,
  ) {}

  /** Starts every id past the stored reservation (ids of a crashed run are never reused). */
  async open(atLeast: Partial<IdReservations> = {}): Promise<void> {
    for (const kind of ['mid', 'icid', 'dcid'] as IdKind[]) {
      this.#next[kind] = Math.max(this.reserved[kind] ?? 1, atLeast[kind] ?? 1);
      this.reserved[kind] = this.#next[kind] + BLOCK;
    }
    await this.persist();
  }

  /** The id that will be handed out next (for `status`). */
  peek(kind: IdKind): number {
    return this.#next[kind];
  }

  take(kind: IdKind): number {
    const id = this.#next[kind]++;
    if (this.#next[kind] + BLOCK / 2 > this.reserved[kind]) {
      this.reserved[kind] = this.#next[kind] + BLOCK;
      if (!this.#saving) this.#saving = this.persist().finally(() => (this.#saving = null));
    }
    return id;
  }

  async close(): Promise<void> {
    await this.#saving;
  }
}
