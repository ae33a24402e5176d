// Strict modes, as Postfix and OpenSSH have them: the engine will not use a data dir that
// another user could change (move `queue/` away, put their own `esa.sock` in its place), and the
// CLI will not talk to a socket another user could have put there. A path is safe when it and
// every directory above it belong to this user or root and nobody else may write to them.
// A sticky directory (`/tmp`, mode 1777) is accepted as a parent: others may add entries there
// but cannot rename or remove ours (OpenSSH's own check stops at the home directory instead;
// a data dir under /tmp is too common to refuse).
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { StartRefusedError } from './start-refused-error.js';

export class UnsafePathError extends StartRefusedError {}

/** What `stat` says about one path, as far as these rules care. */
export interface OwnerAndMode {
  uid: number;
  mode: number;
  isDirectory: boolean;
  isSymbolicLink?: boolean;
}

const S_ISVTX = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

/**
 * Why `p` is unsafe for a process running as `euid`, or undefined when it is safe (pure).
 * `role` 'target' is the data dir itself (or the socket): no sticky exemption there.
 */
export function unsafeReason(p: string, st: OwnerAndMode, euid: number, role: 'target' | 'parent'): string | undefined {
  if (st.uid !== euid && st.uid !== 0) {
    return `${p} belongs to uid ${st.uid}, not to this user (uid ${euid}) or root: another user controls it; use a directory of your own, or \`chown ${euid} ${p}\``;
  }
  if ((st.mode & GROUP_OR_OTHER_WRITE) === 0) return undefined;
  if (role === 'parent' && st.isDirectory && (st.mode & S_ISVTX) !== 0) return undefined;
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  return `${p} is writable by ${st.mode & 0o002 ? 'other users' : 'its group'} (mode ${mode}): another user could replace what is in it; fix with \`chmod go-w ${p}\``;
}

async function ownerAndMode(p: string): Promise<OwnerAndMode | null> {
  try {
    const st = await lstat(p);
    return { uid: st.uid, mode: st.mode, isDirectory: st.isDirectory(), isSymbolicLink: st.isSymbolicLink() };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The process's effective uid (0 where there is none, e.g. Windows: nothing to check there). */
export function effectiveUid(): number {
  return process.geteuid?.() ?? 0;
}

/**
 * Checks `target` (which may not exist yet) and every directory above it, up to `/`, and
 * `inside` (names under target that exist: `queue`, `logs`...). Symbolic links in the path are
 * followed where they point, the link itself being checked as its parent directory allows.
 * Returns the first problem as one line, or undefined.
 */
export async function checkPathChain(
  target: string,
  inside: readonly string[] = [],
  euid = effectiveUid(),
  targetRole: 'target' | 'parent' = 'target',
): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const abs = path.resolve(target);
  for (const name of inside) {
    const p = path.join(abs, name);
    const st = await ownerAndMode(p);
    if (st && !st.isSymbolicLink) {
      const why = unsafeReason(p, st, euid, 'target');
      if (why) return why;
    }
  }
  let role = targetRole;
  for (let p = abs; ; p = path.dirname(p)) {
    const st = await ownerAndMode(p);
    if (st && !st.isSymbolicLink) {
      const why = unsafeReason(p, st, euid, role);
      if (why) return why;
    }
    if (st?.isSymbolicLink) {
      // The link's target must be safe too; its own parent is checked as the loop goes on.
      const why = await checkPathChain(await realpath(p), [], euid);
      if (why) return why;
    }
    role = 'parent';
    if (p === path.dirname(p)) return undefined;
  }
}

/** Refuses (UnsafePathError, one line) a data dir another user could change. */
export async function assertSafeDataDir(dataDir: string): Promise<void> {
  const why = await checkPathChain(dataDir, ['queue', 'queue/spool', 'queue/state', 'logs']);
  if (why) throw new UnsafePathError(`unsafe data dir: ${why}`);
}

/**
 * Whether the CLI may talk to the control socket at `socketPath`: it must be a socket owned by
 * this user or root, in directories only they can change (a sticky one such as /tmp is fine:
 * others cannot replace our entry there). Returns the problem as one line, or undefined
 * (also when nothing is there: connecting then says there is no engine).
 */
export async function checkSocketPath(socketPath: string, euid = effectiveUid()): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const p = path.resolve(socketPath);
  let st;
  try {
    st = await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!st.isSocket()) return `${p} is not a socket: nothing was sent`;
  if (st.uid !== euid && st.uid !== 0) {
    return `${p} belongs to uid ${st.uid}, not to this user (uid ${euid}) or root: another user may be listening there, nothing was sent; run the shell as the engine's user`;
  }
  const why = await checkPathChain(path.dirname(p), [], euid, 'parent');
  return why ? `${why} (the control socket's directory: nothing was sent)` : undefined;
}
