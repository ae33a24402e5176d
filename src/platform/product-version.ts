// The product's version, read once from package.json (found from this file, in the sources
// or in dist/), for `version` and the control protocol's hello.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function productVersion(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'esa-sim' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here: look one level up
    }
    dir = path.dirname(dir);
  }
  return (cached = 'unknown');
}
