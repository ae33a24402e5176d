// A FIFO with O(1) push and shift, kept in arrays of at most 4,096 items. One array for the
// whole queue had to be copied whole when it grew (and compacted): a sweep rotating a ready
// queue of 500,000 messages spent 23 ms of one event-loop turn in one such copy. A block is
// never copied but for the trim of a single block that is rotated (at most 4,096 items).

const BLOCK = 4_096;
/** A single block is trimmed once this many items were taken from its head, and half of it is gone. */
const TRIM_AFTER = 1_024;

export class Deque<T> {
  /** Blocks oldest first: items are taken from the first (from #head on) and added to the last. */
  #blocks: (T | undefined)[][] = [];
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    const last = this.#blocks[this.#blocks.length - 1];
    if (last !== undefined && last.length < BLOCK) last.push(item);
    else this.#blocks.push([item]);
    this.#length++;
  }

  peek(): T | undefined {
    return this.#length > 0 ? this.#blocks[0][this.#head] : undefined;
  }

  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const first = this.#blocks[0];
    const item = first[this.#head];
    first[this.#head++] = undefined;
    if (--this.#length === 0) this.clear();
    else if (this.#head === first.length) {
      // Used up (not the last block, which still holds items).
      this.#blocks.shift();
      this.#head = 0;
    } else if (this.#blocks.length === 1 && this.#head > TRIM_AFTER && this.#head * 2 > first.length) {
      this.#blocks[0] = first.slice(this.#head);
      this.#head = 0;
    }
    return item as T;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let b = 0; b < this.#blocks.length; b++) {
      const block = this.#blocks[b];
      for (let i = b === 0 ? this.#head : 0; i < block.length; i++) yield block[i] as T;
    }
  }

  clear(): void {
    this.#blocks = [];
    this.#head = 0;
    this.#length = 0;
  }
}
