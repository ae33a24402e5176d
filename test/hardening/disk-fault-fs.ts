// A disk that says no, in this process: wraps node:fs/promises (and its FileHandle) so writes
// under one directory fail with ENOSPC (a full disk: data writes fail, unlinks and renames
// work) or EROFS (read-only: every change fails). The engine's code is unchanged: ESM bindings
// of built-in modules follow their CommonJS exports after `syncBuiltinESMExports()`, as in
// test/helpers/power-loss-fs.ts. Files opened by number through node:fs's callback API (the
// spool's, src/engine/fs/raw-file.ts) are followed by descriptor. For the unit form of the full-disk
// tests (no mount needed).
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

type FsPromises = typeof import('node:fs/promises');
const fsp = createRequire(import.meta.url)('node:fs/promises') as FsPromises;
const fsCallbacks = createRequire(import.meta.url)('node:fs') as unknown as Record<string, (...args: unknown[]) => void>;
type Done = (e: NodeJS.ErrnoException | null, ...results: unknown[]) => void;

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
  /** Descriptors opened under root through the callback API, until closed. */
  readonly #fds = new Set<number>();
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
    throw this.#error(syscall, p);
  }

  #error(syscall: string, p: string): NodeJS.ErrnoException {
    const code = this.mode!;
    this.injected++;
    return Object.assign(new Error(`${code}: ${MESSAGES[code]}, ${syscall} '${p}'`), { code, syscall, path: p, errno: code === 'ENOSPC' ? -28 : -30 });
  }

  /** The callback API on descriptors: what src/engine/fs/raw-file.ts calls. */
  #patchCallbacks(): void {
    const self = this;
    const wrap = (name: string, make: (orig: (...a: unknown[]) => void) => (...a: unknown[]) => void) => {
      const orig = fsCallbacks[name];
      fsCallbacks[name] = make(orig);
      this.#restore.push(() => (fsCallbacks[name] = orig));
    };
    wrap('open', (orig) => (p: unknown, ...rest: unknown[]) => {
      const done = rest.pop() as Done;
      if (self.mode === 'EROFS' && self.#under(p) && opensForWrite(rest[0])) return done(self.#error('open', p as string));
      orig(p, ...rest, (e: NodeJS.ErrnoException | null, fd: number) => {
        if (!e && self.#under(p)) self.#fds.add(fd);
        done(e, fd);
      });
    });
    for (const name of ['write', 'writev', 'ftruncate']) {
      wrap(name, (orig) => (fd: unknown, ...rest: unknown[]) => {
        if (self.mode && self.#fds.has(fd as number)) return (rest.pop() as Done)(self.#error(name, '(file descriptor)'));
        orig(fd, ...rest);
      });
    }
    wrap('close', (orig) => (fd: unknown, ...rest: unknown[]) => {
      self.#fds.delete(fd as number);
      orig(fd, ...rest);
    });
  }

  async #patch(): Promise<void> {
    const self = this;
    const wrap = <K extends keyof FsPromises>(name: K, make: (orig: FsPromises[K]) => FsPromises[K]) => {
      const orig = fsp[name];
      (fsp as Record<string, unknown>)[name] = make(orig);
      this.#restore.push(() => ((fsp as Record<string, unknown>)[name] = orig));
    };
    wrap(
      'open',
      (orig) =>
        (async (p: string, flags?: unknown, mode?: number) => {
          // A full disk still opens files (and creates empty ones); a read-only one refuses.
          if (self.mode === 'EROFS' && self.#under(p) && opensForWrite(flags)) self.#fail('open', p);
          const fh = await (orig as (...a: unknown[]) => Promise<FileHandle>)(p, flags, mode);
          if (self.#under(p)) self.#handles.add(fh);
          return fh;
        }) as FsPromises['open'],
    );
    for (const name of ['writeFile', 'appendFile', 'copyFile', 'truncate'] as const) {
      wrap(
        name,
        (orig) =>
          (async (p: string, ...rest: unknown[]) => {
            if (self.mode && self.#under(p)) self.#fail(name, p);
            return (orig as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
          }) as never,
      );
    }
    for (const name of ['rename', 'unlink', 'rm', 'mkdir', 'rmdir', 'link', 'symlink', 'chmod'] as const) {
      wrap(
        name,
        (orig) =>
          (async (p: string, ...rest: unknown[]) => {
            if (self.mode === 'EROFS' && self.#under(p)) {
              // mkdir -p of what exists changes nothing, even on a read-only file system.
              if (
                name === 'mkdir' &&
                (await fsp.stat(p).then(
                  () => true,
                  () => false,
                ))
              )
                return undefined;
              self.#fail(name, p);
            }
            return (orig as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
          }) as never,
      );
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
    this.#patchCallbacks();
    syncBuiltinESMExports();
  }
}
