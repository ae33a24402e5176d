// The error a library seam (smtp-server, Ink) throws when the installed library no longer has
// the private part the seam relies on: one line naming the installed version and the pinned range.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export class LibraryShapeError extends Error {
  constructor(
    readonly library: string,
    readonly missing: string,
    readonly pinned: string,
  ) {
    super(`${library} ${installedVersion(library)} no longer has ${missing}; this build needs ${library} ${pinned} (npm ci)`);
    this.name = 'LibraryShapeError';
  }
}

/**
 * The installed version of a package, from its package.json (found by walking up from its entry
 * point: not every package exports `./package.json`). Read only when a seam fails.
 */
export function installedVersion(pkg: string): string {
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve(pkg));
    for (;;) {
      try {
        const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (json.name === pkg && json.version) return json.version;
      } catch {
        // No package.json at this level (or a partial one, like dist/esm's): go up.
      }
      const parent = path.dirname(dir);
      if (parent === dir) return '(unknown version)';
      dir = parent;
    }
  } catch {
    return '(not installed)';
  }
}
