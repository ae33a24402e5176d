// Files that did not parse are moved aside as `<name>.corrupt-<ms>` for an operator to look at,
// and only the newest few are kept per directory: repeated damage must not fill the disk.
import { readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Moved-aside files kept per directory (the newest; older ones are removed). */
export const CORRUPT_FILES_KEPT = 5;

const CORRUPT_NAME = /\.corrupt-(\d+)$/;

/** Renames `file` aside; returns the new name (without the directory). */
export async function moveAside(file: string, now = Date.now()): Promise<string> {
  const aside = `${file}.corrupt-${now}`;
  await rename(file, aside);
  return path.basename(aside);
}

/**
 * Removes all but the newest `keep` moved-aside files of `dir` whose original name matches
 * `original`; returns how many are left. A file that cannot be removed is counted as left.
 */
export async function pruneCorrupt(dir: string, original: RegExp, keep = CORRUPT_FILES_KEPT): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: { name: string; at: number }[] = [];
  for (const name of names) {
    const m = CORRUPT_NAME.exec(name);
    if (m && original.test(name.slice(0, m.index))) found.push({ name, at: Number(m[1]) });
  }
  found.sort((a, b) => b.at - a.at || (a.name < b.name ? 1 : -1));
  let left = Math.min(found.length, keep);
  for (const { name } of found.slice(keep)) {
    await unlink(path.join(dir, name)).then(
      () => undefined,
      () => left++,
    );
  }
  return left;
}
