// The shell's command history: the lines typed at the main prompt, kept in the data dir as
// `history` (next to the socket) so that ↑ recalls them in the next session too.
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Entries kept; the file is compacted back to this when it grows to twice as many lines. */
export const HISTORY_LIMIT = 500;

/** The history file of the engine listening at `socketPath`: the data dir is the socket's directory. */
export function historyPath(socketPath: string): string {
  return path.join(path.dirname(path.resolve(socketPath)), 'history');
}

/** Adds a typed line: blank lines and a repeat of the newest entry are not kept. */
export function addEntry(entries: readonly string[], line: string, limit = HISTORY_LIMIT): readonly string[] {
  if (line.trim() === '' || entries[entries.length - 1] === line) return entries;
  const next = [...entries, line];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** The entries of a history file's text, oldest first. */
export function parseHistory(text: string, limit = HISTORY_LIMIT): string[] {
  let entries: readonly string[] = [];
  for (const line of text.split('\n')) entries = addEntry(entries, line.replace(/\r$/, ''), Number.MAX_SAFE_INTEGER);
  return entries.slice(Math.max(0, entries.length - limit));
}

/**
 * The history file. Each entry is appended as it is typed (several shells may share the
 * file); a file that cannot be read or written costs the history, never the session.
 */
export class HistoryFile {
  #entries: readonly string[];
  #lines: number;
  #writes: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    entries: readonly string[],
    lines: number,
  ) {
    this.#entries = entries;
    this.#lines = lines;
  }

  static async load(file: string): Promise<HistoryFile> {
    const text = await readFile(file, 'utf8').catch(() => '');
    return new HistoryFile(file, parseHistory(text), text.split('\n').length - 1);
  }

  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Resolves when every line added so far is on disk (or failed to get there). */
  flushed(): Promise<void> {
    return this.#writes;
  }

  /** Records a line; resolves when it is on disk (callers need not wait). */
  add(line: string): Promise<void> {
    const next = addEntry(this.#entries, line);
    if (next === this.#entries) return this.#writes;
    this.#entries = next;
    this.#lines++;
    const compact = this.#lines >= 2 * HISTORY_LIMIT;
    if (compact) this.#lines = next.length;
    const write = compact ? () => this.#rewrite(next) : () => appendFile(this.file, `${line}\n`, { mode: 0o600 });
    this.#writes = this.#writes.then(write).catch(() => undefined);
    return this.#writes;
  }

  async #rewrite(entries: readonly string[]): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, entries.map((e) => `${e}\n`).join(''), { mode: 0o600 });
    await rename(temp, this.file);
  }
}
