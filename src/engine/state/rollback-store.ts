// The configurations saved for `rollbackconfig`: one durable file per saved commit in
// `<data dir>/rollback/<number>.json`, the newest ROLLBACK_KEPT offered (one more file may
// wait on disk for the commit being written).
//
// A point is written before its commit's config.json, and counts only once a commit record
// in the running configuration names its number: a crash between the two leaves a file that
// is never listed (and is pruned by the next save), never a point for a commit that did not
// happen.
import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { makeDurableDir } from '../fs/durable-dir.js';
import { ROLLBACK_KEPT, type RollbackPoint } from '../../model/rollback.js';
import { writeFileDurably } from './durable-json-file.js';

const FILE = /^(\d+)\.json$/;

export class RollbackStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'rollback');
  }

  async #numbers(): Promise<number[]> {
    try {
      return (await readdir(this.dir)).flatMap((f) => {
        const m = FILE.exec(f);
        return m ? [Number(m[1])] : [];
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /**
   * Saves a point (the number must be new: above every file and every commit record) and
   * removes the files no commit refers to and those beyond the newest ROLLBACK_KEPT.
   */
  async save(point: RollbackPoint, referenced: ReadonlySet<number>): Promise<void> {
    await makeDurableDir(this.dir);
    await writeFileDurably(path.join(this.dir, `${point.number}.json`), `${JSON.stringify(point)}\n`);
    // The newest ROLLBACK_KEPT named ones stay as well as the new one: until its commit is
    // written the new point is not named, and a commit that fails must not cost an old point.
    const keep = new Set(
      [...referenced]
        .filter((n) => n !== point.number)
        .sort((a, b) => b - a)
        .slice(0, ROLLBACK_KEPT),
    );
    keep.add(point.number);
    for (const n of await this.#numbers()) {
      if (!keep.has(n)) await unlink(path.join(this.dir, `${n}.json`)).catch(() => undefined);
    }
  }

  /** The next unused number. */
  async nextNumber(referenced: ReadonlySet<number>): Promise<number> {
    return Math.max(0, ...(await this.#numbers()), ...referenced) + 1;
  }

  /** The saved points a commit refers to, newest first, at most ROLLBACK_KEPT; unreadable files are skipped. */
  async list(referenced: ReadonlySet<number>): Promise<RollbackPoint[]> {
    const numbers = (await this.#numbers())
      .filter((n) => referenced.has(n))
      .sort((a, b) => b - a)
      .slice(0, ROLLBACK_KEPT);
    const points: RollbackPoint[] = [];
    for (const n of numbers) {
      try {
        const p = JSON.parse(await readFile(path.join(this.dir, `${n}.json`), 'utf8')) as RollbackPoint;
        if (p && p.number === n && p.config && Array.isArray(p.config.listeners)) points.push(p);
      } catch {
        // A file a crash cut short (it is written by rename, so only by outside damage): not offered.
      }
    }
    return points;
  }
}
