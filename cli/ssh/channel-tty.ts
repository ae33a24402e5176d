// An SSH channel dressed as a terminal for the front ends: the engine has no kernel pty, so
// these streams do its part — a TTY-looking input (raw mode is the client's), an output that
// turns LF into CRLF (the pty's onlcr) and knows its size, which window-change updates.
import { PassThrough, Writable, type Duplex } from 'node:stream';

export interface PtySize {
  cols: number;
  rows: number;
}

/** Output to a remote terminal: LF becomes CRLF, `columns`/`rows` follow the window. */
export class TtyOutput extends Writable {
  readonly isTTY = true;
  columns: number;
  rows: number;

  constructor(
    readonly channel: Writable,
    size: PtySize,
    readonly colors: boolean,
  ) {
    super({ decodeStrings: false });
    this.columns = size.cols || 80;
    this.rows = size.rows || 24;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (!this.channel.writable) {
      done();
      return;
    }
    this.channel.write(text.replace(/\r?\n/g, '\r\n'), () => done());
  }

  resize(size: PtySize): void {
    this.columns = size.cols || this.columns;
    this.rows = size.rows || this.rows;
    this.emit('resize');
  }

  hasColors(): boolean {
    return this.colors;
  }

  getColorDepth(): number {
    return this.colors ? 8 : 1;
  }
}

/** Input from a remote terminal: what the client sends, as a TTY in raw mode would give it. */
export class TtyInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;

  setRawMode(mode: boolean): this {
    // The client's own terminal is in raw mode already (ssh -t): there is nothing to switch here.
    this.isRaw = mode;
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

/** The output side alone (exec with a pty: nothing is read from the terminal). */
export function ttyOutput(channel: Writable, size: PtySize, term: string): TtyOutput {
  return new TtyOutput(channel, size, term !== 'dumb' && !process.env.NO_COLOR);
}

/** The pair for a channel with a pty. */
export function channelTty(channel: Duplex, size: PtySize, term: string): { input: TtyInput; output: TtyOutput } {
  const input = new TtyInput();
  channel.on('data', (chunk: Buffer) => input.write(chunk));
  channel.on('end', () => input.end());
  return { input, output: ttyOutput(channel, size, term) };
}
