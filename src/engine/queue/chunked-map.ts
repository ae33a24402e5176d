// A map keyed per message, kept as many small Maps: one per 4,096 consecutive MIDs. A single
// Map of a million entries rehashes every entry at once when it grows or shrinks past a power
// of two, in one turn of the event loop: measured on the 2-core VM, 36 ms at 524,288 entries
// and 90 ms at 1,048,576, the longest stalls of a million-message fill, restart and drain. A
// chunk rehashes at most 4,096 entries (well under a millisecond).
//
// Iteration is chunk by chunk in the order the chunks were made, each in insertion order: for
// keys that come roughly in MID order, that is the order of a single Map.

const CHUNK_BITS = 12;

export class ChunkedMap<K, V> {
  readonly #chunks = new Map<number, Map<K, V>>();
  #size = 0;

  /** `midOf` gives the MID a key belongs to (the key itself for a map by MID). */
  constructor(readonly midOf: (key: K) => number) {}

  get size(): number {
    return this.#size;
  }

  get(key: K): V | undefined {
    return this.#chunks.get(this.midOf(key) >>> CHUNK_BITS)?.get(key);
  }

  has(key: K): boolean {
    return this.#chunks.get(this.midOf(key) >>> CHUNK_BITS)?.has(key) ?? false;
  }

  set(key: K, value: V): this {
    const c = this.midOf(key) >>> CHUNK_BITS;
    let chunk = this.#chunks.get(c);
    if (!chunk) {
      chunk = new Map();
      this.#chunks.set(c, chunk);
    }
    const before = chunk.size;
    chunk.set(key, value);
    this.#size += chunk.size - before;
    return this;
  }

  delete(key: K): boolean {
    const c = this.midOf(key) >>> CHUNK_BITS;
    const chunk = this.#chunks.get(c);
    if (!chunk?.delete(key)) return false;
    this.#size--;
    if (chunk.size === 0) this.#chunks.delete(c);
    return true;
  }

  *values(): IterableIterator<V> {
    for (const chunk of this.#chunks.values()) yield* chunk.values();
  }
}

/** The identity, as `midOf` of a map keyed by MID. */
export const byMid = (mid: number): number => mid;
