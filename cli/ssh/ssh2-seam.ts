// The only module that loads ssh2 (lazily: `esa start` without --ssh never does). It uses
// ssh2's public API only (Server, utils.parseKey, utils.generateKeyPairSync) and checks that
// those are there, so an upgrade past the pinned range fails in one line, not mid-login.
import { LibraryShapeError } from '../../src/platform/library-shape.js';

/** The range package.json pins ssh2 to. */
export const SSH2_PIN = '~1.16';

export type Ssh2 = typeof import('ssh2');

const missing = (what: string) => new LibraryShapeError('ssh2', what, SSH2_PIN);

export function checkSsh2Shape(lib: unknown): Ssh2 {
  const l = lib as Partial<Ssh2> | null;
  if (typeof l?.Server !== 'function') throw missing('Server');
  if (typeof l.utils?.parseKey !== 'function') throw missing('utils.parseKey');
  if (typeof l.utils.generateKeyPairSync !== 'function') throw missing('utils.generateKeyPairSync');
  return l as Ssh2;
}

export async function loadSsh2(): Promise<Ssh2> {
  const mod = (await import('ssh2')) as Ssh2 & { default?: Ssh2 };
  // A CommonJS package: its exports are the default export under ESM.
  return checkSsh2Shape(mod.default ?? mod);
}
