// Directories that survive a power cut: a new directory's entry lives in its parent, which is
// only on disk once the parent is fsynced (a file fsync does not make its directories durable).
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/** Makes the entries of `dir` (creations, renames, unlinks made so far) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * `mkdir -p` whose result survives a power cut: the parent of every level it creates is
 * fsynced, top down. When nothing is created the parent is fsynced anyway: the directory may
 * be left over from a run that crashed between its mkdir and that fsync. Start-up cost only.
 */
export async function makeDurableDir(dir: string, mode = 0o700): Promise<void> {
  const target = path.resolve(dir);
  const first = await mkdir(target, { recursive: true, mode });
  const levels: string[] = [];
  for (let d = target; ; d = path.dirname(d)) {
    levels.unshift(d);
    if (first === undefined || d === path.resolve(first) || d === path.dirname(d)) break;
  }
  for (const level of levels) await fsyncDir(path.dirname(level));
}
