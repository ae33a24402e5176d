// A map keyed per message, kept as many small Maps: one per 4,096 consecutive MIDs. A single
// Map of a million entries rehashes every entry at once when it grows or shrinks past a power
// of two, in one turn of the event loop: measured on the 2-core VM, 36 ms at 524,288 entries
// and 90 ms at 1,048,576, the longest stalls of a million-message fill, restart and drain. A
// chunk rehashes at most 4,096 entries (well under a millisecond).
//
// `values()` is chunk by chunk in the order the chunks were made, each in insertion order: for
// keys that come roughly in MID order, that is the order of a single Map. `inMidOrder()` is
// the keys' MID order exactly (messages written by concurrent sessions are admitted a few out
// of order): a chunk whose keys came out of order is walked by its keys sorted, the others as
// they are.

const CHUNK_BITS = 12;

export class ChunkedMap<K, V> {
  readonly #chunks = new Map<number, Map<K, V>>();
  #size = 0;
  /** Per chunk, the highest MID set in it so far. */
  readonly #highest = new Map<number, number>();
  /** Chunks where a key came after a higher one. */
  readonly #unordered = new Set<number>();
  /** A chunk was made after a higher one. */
  #chunksUnordered = false;

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
    const mid = this.midOf(key);
    const c = mid >>> CHUNK_BITS;
    let chunk = this.#chunks.get(c);
    if (!chunk) {
      for (const other of this.#chunks.keys()) if (other > c) this.#chunksUnordered = true;
      chunk = new Map();
      this.#chunks.set(c, chunk);
    }
    const before = chunk.size;
    chunk.set(key, value);
    if (chunk.size > before) {
      const highest = this.#highest.get(c) ?? -1;
      if (mid < highest) this.#unordered.add(c);
      else this.#highest.set(c, mid);
    }
    this.#size += chunk.size - before;
    return this;
  }

  delete(key: K): boolean {
    const c = this.midOf(key) >>> CHUNK_BITS;
    const chunk = this.#chunks.get(c);
    if (!chunk?.delete(key)) return false;
    this.#size--;
    if (chunk.size === 0) {
      this.#chunks.delete(c);
      this.#highest.delete(c);
      this.#unordered.delete(c);
      if (this.#chunks.size === 0) this.#chunksUnordered = false;
    }
    return true;
  }

  *values(): IterableIterator<V> {
    for (const chunk of this.#chunks.values()) yield* chunk.values();
  }

  /**
   * The values in their keys' MID order. A chunk in order is walked as it is (what is added to
   * it meanwhile is visited too); one out of order by its keys sorted then, what was deleted
   * meanwhile skipped.
   */
  *inMidOrder(): IterableIterator<V> {
    const chunks = this.#chunksUnordered ? [...this.#chunks.keys()].sort((a, b) => a - b) : this.#chunks.keys();
    for (const c of chunks) {
      const chunk = this.#chunks.get(c);
      if (!chunk) continue;
      if (!this.#unordered.has(c)) {
        yield* chunk.values();
        continue;
      }
      const keys = [...chunk.keys()].sort((a, b) => this.midOf(a) - this.midOf(b));
      for (const key of keys) {
        const value = this.#chunks.get(c)?.get(key);
        if (value !== undefined) yield value;
      }
    }
  }
}

/** The identity, as `midOf` of a map keyed by MID. */
export const byMid = (mid: number): number => mid;
