// Temporary spool files opened ahead of need: a message's durable write starts at once instead
// of first waiting for an open, which was one of the five thread-pool round trips between the
// end of DATA and the 250, and the slowest of them under load. They live in `spool/incoming/`
// and are renamed into their bucket once written; whatever is left there after a stop or a
// crash was never acknowledged (its sender got no 250) and is removed at start.
//
// Files are reused: a delivered message's file is moved here instead of being unlinked
// (Spool.remove) and, once its leaving the bucket is durable (`addSpare`), a later message
// overwrites it. Relaying then frees and allocates no inode per message: the kernel does a
// tenth of the work of an unlink plus a create (docs/benchmarks.md), and a file
// system without a journal, which scans past every inode freed in the last minutes at each
// create, is not slowed by the mail it has just delivered. Spare files are kept while they are
// likely to be needed (SPARE_MAX, SPARE_MAX_AGE_MS), then removed in the background.
import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { RawFile } from '../fs/raw-file.js';
import { Deque } from './deque.js';

export interface TempFile {
  fh: RawFile;
  path: string;
  /** Bytes in the file now: a reused file still holds a delivered message until overwritten. */
  size: number;
  /** A spare file (a delivered message's), not a new one. */
  spare: boolean;
}

/** Spare files kept at most, counting those on their way (Spool.remove unlinks past this). */
export const SPARE_MAX = 20_000;
/** A spare file not reused within this long is removed (monotonic ms). */
export const SPARE_MAX_AGE_MS = 60_000;
/** Files larger than this are not kept: a spare holds its disk space until reused. */
export const SPARE_MAX_BYTES = 64 * 1024;
/** Spare files that come still open (Spool keeps a written file's handle a while) are kept open up to this many. */
const READY_MAX = 64;
/** New or spare files opened ahead in the background. */
const AHEAD = 8;

/** A file moved here from its bucket, now spare; `fh` and `size` when its handle was still open. */
export interface SpareFile {
  path: string;
  fh?: RawFile;
  size?: number;
}

interface Spare {
  path: string;
  since: number;
}

export class TempFiles {
  readonly #ready: TempFile[] = [];
  readonly #spares = new Deque<Spare>();
  /** Unique per run: names never meet a leftover of an earlier run still being removed. */
  readonly #run = Date.now().toString(36);
  #seq = 0;
  #filling = false;
  #trimming = false;
  #closed = false;
  #leftovers: Promise<void> = Promise.resolve();
  #trimmer: NodeJS.Timeout | null = null;

  constructor(
    readonly dir: string,
    /** open(2) flags of a new file (the spool's durable-write flags, which create and truncate). */
    readonly flags: number,
    /** open(2) flags of a spare file: the same without create and truncate (it is overwritten). */
    readonly reuseFlags: number,
  ) {}

  /** Makes the directory; what an earlier run left in it is removed in the background. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    // Not reused: after a crash a name here may still be a delivered message's name in its bucket too.
    this.#leftovers = (async () => {
      for (const name of names) await unlink(path.join(this.dir, name)).catch(() => undefined);
    })();
    this.#trimmer = setInterval(() => this.#trim(), 5_000);
    this.#trimmer.unref();
  }

  /** A name for a file moving here (a delivered message's, to be reused). */
  nextName(): string {
    return path.join(this.dir, `${this.#run}-${++this.#seq}.tmp`);
  }

  /**
   * Files moved here whose leaving their bucket is now durable: they may be overwritten. One
   * whose handle is still open is ready at once (no open, no stat) while there is room.
   */
  addSpare(files: SpareFile[]): void {
    const since = performance.now();
    for (const f of files) {
      if (f.fh && f.size !== undefined && !this.#closed && this.#ready.length < READY_MAX) {
        this.#ready.push({ fh: f.fh, path: f.path, size: f.size, spare: true });
        continue;
      }
      void f.fh?.close().catch(() => undefined);
      this.#spares.push({ path: f.path, since });
    }
    this.#trim();
    this.#refill();
  }

  /** Spare files overwritten so far (for tests and diagnosis). */
  reused = 0;

  /** Files that are spare (Spool.remove unlinks instead past SPARE_MAX). */
  get spareCount(): number {
    return this.#spares.length;
  }

  /** An open file for `bytes` of content: one opened ahead (no larger than that if there is one), else a spare or a new one. */
  async take(bytes: number): Promise<TempFile> {
    let i = this.#ready.findIndex((t) => t.size <= bytes);
    if (i < 0) i = 0;
    const ready = this.#ready.splice(i, 1)[0];
    this.#refill();
    const file = ready ?? (await this.#openOne());
    if (file.spare) this.reused++;
    return file;
  }

  /** Closes the files opened ahead and removes them (none is taken after this); spare files are removed at the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#trimmer) clearInterval(this.#trimmer);
    this.#trimmer = null;
    for (const t of this.#ready.splice(0)) {
      await t.fh.close().catch(() => undefined);
      await unlink(t.path).catch(() => undefined);
    }
    this.#spares.clear();
    await this.#leftovers;
  }

  #openNew(): Promise<TempFile> {
    const file = this.nextName();
    return RawFile.open(file, this.flags).then((fh) => ({ fh, path: file, size: 0, spare: false }));
  }

  /** A spare file opened for overwriting, else a new one. */
  async #openOne(): Promise<TempFile> {
    for (let s = this.#spares.shift(); s; s = this.#spares.shift()) {
      let fh: RawFile | undefined;
      try {
        fh = await RawFile.open(s.path, this.reuseFlags);
        return { fh, path: s.path, size: await fh.size(), spare: true };
      } catch {
        await fh?.close().catch(() => undefined);
        await unlink(s.path).catch(() => undefined);
      }
    }
    return this.#openNew();
  }

  /**
   * Removes spare files past the age limit, oldest first, one at a time in the background (a
   * drained queue's files must not crowd the thread pool the mail needs).
   */
  #trim(): void {
    if (this.#trimming) return;
    const due = (s: Spare | undefined): s is Spare => !!s && s.since < performance.now() - SPARE_MAX_AGE_MS;
    if (!due(this.#spares.peek())) return;
    this.#trimming = true;
    void (async () => {
      try {
        while (due(this.#spares.peek())) await unlink(this.#spares.shift()!.path).catch(() => undefined);
      } finally {
        this.#trimming = false;
      }
    })();
  }

  /** Opens files ahead in the background; a disk that refuses leaves the next write to open its own (and fail there). */
  #refill(): void {
    if (this.#filling || this.#closed) return;
    this.#filling = true;
    void (async () => {
      try {
        while (!this.#closed && this.#ready.length < AHEAD) {
          const t = await this.#openOne();
          if (this.#closed) {
            await t.fh.close().catch(() => undefined);
            await unlink(t.path).catch(() => undefined);
            return;
          }
          this.#ready.push(t);
        }
      } catch {
        // Nothing to report here: the write that needs a file opens one itself and says why it cannot.
      } finally {
        this.#filling = false;
      }
    })();
  }
}
