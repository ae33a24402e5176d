// Lists of the configuration (RATs, routes, destination entries, suspended domains) parsed once
// per list rather than once per message. Keyed by the list's identity, since a commit replaces
// the configuration and so its lists; the entries' texts are compared too, so a list changed in
// place is parsed again. Pure (a cache of a pure function).

export class ParsedLists<P> {
  readonly #cache = new WeakMap<object, { texts: (string | undefined)[]; parsed: (P | undefined)[] }>();

  constructor(readonly parse: (text: string) => P | undefined) {}

  /** Each item's text parsed (undefined where `textOf` gives none or the text does not parse). */
  of<T>(items: readonly T[], textOf: (item: T) => string | undefined): (P | undefined)[] {
    const hit = this.#cache.get(items);
    if (hit && hit.texts.length === items.length && items.every((item, i) => textOf(item) === hit.texts[i])) return hit.parsed;
    const texts = items.map(textOf);
    const parsed = texts.map((t) => (t === undefined ? undefined : this.parse(t)));
    this.#cache.set(items, { texts, parsed });
    return parsed;
  }
}
