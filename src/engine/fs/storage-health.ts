// Whether the data dir can be written: a full (ENOSPC, EDQUOT), read-only (EROFS) or failing
// (EIO) disk puts the engine in "storage short" mode instead of killing it. While short, new mail
// gets `452 4.3.1`, `status` says so, and a probe retries in the background; once it can write
// again, the parts that failed save what they owe and acceptance resumes by itself.
import { open, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Error codes that mean "the disk cannot take this write now", not a bug. */
const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EFBIG']);

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EIO: 'I/O error',
  EFBIG: 'file too large',
};

/** Whether `e` is a storage shortage (full, read-only, failing disk) rather than a bug. */
export function isStorageShort(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.has(code);
}

/** Thrown where the engine refuses work because storage is short (e.g. no MID can be reserved). */
export class StorageShortError extends Error {
  readonly code = 'ENOSPC';
}

/** `no space left on the device (ENOSPC)`. */
export function storageReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return WHY[code] ? `${WHY[code]} (${code})` : (e as Error).message;
}

export interface StorageShortState {
  /** What failed first (a file or a part: `queue/spool`, `config.json`, `the mail log`). */
  what: string;
  reason: string;
  /** Wall-clock ms when it started. */
  since: number;
}

export interface StorageHealthOptions {
  /** Where the probe writes (the data dir). */
  dir: string;
  /** A line for the mail log (written once space returns, if the log is on the full disk). */
  log: (line: string) => void;
  /** Wall-clock ms between probes while short. */
  probeMs?: number;
  /** Bytes the probe must be able to write before acceptance resumes: headroom, not one byte. */
  probeBytes?: number;
}

export class StorageHealth {
  #short: StorageShortState | null = null;
  #timer: NodeJS.Timeout | null = null;
  #probing = false;
  readonly #retries = new Set<() => Promise<void>>();
  readonly #listeners = new Set<() => void>();
  /** Times the engine entered storage-short mode (for the soak's counts). */
  episodes = 0;

  constructor(readonly options: StorageHealthOptions) {}

  get short(): StorageShortState | null {
    return this.#short;
  }

  /**
   * Reports a failed write. Returns true when it was a storage shortage (now handled: the
   * caller keeps what it owes and retries later, and need not warn); false for anything else.
   */
  failed(what: string, e: unknown): boolean {
    if (!isStorageShort(e)) return false;
    if (!this.#short) {
      this.#short = { what, reason: storageReason(e), since: Date.now() };
      this.episodes++;
      this.options.log(`Storage short: cannot write ${what}: ${this.#short.reason}; new mail is refused with 452 4.3.1 until writes succeed again`);
      this.#changed();
      this.#schedule();
    }
    return true;
  }

  /** `save` runs after every probe that succeeds, until it succeeds itself (state saves owed). */
  retryOnRecovery(save: () => Promise<void>): () => void {
    this.#retries.add(save);
    return () => this.#retries.delete(save);
  }

  /** Called when the engine enters or leaves storage-short mode. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Runs one probe now (tests; the timer runs them while short). Resolves whether storage is ok. */
  async probe(): Promise<boolean> {
    if (!this.#short) return true;
    if (this.#probing) return false;
    this.#probing = true;
    try {
      await this.#probeWrite();
      for (const save of this.#retries) await save();
    } catch (e) {
      if (!isStorageShort(e)) this.#short.reason = storageReason(e);
      return false;
    } finally {
      this.#probing = false;
    }
    const was = this.#short;
    this.#short = null;
    const seconds = Math.round((Date.now() - was.since) / 1000);
    this.options.log(`Storage recovered: writes succeed again after ${seconds}s; accepting mail`);
    this.#changed();
    return true;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.probe().then((ok) => {
        if (!ok && this.#short) this.#schedule();
      });
    }, this.options.probeMs ?? 1_000);
    this.#timer.unref();
  }

  /** Writes and fsyncs `probeBytes` (default 1 MiB) in the data dir, then removes them. */
  async #probeWrite(): Promise<void> {
    const file = path.join(this.options.dir, `.storage-probe-${process.pid}.tmp`);
    try {
      const fh = await open(file, 'w', 0o600);
      try {
        const bytes = this.options.probeBytes ?? 1024 * 1024;
        const { bytesWritten } = await fh.write(Buffer.alloc(bytes));
        // A short write is how a nearly full disk answers before ENOSPC.
        if (bytesWritten < bytes) throw Object.assign(new Error(`short write to ${file}`), { code: 'ENOSPC' });
        await fh.sync();
      } finally {
        await fh.close();
      }
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  #changed(): void {
    for (const fn of this.#listeners) fn();
  }
}
