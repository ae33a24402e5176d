// The queued messages by MID, in MID order. Two generations: the messages restored from disk
// at start (loaded range by range, oldest first, while the listener already takes mail) and the
// messages admitted since, whose MIDs all come after the restored ones (they start at a new
// bucket). Walking restored then admitted is MID order without ever sorting. Each is chunked
// (chunked-map.ts): a million entries in one Map stall the event loop when it rehashes.
import { byMid, ChunkedMap } from './chunked-map.js';
import type { QueuedMessage } from './message.js';

export class MessageIndex {
  readonly #restored = new ChunkedMap<number, QueuedMessage>(byMid);
  readonly #admitted = new ChunkedMap<number, QueuedMessage>(byMid);

  get size(): number {
    return this.#restored.size + this.#admitted.size;
  }

  get(mid: number): QueuedMessage | undefined {
    return this.#admitted.get(mid) ?? this.#restored.get(mid);
  }

  has(mid: number): boolean {
    return this.#admitted.has(mid) || this.#restored.has(mid);
  }

  /** A message restored from disk at start (ranges come oldest first). */
  restore(msg: QueuedMessage): void {
    this.#restored.set(msg.envelope.mid, msg);
  }

  /** A message admitted since start. */
  admit(msg: QueuedMessage): void {
    this.#admitted.set(msg.envelope.mid, msg);
  }

  delete(mid: number): boolean {
    return this.#admitted.delete(mid) || this.#restored.delete(mid);
  }

  *values(): IterableIterator<QueuedMessage> {
    yield* this.#restored.inMidOrder();
    yield* this.#admitted.inMidOrder();
  }

  *keys(): IterableIterator<number> {
    for (const msg of this.values()) yield msg.envelope.mid;
  }

  [Symbol.iterator](): IterableIterator<QueuedMessage> {
    return this.values();
  }
}
