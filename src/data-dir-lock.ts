// One engine per data dir: a lock file holding the owner's pid. A lock or socket left by a
// crashed engine is stale and removed; a live owner makes the second engine refuse to start.
import { connect } from 'node:net';
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export class DataDirBusyError extends Error {}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
  #held = false;

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, 'esa.lock');
  }

  async acquire(): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(this.file, 'wx', 0o600);
        await fh.writeFile(String(process.pid));
        await fh.close();
        this.#held = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const pid = Number((await readFile(this.file, 'utf8').catch(() => '')).trim());
      if (processAlive(pid) && pid !== process.pid) {
        throw new DataDirBusyError(
          `another engine (pid ${pid}) is running on ${this.dataDir}: stop it first, or start this one with another --data-dir`,
        );
      }
      await unlink(this.file).catch(() => undefined); // stale: its engine is gone
    }
    throw new DataDirBusyError(`cannot lock ${this.dataDir}: another engine is starting on it`);
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    await unlink(this.file).catch(() => undefined);
  }
}
