// A disk that says no, in this process: wraps node:fs/promises (and its FileHandle) so writes
// under one directory fail with ENOSPC (a full disk: data writes fail, unlinks and renames
// work) or EROFS (read-only: every change fails). The engine's code is unchanged: ESM bindings
// of built-in modules follow their CommonJS exports after `syncBuiltinESMExports()`, as in
// test/helpers/power-loss-fs.ts. For the unit form of the full-disk tests (no mount needed).
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

type FsPromises = typeof import('node:fs/promises');
const fsp = createRequire(import.meta.url)('node:fs/promises') as FsPromises;

export type DiskFault = 'ENOSPC' | 'EROFS';

const MESSAGES: Record<DiskFault, string> = { ENOSPC: 'no space left on device', EROFS: 'read-only file system' };

function opensForWrite(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & (constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC)) !== 0;
  return typeof flags === 'string' && /[wa+]/.test(flags);
}

export class DiskFaults {
  /** The fault in force now (null: the disk works). */
  mode: DiskFault | null = null;
  /** Calls that failed because of it. */
  injected = 0;
  readonly root: string;
  readonly #handles = new WeakSet<FileHandle>();
  readonly #restore: (() => void)[] = [];

  private constructor(root: string) {
    this.root = path.resolve(root);
  }

  static async install(root: string): Promise<DiskFaults> {
    const faults = new DiskFaults(root);
    await faults.#patch();
    return faults;
  }

  uninstall(): void {
    for (const undo of this.#restore.reverse()) undo();
    this.#restore.length = 0;
    syncBuiltinESMExports();
  }

  #under(p: unknown): boolean {
    if (typeof p !== 'string') return false;
    const abs = path.resolve(p);
    return abs === this.root || abs.startsWith(this.root + path.sep);
  }

  #fail(syscall: string, p: string): never {
    const code = this.mode!;
    this.injected++;
    throw Object.assign(new Error(`${code}: ${MESSAGES[code]}, ${syscall} '${p}'`), { code, syscall, path: p, errno: code === 'ENOSPC' ? -28 : -30 });
  }

  async #patch(): Promise<void> {
    const self = this;
    const wrap = <K extends keyof FsPromises>(name: K, make: (orig: FsPromises[K]) => FsPromises[K]) => {
      const orig = fsp[name];
      (fsp as Record<string, unknown>)[name] = make(orig);
      this.#restore.push(() => ((fsp as Record<string, unknown>)[name] = orig));
    };
    wrap('open', (orig) => (async (p: string, flags?: unknown, mode?: number) => {
      // A full disk still opens files (and creates empty ones); a read-only one refuses.
      if (self.mode === 'EROFS' && self.#under(p) && opensForWrite(flags)) self.#fail('open', p);
      const fh = await (orig as (...a: unknown[]) => Promise<FileHandle>)(p, flags, mode);
      if (self.#under(p)) self.#handles.add(fh);
      return fh;
    }) as FsPromises['open']);
    for (const name of ['writeFile', 'appendFile', 'copyFile', 'truncate'] as const) {
      wrap(name, (orig) => (async (p: string, ...rest: unknown[]) => {
        if (self.mode && self.#under(p)) self.#fail(name, p);
        return (orig as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
      }) as never);
    }
    for (const name of ['rename', 'unlink', 'rm', 'mkdir', 'rmdir', 'link', 'symlink', 'chmod'] as const) {
      wrap(name, (orig) => (async (p: string, ...rest: unknown[]) => {
        if (self.mode === 'EROFS' && self.#under(p)) {
          // mkdir -p of what exists changes nothing, even on a read-only file system.
          if (name === 'mkdir' && (await fsp.stat(p).then(() => true, () => false))) return undefined;
          self.#fail(name, p);
        }
        return (orig as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
      }) as never);
    }
    // FileHandle methods live on its prototype: patch them once, for the handles opened under root.
    const probe = await fsp.open(process.execPath, 'r');
    const proto = Object.getPrototypeOf(probe) as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await probe.close();
    for (const name of ['write', 'writev', 'writeFile', 'appendFile', 'truncate']) {
      const orig = proto[name];
      proto[name] = function (this: FileHandle, ...args: unknown[]) {
        if (self.mode && self.#handles.has(this)) {
          try {
            self.#fail(name, '(file handle)');
          } catch (e) {
            return Promise.reject(e);
          }
        }
        return orig.apply(this, args);
      };
      this.#restore.push(() => (proto[name] = orig));
    }
    syncBuiltinESMExports();
  }
}
