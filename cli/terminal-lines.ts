// A terminal's lines for the plain line shell (locally and over SSH): the keys of a terminal in
// raw mode edited into lines as a cooked terminal would (echo, Backspace, Ctrl-U, Ctrl-W, every
// CR and every LF an Enter, Ctrl-C, Ctrl-D on an empty line), plus Tab completion and ↑/↓ history.
// Only plain text goes out (Backspace erases with `\b \b`): it suits a dumb terminal and a script.
// What is typed while nothing reads is kept, not shown: it is echoed when it is read, after its
// prompt, so a script that types a whole dialog at once gets the transcript of one that waits
// for each prompt.
import type { Readable, Writable } from 'node:stream';
import { KeyStream, type Key } from './keys.js';
import { EMPTY_LINE, editLine, type EditAction, type LineState } from './line-editor.js';
import { INTERRUPTED, LineQueue, type LineSource, type ReadOptions, type ReadResult } from './line-input.js';
import { PAGER_STOP_ANSWER, pagerKeyAction } from './pager-key.js';

export interface TerminalLinesOptions {
  /** The terminal's input, in raw mode (the caller sets it). */
  input: Readable;
  /** Where the echo goes (`\n` for a line end: the terminal, or the SSH channel's output, makes it CR LF). */
  output: Writable;
  /** Input read before this source took the terminal over (the shell read it while choosing its front end). */
  pending?: string;
}

/** Keys that edit the line here; cursor movement is not offered (a dumb terminal cannot show it). */
const EDITS = new Set(['backspace', 'killToStart', 'killWordBefore']);

export class TerminalLines implements LineSource {
  readonly echoes = true;
  onInterrupt: () => void = () => undefined;
  readonly #output: Writable;
  readonly #keys = new KeyStream();
  readonly #queue = new LineQueue();
  /** The line being typed (not yet ended by Enter). */
  #line: LineState = EMPTY_LINE;
  /** The read waiting for the line being typed; null while nothing reads (what is typed then is kept unshown). */
  #read: ReadOptions | null = null;
  /** A pager's stop waiting for a key. */
  #key: ((result: ReadResult) => void) | null = null;
  readonly #onData = (chunk: Buffer | string) => this.feed(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
  readonly #onEnd = () => this.#queue.end();

  constructor(readonly options: TerminalLinesOptions) {
    this.#output = options.output;
    options.input.on('data', this.#onData);
    options.input.once('end', this.#onEnd);
    if (options.pending) this.feed(options.pending);
  }

  /** Stops reading the terminal. */
  close(): void {
    this.options.input.off('data', this.#onData);
    this.options.input.off('end', this.#onEnd);
  }

  next(options: ReadOptions = {}): Promise<ReadResult> {
    const kept = this.#queue.take();
    if (kept !== undefined) {
      // A line typed ahead shows now, after its prompt, as if typed there.
      if (kept !== null) this.#echo(`${options.secret ? '' : kept}\n`);
      return Promise.resolve(kept);
    }
    this.#read = options;
    if (!options.secret) this.#echo(this.#line.text);
    return this.#queue.next();
  }

  get ended(): boolean {
    return this.#queue.ended;
  }

  /** The open read is taken back: what was typed of the line stays (and stays on the screen) for the next one. */
  withdraw(): void {
    this.#read = null;
    this.#queue.withdraw();
  }

  nextKey(): Promise<ReadResult> {
    return new Promise((resolve) => (this.#key = resolve));
  }

  /** A chunk of terminal input. */
  feed(chunk: string): void {
    for (const key of this.#keys.feed(chunk)) this.#press(key);
  }

  get #shown(): boolean {
    return this.#read !== null && this.#read.secret !== true;
  }

  #echo(text: string): void {
    if (text !== '') this.#output.write(text);
  }

  #press(key: Key): void {
    if (this.#key) return this.#pagerKey(key);
    if ('text' in key) return this.#edit({ type: 'insert', text: key.text });
    switch (key.name) {
      case 'return':
        return this.#enter();
      case 'interrupt':
        return this.#interrupt();
      case 'endOfInput':
        if (this.#line.text === '') this.#endOfInput();
        return;
      case 'tab':
        return void this.#complete();
      case 'up':
      case 'down': {
        const history = this.#read?.history;
        if (history) this.#edit({ type: key.name === 'up' ? 'historyPrev' : 'historyNext', history });
        return;
      }
      default:
        if (EDITS.has(key.name)) this.#edit({ type: key.name } as EditAction);
    }
  }

  #pagerKey(key: Key): void {
    const answer = this.#key!;
    this.#key = null;
    if ('name' in key && key.name === 'interrupt') return answer(INTERRUPTED);
    const action = pagerKeyAction(key);
    if (action.kind === 'more') return answer('');
    answer(PAGER_STOP_ANSWER);
    // Typed text starts the next line (shown after the next prompt, as a line typed ahead is).
    if (action.kind === 'typed') this.#edit({ type: 'insert', text: action.text });
  }

  /** Edits the line; what is shown of it follows (the changed end erased and written again). */
  #edit(action: EditAction): void {
    this.#show(editLine(this.#line, action));
  }

  #show(next: LineState): void {
    const before = this.#line.text;
    this.#line = { ...next, cursor: next.text.length };
    if (!this.#shown) return;
    let same = 0;
    while (same < before.length && same < next.text.length && before[same] === next.text[same]) same++;
    this.#echo('\b \b'.repeat([...before.slice(same)].length) + next.text.slice(same));
  }

  #enter(): void {
    const text = this.#line.text;
    this.#line = EMPTY_LINE;
    if (this.#read) {
      // Enter ends the line on the screen (a passphrase's too, though nothing of it showed).
      this.#read = null;
      this.#echo('\n');
    }
    this.#queue.push(text);
  }

  /** Ctrl-C: the line and what was typed ahead are dropped; an open read is answered, else the running command is. */
  #interrupt(): void {
    this.#line = EMPTY_LINE;
    const reading = this.#read !== null;
    this.#read = null;
    if (reading) this.#echo('^C\n');
    if (!this.#queue.interrupt()) this.onInterrupt();
  }

  /** Ctrl-D on an empty line: one end of input (the front end says what it did: a dialog ended, or quit). */
  #endOfInput(): void {
    this.#read = null;
    this.#queue.endOfInput();
  }

  async #complete(): Promise<void> {
    const read = this.#read;
    if (!read?.complete) return;
    const line = this.#line;
    const result = await read.complete(line);
    // Typing went on meanwhile, or the read is over: this completion is stale.
    if (this.#read !== read || this.#line !== line) return;
    this.#show(result.state);
    if (result.shown.length > 0 && this.#shown) this.#echo(`\n${result.shown.join('  ')}\n${read.prompt ?? ''}${this.#line.text}`);
  }
}
