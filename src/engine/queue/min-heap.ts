// A binary min-heap keyed by a number: the scheduler's "what is due next" in O(log n).
export class MinHeap<T> {
  readonly #keys: number[] = [];
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(key: number, item: T): void {
    this.#keys.push(key);
    this.#items.push(item);
    this.#up(this.#items.length - 1);
  }

  peekKey(): number | undefined {
    return this.#keys[0];
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  pop(): T | undefined {
    const n = this.#items.length;
    if (n === 0) return undefined;
    const top = this.#items[0];
    const lastKey = this.#keys.pop()!;
    const lastItem = this.#items.pop()!;
    if (n > 1) {
      this.#keys[0] = lastKey;
      this.#items[0] = lastItem;
      this.#down(0);
    }
    return top;
  }

  clear(): void {
    this.#keys.length = 0;
    this.#items.length = 0;
  }

  #up(i: number): void {
    const keys = this.#keys;
    const items = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= keys[i]) break;
      this.#swap(i, parent, keys, items);
      i = parent;
    }
  }

  #down(i: number): void {
    const keys = this.#keys;
    const items = this.#items;
    const n = keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && keys[l] < keys[smallest]) smallest = l;
      if (r < n && keys[r] < keys[smallest]) smallest = r;
      if (smallest === i) return;
      this.#swap(i, smallest, keys, items);
      i = smallest;
    }
  }

  #swap(a: number, b: number, keys: number[], items: T[]): void {
    const k = keys[a];
    keys[a] = keys[b];
    keys[b] = k;
    const t = items[a];
    items[a] = items[b];
    items[b] = t;
  }
}
