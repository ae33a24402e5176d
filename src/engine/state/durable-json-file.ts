// A lowdb adapter that makes writes durable: temp file, fsync, rename, fsync of the directory.
// lowdb's own JSONFile renames atomically but never fsyncs (traps.md).
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { fsyncDir } from '../fs/durable-dir.js';

export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file} is not valid JSON (${reason})`);
  }
}

/**
 * Replaces `file` atomically with its content fsynced. `syncDir` false leaves the rename to
 * be made durable by the caller's own fsync of the directory (one for many files);
 * `syncFile` false skips the file's fsync too (content a restart can rebuild otherwise).
 */
export async function writeFileDurably(file: string, data: string | Buffer, syncDir = true, syncFile = true): Promise<void> {
  const tmp = tempNameFor(file);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      if (syncFile) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    // A full disk must not leave half-written temp files eating the space that is left.
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  if (syncDir) await fsyncDir(path.dirname(file));
}

/**
 * `.<name>.<pid>-<random>.tmp` beside the file: unique per writer, so two processes (or two
 * writes) never share a temp file, and one that crashed leaves its own, removed at start.
 */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Removes temp files `tempNameFor` made for files of `dir` (call with the data dir lock held). */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!/^\..+\.tmp$/.test(name)) continue;
    await unlink(path.join(dir, name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

export class DurableJSONFile<T> implements Adapter<T> {
  #chain: Promise<void> = Promise.resolve();
  /** Whether the next write is fsynced (the queue state skips it for what the spool rebuilds). */
  syncFile = true;
  /** `syncDir` false: the caller fsyncs the directory after a batch of writes. */
  constructor(
    readonly file: string,
    readonly syncDir = true,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new CorruptFileError(this.file, (e as Error).message);
    }
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    // Writes to one file are serialized so an older snapshot never lands after a newer one.
    const syncFile = this.syncFile;
    const next = this.#chain.then(() => writeFileDurably(this.file, text, this.syncDir, syncFile));
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
