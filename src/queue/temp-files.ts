// Temporary spool files opened ahead of need: a message's durable write starts at once instead
// of first waiting for an open, which was one of the five thread-pool round trips between the
// end of DATA and the 250, and the slowest of them under load. They live in `spool/incoming/`
// and are renamed into their bucket once written; whatever is left there after a stop or a
// crash was never acknowledged (its sender got no 250) and is removed at start.
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface TempFile {
  fh: FileHandle;
  path: string;
}

export class TempFiles {
  readonly #ready: TempFile[] = [];
  #seq = 0;
  #filling = false;
  #closed = false;

  constructor(
    readonly dir: string,
    /** open(2) flags of every file (the spool's durable-write flags). */
    readonly flags: number,
    /** Files kept open ahead. */
    readonly ahead = 8,
  ) {}

  /** Makes the directory and removes what an earlier run left in it. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.dir)) await unlink(path.join(this.dir, name)).catch(() => undefined);
  }

  /** An open, empty file: one opened ahead, else a new one. */
  async take(): Promise<TempFile> {
    const ready = this.#ready.shift();
    this.#refill();
    return ready ?? this.#openOne();
  }

  /** Closes and removes the files opened ahead (none is taken after this). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#ready.splice(0)) {
      await t.fh.close().catch(() => undefined);
      await unlink(t.path).catch(() => undefined);
    }
  }

  #openOne(): Promise<TempFile> {
    const file = path.join(this.dir, `${++this.#seq}.tmp`);
    return open(file, this.flags, 0o600).then((fh) => ({ fh, path: file }));
  }

  /** Opens files ahead in the background; a disk that refuses leaves the next write to open its own (and fail there). */
  #refill(): void {
    if (this.#filling || this.#closed) return;
    this.#filling = true;
    void (async () => {
      try {
        while (!this.#closed && this.#ready.length < this.ahead) {
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
