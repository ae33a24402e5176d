// The AsyncOS-style mail log (`logs/mail_logs`): one event a line, buffered in memory and
// appended asynchronously so logging never waits on the disk in the SMTP or delivery path;
// fsynced on a short interval, so a power cut costs at most the last second or so of lines.
import { stderrDiagnostics } from '../diagnostics.js';
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { fsyncDir, makeDurableDir } from '../fs/durable-dir.js';
import { formatApplianceDate } from './format-date.js';

export interface MailLogOptions {
  dir: string;
  clock: Clock;
  /** Rotate when the file passes this many bytes. */
  rotateBytes?: number;
  /** How many rotated files to keep (mail_logs.1 ... mail_logs.N). */
  keep?: number;
  flushMs?: number;
  /** ms between fsyncs of the file, made only when lines were written since the last one. */
  syncMs?: number;
  /** Where a failed write is reported (one line, without the `esa: ` prefix). */
  warn?: (line: string) => void;
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
  #syncTimer: NodeJS.Timeout | null = null;
  /** The file, open for appending (closed at rotation and at close). */
  #fh: FileHandle | null = null;
  /** Lines written since the last fsync of the file. */
  #unsynced = false;
  /** The directory changed (file created, rotated) since its last fsync. */
  #dirUnsynced = false;
  /** Writes, rotations and fsyncs of the file, one after the other. */
  #io: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(line: string) => void>();

  constructor(readonly options: MailLogOptions) {
    this.file = path.join(options.dir, 'mail_logs');
  }

  async open(): Promise<void> {
    await makeDurableDir(this.options.dir);
    this.#size = await stat(this.file).then((s) => s.size, () => 0);
    this.#timer = setInterval(() => void this.flush(), this.options.flushMs ?? 200);
    this.#timer.unref();
    this.#syncTimer = setInterval(() => void this.#serial(() => this.#sync()), this.options.syncMs ?? 1_000);
    this.#syncTimer.unref();
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

  /** Writes out and fsyncs every line logged before the call. */
  async sync(): Promise<void> {
    this.#flushEcho();
    await this.flush();
    await this.#serial(() => this.#sync());
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    this.#timer = null;
    this.#syncTimer = null;
    await this.sync();
    await this.#serial(() => this.#closeFile());
  }

  /** Runs `op` after every write, rotation and fsync started before it. */
  #serial(op: () => Promise<void>): Promise<void> {
    const next = this.#io.then(op);
    this.#io = next.catch(() => undefined);
    return next;
  }

  #failed(e: unknown): void {
    // A full or broken disk must not stop mail; say it once per failure.
    const line = `cannot write the mail log ${this.file}: ${(e as Error).message}`;
    if (this.options.warn) this.options.warn(line);
    else stderrDiagnostics.warn(line);
  }

  #write(text: string): Promise<void> {
    return this.#serial(async () => {
      try {
        const rotateBytes = this.options.rotateBytes ?? 10 * 1024 * 1024;
        if (this.#size > 0 && this.#size + text.length > rotateBytes) await this.#rotate();
        if (!this.#fh) {
          this.#fh = await open(this.file, 'a', 0o600);
          this.#dirUnsynced = true; // maybe a new file: its entry is durable with the directory
        }
        await this.#fh.appendFile(text);
        this.#unsynced = true;
        this.#size += Buffer.byteLength(text);
      } catch (e) {
        this.#failed(e);
      }
    });
  }

  /** fsyncs what was written since the last time (the file, and the directory if it changed). */
  async #sync(): Promise<void> {
    try {
      if (this.#unsynced && this.#fh) {
        this.#unsynced = false;
        await this.#fh.sync();
      }
      if (this.#dirUnsynced) {
        this.#dirUnsynced = false;
        await fsyncDir(this.options.dir);
      }
    } catch (e) {
      this.#failed(e);
    }
  }

  async #closeFile(): Promise<void> {
    const fh = this.#fh;
    this.#fh = null;
    await fh?.close().catch(() => undefined);
  }

  async #rotate(): Promise<void> {
    // The full file is made durable before it is renamed away and never written again.
    await this.#sync();
    await this.#closeFile();
    const keep = this.options.keep ?? 5;
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    }
    await rename(this.file, `${this.file}.1`).catch(() => undefined);
    this.#dirUnsynced = true;
    this.#size = 0;
  }
}
