// One engine per data dir: a kernel lock (an open-file-description lock on `esa.lock`, through
// fs-native-extensions) taken before anything of the data dir is read. The kernel drops it
// when its holder dies, however it dies, so there is no stale-lock protocol to get wrong; the
// file only carries the holder's pid for the message a second engine prints.
import { connect } from 'node:net';
import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import fsx from 'fs-native-extensions';
import { StartRefusedError } from './start-refused-error.js';

export { StartRefusedError };

export class DataDirBusyError extends StartRefusedError {}

/** Whether something answers on a Unix socket path. */
export function socketAnswers(socketPath: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(timeoutMs, () => done(false));
  });
}

export class DataDirLock {
  readonly file: string;
  #fh: FileHandle | null = null;

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, 'esa.lock');
  }

  get held(): boolean {
    return this.#fh !== null;
  }

  /**
   * Takes the lock or throws DataDirBusyError at once. Writes nothing before it holds it (a
   * losing engine touches nothing but may create an empty `esa.lock`). A holder unlinks the
   * file when it stops, so after locking the file is checked to still be the one at the path:
   * one opened just before that unlink is a dead inode and is tried again.
   */
  async acquire(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const fh = await open(this.file, 'a+', 0o600);
      let locked = false;
      try {
        locked = fsx.tryLock(fh.fd);
      } catch (e) {
        await fh.close();
        throw e;
      }
      if (!locked) {
        await fh.close();
        throw await this.#busy();
      }
      if (!(await this.#isCurrent(fh))) {
        await fh.close();
        continue;
      }
      this.#fh = fh;
      // The pid is for people and for the message above; a full disk may refuse it: no matter.
      await fh
        .truncate(0)
        .then(() => fh.write(`${process.pid}\n`, 0))
        .catch(() => undefined);
      // A lock file someone deleted lets a second engine lock a new file: the first engine's
      // control socket still answers, and that is checked too, before anything is read.
      if (await socketAnswers(path.join(this.dataDir, 'esa.sock'))) {
        await this.release();
        throw await this.#busy(' (its control socket answers)');
      }
      return;
    }
    throw new DataDirBusyError(`cannot lock ${this.dataDir}: another engine is starting and stopping on it`);
  }

  /**
   * Checks the lock file is still the one held (someone may have removed it); if not, takes a
   * new one. Returns a warning line when something was wrong, else undefined.
   */
  async verify(): Promise<string | undefined> {
    const fh = this.#fh;
    if (!fh || (await this.#isCurrent(fh))) return undefined;
    try {
      const fresh = await open(this.file, 'a+', 0o600);
      if (!fsx.tryLock(fresh.fd)) {
        await fresh.close();
        return `the data dir lock ${this.file} was replaced and is held by another process: stop the other engine`;
      }
      await fresh.write(`${process.pid}\n`).catch(() => undefined);
      this.#fh = fresh;
      await fh.close();
      return `the data dir lock ${this.file} had been removed; it was taken again`;
    } catch (e) {
      return `the data dir lock ${this.file} had been removed and cannot be taken again: ${(e as Error).message}`;
    }
  }

  async release(): Promise<void> {
    const fh = this.#fh;
    if (!fh) return;
    this.#fh = null;
    // Unlinked while still held (see acquire), then the close drops the kernel lock.
    if (await this.#isCurrent(fh)) await unlink(this.file).catch(() => undefined);
    await fh.close().catch(() => undefined);
  }

  async #isCurrent(fh: FileHandle): Promise<boolean> {
    const [held, atPath] = await Promise.all([fh.stat(), stat(this.file).catch(() => null)]);
    return atPath !== null && atPath.ino === held.ino && atPath.dev === held.dev;
  }

  async #busy(why?: string): Promise<DataDirBusyError> {
    const pid = why ? undefined : await lockHolder(this.file);
    const who = why ?? (pid ? ` (pid ${pid})` : '');
    return new DataDirBusyError(`another engine${who} is running on ${this.dataDir}: stop it first, or start this one with another --data-dir`);
  }
}

/** The pid written in a lock file, if any (for messages). */
export async function lockHolder(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
