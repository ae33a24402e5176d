// The pager of an interactive session: output past a screenful waits at -Press Any Key For More-
// until the reader presses a key; `q` or Ctrl-C drops the rest of the command's output. It
// counts rows as the terminal shows them (long lines wrap) and knows nothing of sockets:
// `show` writes, `stop` asks the reader (true: go on). Output that streams (a line of `rate`
// or `tail` after a pause) is not stopped: the reader watched the earlier lines arrive; and a
// command that says its output is a live stream (`tail` going live, `stream()`) is never
// stopped, its first lines included, until the next command.

/** The part of the terminal a session's output may fill: rows (the front end's own lines left out) and columns. */
export interface Screen {
  rows: number;
  columns: number;
}

/** A screen a front end sent, or undefined when it is not one (too small to page in, or not numbers). */
export function screenOf(value: unknown): Screen | undefined {
  const v = (value ?? {}) as Partial<Record<string, unknown>>;
  const rows = Number(v.rows);
  const columns = Number(v.columns);
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 3 || columns < 10) return undefined;
  return { rows: Math.min(rows, 10_000), columns: Math.min(columns, 10_000) };
}

const onlyNewlines = (text: string) => !/[^\n\r]/.test(text);

/** Output this long after the previous write is a stream's next line: the screen starts over. */
export const STREAM_GAP_MS = 1_000;

export class OutputPager {
  screen: Screen | undefined;
  /** Rows filled since the reader last typed (the typed line counts). */
  #used = 0;
  #col = 0;
  /** Output waiting for the reader's key. */
  #held = '';
  /** The reader stopped (q, Ctrl-C): the rest of this command's output is dropped. */
  #dropping = false;
  #stopping: Promise<void> | null = null;
  #lastWrite = 0;
  /** The command's output is a live stream: shown as it comes (stream()), until restart. */
  #streaming = false;

  constructor(
    readonly show: (text: string) => void,
    readonly stop: () => Promise<boolean>,
    readonly now: () => number = Date.now,
  ) {}

  /** The reader typed a line or answered a question: a new screenful starts after those rows. */
  restart(rowsShown = 1): void {
    this.#lastWrite = this.now();
    this.#used = rowsShown;
    this.#col = 0;
    this.#dropping = false;
    this.#streaming = false;
  }

  /** What follows is a live stream: never held. Output held already is shown after the reader's key, then the stream. */
  stream(): void {
    this.#streaming = true;
  }

  write(text: string): void {
    if (this.#dropping) return;
    if (this.#streaming && this.#held === '' && !this.#stopping) {
      this.show(text);
      return;
    }
    const now = this.now();
    if (now - this.#lastWrite >= STREAM_GAP_MS && this.#held === '' && !this.#stopping) this.#used = 0;
    this.#lastWrite = now;
    if (this.#held !== '' || this.#stopping) {
      this.#held += text;
      this.#maybeStop();
      return;
    }
    const cut = this.screen ? this.#fit(text, this.screen) : text.length;
    if (cut > 0) this.show(text.slice(0, cut));
    if (cut < text.length) {
      this.#held = text.slice(cut);
      this.#maybeStop();
    }
  }

  /** Resolves once everything written has been shown; false when the reader stopped it. */
  async drained(): Promise<boolean> {
    while (this.#stopping) await this.#stopping;
    return !this.#dropping;
  }

  /** The command line is done: waits for the reader, then shows trailing blank lines that never made a page. */
  async finish(): Promise<void> {
    await this.drained();
    if (this.#held !== '' && !this.#dropping) this.show(this.#held);
    this.#held = '';
    this.#dropping = false;
  }

  /** How much of `text` fits on the current screen (counting its rows); moves the count past it. */
  #fit(text: string, screen: Screen): number {
    // The last row is the pager's own prompt.
    const limit = screen.rows - 1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\r') {
        this.#col = 0;
        continue;
      }
      if (c !== '\n' && this.#col >= screen.columns) {
        // The terminal wraps: this character starts a new row.
        this.#used++;
        this.#col = 0;
      }
      if (this.#col === 0 && this.#used >= limit) return i;
      if (c === '\n') {
        this.#used++;
        this.#col = 0;
      } else {
        this.#col++;
      }
    }
    return text.length;
  }

  /** Asks the reader for each further screenful while there is text (not only blank lines) held. */
  #maybeStop(): void {
    if (this.#stopping || onlyNewlines(this.#held)) return;
    this.#stopping = (async () => {
      while (!onlyNewlines(this.#held)) {
        const goOn = await this.stop();
        if (!goOn) {
          this.#held = '';
          this.#dropping = true;
          return;
        }
        // The prompt's row is taken back: a whole screenful of new rows.
        this.#used = 0;
        this.#col = 0;
        const text = this.#held;
        this.#held = '';
        const cut = this.screen ? this.#fit(text, this.screen) : text.length;
        if (cut > 0) this.show(text.slice(0, cut));
        this.#held = text.slice(cut);
      }
    })().finally(() => {
      this.#stopping = null;
    });
  }
}
