// A lowdb adapter that makes writes durable: temp file, fsync, rename, fsync of the directory.
// lowdb's own JSONFile renames atomically but never fsyncs (traps.md).
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

export class CorruptFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file} is not valid JSON (${reason})`);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeFileDurably(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

export class DurableJSONFile<T> implements Adapter<T> {
  #chain: Promise<void> = Promise.resolve();
  constructor(readonly file: string, readonly durable = true) {}

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
    const next = this.#chain.then(() => (this.durable ? writeFileDurably(this.file, text) : writeQuick(this.file, text)));
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

async function writeQuick(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}
