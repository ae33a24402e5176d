// The AsyncOS-style mail log (`logs/mail_logs`): one event a line, buffered in memory and
// appended asynchronously so logging never waits on the disk in the SMTP or delivery path.
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { formatApplianceDate } from './format-date.js';

export interface MailLogOptions {
  dir: string;
  clock: Clock;
  /** Rotate when the file passes this many bytes. */
  rotateBytes?: number;
  /** How many rotated files to keep (mail_logs.1 ... mail_logs.N). */
  keep?: number;
  flushMs?: number;
  /**
   * Also write every line here (the foreground engine logs to stdout). Lines of one turn of
   * the event loop are handed over together (stdout writes are synchronous for files and
   * pipes: one per line cost ~4% of the engine's time at 900 msg/s).
   */
  echo?: (line: string) => void;
}

export class MailLog {
  readonly file: string;
  #buffer: string[] = [];
  #bufferedBytes = 0;
  #echoLines: string[] = [];
  #echoScheduled = false;
  #size = 0;
  #flushing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #listeners = new Set<(line: string) => void>();

  constructor(readonly options: MailLogOptions) {
    this.file = path.join(options.dir, 'mail_logs');
  }

  async open(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    this.#size = await stat(this.file).then((s) => s.size, () => 0);
    this.#timer = setInterval(() => void this.flush(), this.options.flushMs ?? 200);
    this.#timer.unref();
  }

  info(event: string): void {
    const line = `${formatApplianceDate(this.options.clock.now())} Info: ${event}\n`;
    this.#buffer.push(line);
    this.#bufferedBytes += line.length;
    if (this.options.echo) {
      this.#echoLines.push(line);
      if (!this.#echoScheduled) {
        this.#echoScheduled = true;
        setImmediate(() => this.#flushEcho());
      }
    }
    for (const listener of this.#listeners) listener(line);
    if (this.#bufferedBytes > 256 * 1024) void this.flush();
  }

  #flushEcho(): void {
    this.#echoScheduled = false;
    if (this.#echoLines.length === 0) return;
    const text = this.#echoLines.length === 1 ? this.#echoLines[0] : this.#echoLines.join('');
    this.#echoLines = [];
    this.options.echo?.(text);
  }

  /** Live subscribers (`tail mail_logs`). */
  subscribe(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing.then(() => (this.#buffer.length ? this.flush() : undefined));
    if (this.#buffer.length === 0) return Promise.resolve();
    const text = this.#buffer.join('');
    this.#buffer = [];
    this.#bufferedBytes = 0;
    this.#flushing = this.#write(text).finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#flushEcho();
    await this.flush();
  }

  async #write(text: string): Promise<void> {
    try {
      const rotateBytes = this.options.rotateBytes ?? 10 * 1024 * 1024;
      if (this.#size > 0 && this.#size + text.length > rotateBytes) await this.#rotate();
      await appendFile(this.file, text, { mode: 0o600 });
      this.#size += Buffer.byteLength(text);
    } catch (e) {
      // A full or broken disk must not stop mail; say it once per failure.
      process.stderr.write(`esa: cannot write the mail log ${this.file}: ${(e as Error).message}\n`);
    }
  }

  async #rotate(): Promise<void> {
    const keep = this.options.keep ?? 5;
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    }
    await rename(this.file, `${this.file}.1`).catch(() => undefined);
    this.#size = 0;
  }
}
