// The hop limit: a message whose header section carries too many `Received:` headers is
// looping between mail systems and is refused at the end of DATA (`554 5.4.6`), as Postfix's
// cleanup does (hopcount_limit 50, its own Received: counted). The count is taken as the
// content streams in, reading the header section only. Pure.

/** Postfix's `hopcount_limit`: a message that would carry this many Received: headers is refused. */
export const HOP_LIMIT = 50;

/** The reply to a message past the hop limit (Postfix's words). */
export const TOO_MANY_HOPS = { code: 554, text: '5.4.6 Error: too many hops' } as const;

const PREFIX = Buffer.from('received:');
const LF = 0x0a;
const CR = 0x0d;

/** Counts the `Received:` header lines of one message's header section, chunk by chunk. */
export class HopCounter {
  /** Received: headers seen so far. */
  count = 0;
  /** The header section ended (an empty line): nothing more is read. */
  done = false;
  /** How many bytes of the current line's start matched `received:` (-1: not a Received: line). */
  #matched = 0;
  /** The current line is empty so far (it may end the header section). */
  #empty = true;

  /** Reads one chunk of content (after dot-unstuffing), as it arrives. */
  feed(chunk: Buffer): void {
    for (let i = 0; i < chunk.length && !this.done; i++) {
      const b = chunk[i];
      if (b === LF) {
        if (this.#empty) this.done = true;
        this.#matched = 0;
        this.#empty = true;
        continue;
      }
      if (b === CR) continue;
      this.#empty = false;
      if (this.#matched < 0) {
        // Not a Received: line: on to its end at once.
        const nl = chunk.indexOf(LF, i);
        if (nl < 0) return;
        i = nl - 1;
        continue;
      }
      const lower = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
      if (lower !== PREFIX[this.#matched]) {
        this.#matched = -1;
        continue;
      }
      if (++this.#matched === PREFIX.length) {
        this.count++;
        this.#matched = -1;
      }
    }
  }

  /**
   * Whether the message is past the limit once this engine adds its own Received: header
   * (`limit` of Postfix's hopcount_limit: refused at `limit` headers in all).
   */
  exceeded(limit = HOP_LIMIT): boolean {
    return this.count + 1 >= limit;
  }
}
