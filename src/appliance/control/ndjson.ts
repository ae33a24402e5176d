// Newline-delimited JSON framing for the control socket: splits a byte stream into lines,
// refusing any line longer than a cap so that one bad peer cannot make the engine buffer
// without bound.

export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`line longer than ${limit.toLocaleString('en-US')} bytes`);
  }
}

/** Feeds chunks in, hands whole lines (without the newline) out. */
export class LineSplitter {
  #parts: Buffer[] = [];
  #size = 0;

  constructor(readonly maxLineBytes: number) {}

  /** Returns the complete lines in this chunk; throws LineTooLongError past the cap. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (this.#size + piece.length > this.maxLineBytes) throw new LineTooLongError(this.maxLineBytes);
      this.#parts.push(piece);
      lines.push(Buffer.concat(this.#parts).toString('utf8').replace(/\r$/, ''));
      this.#parts = [];
      this.#size = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      if (this.#size + rest.length > this.maxLineBytes) throw new LineTooLongError(this.maxLineBytes);
      // Copy: the caller's buffer may be reused.
      this.#parts.push(Buffer.from(rest));
      this.#size += rest.length;
    }
    return lines;
  }
}

/** One message as one line. JSON.stringify never emits a raw newline. */
export function frame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
