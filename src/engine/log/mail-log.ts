// The AsyncOS-style mail log (`logs/mail_logs`): one event a line, buffered in memory and
// appended asynchronously so logging never waits on the disk in the SMTP or delivery path;
// fsynced on a short interval, so a power cut costs at most the last second or so of lines.
// A write the disk refuses (full, read-only) keeps its text and is tried again with the next
// flush, up to a bound: a full disk costs log lines only past that bound, and says how many.
import { stderrDiagnostics } from '../../platform/diagnostics.js';
import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { fsyncDir, makeDurableDir } from '../fs/durable-dir.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { MAIL_LOG_DEFAULTS } from '../../model/tables/log-subscriptions.js';

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
   * Told of every failed write or fsync first; true means it is a storage shortage the
   * engine handles (storage-short mode): no warning then, the text is kept and retried.
   */
  storageFailed?: (what: string, e: unknown) => boolean;
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
  /** Text a failed write could not put in the file (kept for the next write, bounded). */
  #unwritten: Buffer | null = null;
  /** Lines dropped because the unwritten text passed its bound. */
  #lostLines = 0;
  static readonly UNWRITTEN_MAX = 1024 * 1024;
  readonly #listeners = new Set<(line: string) => void>();

  readonly options: MailLogOptions;

  constructor(options: MailLogOptions) {
    // A copy: the rollover settings change with the configuration (logconfig).
    this.options = { ...options };
    this.file = path.join(options.dir, 'mail_logs');
  }

  /** The rollover settings (logconfig): a file is rolled over past `rotateBytes`; `keep` rolled-over files stay. */
  setRotation(rotateBytes: number | undefined, keep: number | undefined): void {
    if (rotateBytes !== undefined) this.options.rotateBytes = rotateBytes;
    if (keep !== undefined) this.options.keep = keep;
  }

  /** Rolls the file over now (rollovernow), after writing out every line logged before the call (this one's last line says why it ended). */
  async rollover(): Promise<void> {
    this.info('Logfile rolled over by rollovernow');
    this.#flushEcho();
    await this.flush();
    await this.#serial(async () => {
      if (this.#size > 0) await this.#rotate();
      await this.#sync();
    });
  }

  async open(): Promise<void> {
    await makeDurableDir(this.options.dir);
    this.#size = await stat(this.file).then(
      (s) => s.size,
      () => 0,
    );
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
    if (this.#buffer.length === 0 && !this.#unwritten) return Promise.resolve();
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
    // A full disk is the engine's storage-short mode (said once, in the log and in status);
    // anything else must not stop mail either: say it once per failure.
    if (this.options.storageFailed?.('the mail log', e)) return;
    const line = `cannot write the mail log ${this.file}: ${(e as Error).message}`;
    if (this.options.warn) this.options.warn(line);
    else stderrDiagnostics.warn(line);
  }

  /** Lines of mail log not written yet (kept while the disk refuses them). */
  get unwrittenBytes(): number {
    return this.#unwritten?.length ?? 0;
  }

  #write(text: string): Promise<void> {
    return this.#serial(async () => {
      let data = Buffer.from(text);
      if (this.#unwritten) {
        data = Buffer.concat([this.#unwritten, data]);
        this.#unwritten = null;
      }
      if (this.#lostLines > 0 && data.length <= MailLog.UNWRITTEN_MAX) {
        const note = `${formatApplianceDate(this.options.clock.now())} Warning: ${this.#lostLines} mail log line(s) lost: the disk refused them\n`;
        data = Buffer.concat([Buffer.from(note), data]);
        this.#lostLines = 0;
      }
      let at = 0;
      try {
        const rotateBytes = this.options.rotateBytes ?? MAIL_LOG_DEFAULTS.maxFileSize;
        if (this.#size > 0 && this.#size + data.length > rotateBytes) await this.#rotate();
        if (!this.#fh) {
          this.#fh = await open(this.file, 'a', 0o600);
          this.#dirUnsynced = true; // maybe a new file: its entry is durable with the directory
        }
        // write() loops itself so a failure part-way leaves exactly the unwritten rest.
        while (at < data.length) {
          const { bytesWritten } = await this.#fh.write(data, at);
          if (bytesWritten === 0) throw Object.assign(new Error(`no byte written to ${this.file}`), { code: 'ENOSPC' });
          at += bytesWritten;
          this.#unsynced = true;
          this.#size += bytesWritten;
        }
      } catch (e) {
        this.#keep(data.subarray(at));
        this.#failed(e);
      }
    });
  }

  /** Keeps unwritten text for the next write; past the bound the oldest whole lines go. */
  #keep(rest: Buffer): void {
    let keep = rest;
    if (keep.length > MailLog.UNWRITTEN_MAX) {
      let cut = keep.indexOf(0x0a, keep.length - MailLog.UNWRITTEN_MAX);
      cut = cut < 0 ? keep.length : cut + 1;
      let lost = 0;
      for (let i = keep.indexOf(0x0a); i >= 0 && i < cut; i = keep.indexOf(0x0a, i + 1)) lost++;
      this.#lostLines += lost;
      keep = keep.subarray(cut);
    }
    this.#unwritten = keep.length ? Buffer.from(keep) : null;
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
    const keep = this.options.keep ?? MAIL_LOG_DEFAULTS.maxFiles;
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    }
    await rename(this.file, `${this.file}.1`).catch(() => undefined);
    // Files past the number kept (it may have been lowered) go.
    const base = path.basename(this.file);
    for (const name of await readdir(this.options.dir).catch(() => [] as string[])) {
      const n = Number(name.slice(base.length + 1));
      if (name.startsWith(`${base}.`) && Number.isInteger(n) && n > keep) await unlink(path.join(this.options.dir, name)).catch(() => undefined);
    }
    this.#dirUnsynced = true;
    this.#size = 0;
  }
}
