// The one input model of every front end: what is typed is a stream of lines, and whatever
// reads next — a dialog's question or the main prompt — gets the next line, in order: a line
// typed ahead answers the next question or runs at the next prompt, never both, never lost.
// Where a line ends: over a pipe CR LF is one line end (a lone CR or LF is one too); at a
// terminal every CR and every LF is one (keys.ts, the terminal's keys).
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { CompletionResult, LineState } from './line-editor.js';

/** What a read gives for Ctrl-C. */
export const INTERRUPTED = Symbol('interrupted');
/** What a read gives when the engine took its question back: nothing was read. */
export const WITHDRAWN = Symbol('withdrawn');

/**
 * A read's result: the line; null at end of input (Ctrl-D once at a terminal, or the end of the
 * stream); INTERRUPTED for Ctrl-C; WITHDRAWN when the question was taken back.
 */
export type ReadResult = string | null | typeof INTERRUPTED | typeof WITHDRAWN;

export interface ReadOptions {
  /** A passphrase: typed blind, never echoed. */
  secret?: boolean;
  /** The prompt's last line as shown (a terminal shows it again after listing completions). */
  prompt?: string;
  /** Tab: completes the line being typed (a terminal's reads only). */
  complete?: (line: LineState) => Promise<CompletionResult> | CompletionResult;
  /** ↑/↓ recall the command history (the main prompt). */
  history?: readonly string[];
}

/** Where a front end's lines come from: a pipe, or a terminal with its line editing (terminal-lines.ts). */
export interface LineSource {
  /** True when the source shows what it reads (a terminal's echo); else the front end writes the transcript itself. */
  readonly echoes: boolean;
  /** The next line, for a question or the main prompt alike. */
  next(options?: ReadOptions): Promise<ReadResult>;
  /** The next key pressed from now on (the pager's stop); lines typed ahead are not keys. A pipe gives its next line. */
  nextKey(): Promise<ReadResult>;
  /** Called on Ctrl-C while nothing reads: the running command is to be interrupted. */
  onInterrupt: () => void;
  /** The input is over for good (a null read before it is a Ctrl-D). */
  readonly ended: boolean;
  /** The open read gives WITHDRAWN (its question was taken back); nothing typed is lost. */
  withdraw(): void;
}

/** Lines in the order they were completed, handed to whoever reads next. */
export class LineQueue {
  /** Lines not read yet; null is one end of input (Ctrl-D). */
  readonly #lines: (string | null)[] = [];
  #ended = false;
  #waiting: ((result: ReadResult) => void) | null = null;

  /** A reader waits for the next line. */
  get waiting(): boolean {
    return this.#waiting !== null;
  }

  get size(): number {
    return this.#lines.length;
  }

  /** A completed line: to the reader waiting, else kept for the next one. */
  push(line: string): void {
    if (!this.#wake(line)) this.#lines.push(line);
  }

  /** One end of input (Ctrl-D on an empty line): the next read gives null; later reads go on. */
  endOfInput(): void {
    if (!this.#wake(null)) this.#lines.push(null);
  }

  /** No more input, ever: the lines kept are still read, then null. */
  end(): void {
    this.#ended = true;
    this.#wake(null);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Ctrl-C: the lines typed ahead are dropped; a waiting reader gets INTERRUPTED. True when one waited. */
  interrupt(): boolean {
    this.#lines.length = 0;
    return this.#wake(INTERRUPTED);
  }

  /** The reader waiting gives up (WITHDRAWN): the next line goes to the next reader. */
  withdraw(): void {
    this.#wake(WITHDRAWN);
  }

  /** The next line kept, without waiting: undefined when there is none (null at an end of input). */
  take(): string | null | undefined {
    if (this.#lines.length > 0) return this.#lines.shift();
    return this.#ended ? null : undefined;
  }

  next(): Promise<ReadResult> {
    const kept = this.take();
    if (kept !== undefined) return Promise.resolve(kept);
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  #wake(result: ReadResult): boolean {
    const waiting = this.#waiting;
    if (!waiting) return false;
    this.#waiting = null;
    waiting(result);
    return true;
  }
}

/**
 * A pipe's text cut into lines: CR LF is one line end (also across chunks), and a lone CR or LF
 * is one too, as files written on other systems have them.
 */
export class PipeLineSplitter {
  #partial = '';
  /** The last chunk ended with a CR: an LF opening the next one belongs to it. */
  #afterCr = false;

  /** The lines this text completes. */
  feed(text: string): string[] {
    let t = text;
    if (this.#afterCr && t.startsWith('\n')) t = t.slice(1);
    if (t === '') return [];
    this.#afterCr = t.endsWith('\r');
    const parts = (this.#partial + t).split(/\r\n|\r|\n/);
    this.#partial = parts.pop()!;
    return parts;
  }

  /** The end of the stream: the last line when it had no line end. */
  end(): string | undefined {
    const rest = this.#partial;
    this.#partial = '';
    return rest === '' ? undefined : rest;
  }
}

/** The lines of a pipe (batch mode, SSH without a pty): nothing is echoed, the front end writes the transcript. */
export class PipeLines implements LineSource {
  readonly echoes = false;
  onInterrupt: () => void = () => undefined;
  readonly #queue = new LineQueue();

  constructor(input: Readable) {
    const decoder = new StringDecoder('utf8');
    const splitter = new PipeLineSplitter();
    input.on('data', (chunk: Buffer | string) => {
      for (const line of splitter.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk))) this.#queue.push(line);
    });
    const end = () => {
      for (const line of splitter.feed(decoder.end())) this.#queue.push(line);
      const last = splitter.end();
      if (last !== undefined) this.#queue.push(last);
      this.#queue.end();
    };
    input.once('end', end);
    input.once('error', end);
  }

  next(): Promise<ReadResult> {
    return this.#queue.next();
  }

  nextKey(): Promise<ReadResult> {
    return this.#queue.next();
  }

  get ended(): boolean {
    return this.#queue.ended;
  }

  withdraw(): void {
    this.#queue.withdraw();
  }
}
