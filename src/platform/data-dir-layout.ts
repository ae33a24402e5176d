// What the engine keeps in its data dir, file or directory: a directory where a file belongs (or
// a file where a directory belongs) stops the start with one line that names it, before the lock
// is taken or anything read, instead of a bare `EISDIR: illegal operation on a directory, read`.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StartRefusedError } from './start-refused-error.js';

/** Entries that must be files when they exist. */
const FILES = ['config.json', 'config.json.bak', 'alerts.json', 'esa.lock', 'history', 'logs/mail_logs', 'logs/error_logs'];
/** Entries that must be directories when they exist (parents before children). */
const DIRECTORIES = ['logs', 'queue', 'queue/spool', 'queue/state', 'queue/corrupt', 'keys', 'rollback', 'configuration'];

export class DataDirLayoutError extends StartRefusedError {}

/** A path is in the way: one line with the path and what to do. */
export function wrongKind(p: string, found: 'directory' | 'file'): string {
  return found === 'directory'
    ? `${p} is a directory, where the engine keeps a file: move it out of the way (or start on another --data-dir)`
    : `${p} is not a directory, where the engine keeps a directory: move it out of the way (or start on another --data-dir)`;
}

async function kindOf(p: string): Promise<'directory' | 'file' | undefined> {
  try {
    return (await stat(p)).isDirectory() ? 'directory' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file, which its own check reports.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Throws a DataDirLayoutError for the first entry of the wrong kind. */
export async function assertDataDirLayout(dataDir: string): Promise<void> {
  for (const name of DIRECTORIES) {
    const p = path.join(dataDir, name);
    if ((await kindOf(p)) === 'file') throw new DataDirLayoutError(wrongKind(p, 'file'));
  }
  for (const name of FILES) {
    const p = path.join(dataDir, name);
    if ((await kindOf(p)) === 'directory') throw new DataDirLayoutError(wrongKind(p, 'directory'));
  }
}

/**
 * A file system error at start in one line that names its path (EISDIR, EEXIST, ENOTDIR carry
 * it in `path`); undefined for other errors.
 */
export function pathErrorLine(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err.path !== 'string') return undefined;
  if (err.code === 'EISDIR') return wrongKind(err.path, 'directory');
  if (err.code === 'EEXIST' && err.syscall === 'mkdir') return wrongKind(err.path, 'file');
  if (err.code === 'ENOTDIR') return `${err.path}: a part of this path is a file, where the engine keeps a directory: move it out of the way`;
  return undefined;
}
