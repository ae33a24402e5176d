// A power-loss model for tests: wraps node:fs/promises (and its FileHandle) in this process and
// records what each fsync made durable, so a test can ask what a power cut would leave on disk.
//
// The model is the strict one a database must assume (and the one LazyFS-style test file systems
// enforce): a file's content is durable only as of its last fsync (or a write through an O_DSYNC
// handle); a directory entry (a create, rename or unlink) only as of the last fsync of that
// directory; a directory exists after a power cut only if its parent was fsynced since its mkdir.
// Inodes are followed by number, so a rename that no fsync of the directory made durable leaves
// the old file (with its own durable content) in place, and a new file under a durable name
// comes back empty when its content was never fsynced.
//
// The engine's code is not changed for this: ESM bindings of built-in modules follow their
// CommonJS exports after `syncBuiltinESMExports()`, so the wrappers see every call it makes.
// Files opened by number through node:fs's callback API (src/engine/fs/raw-file.ts: open, writev,
// ftruncate, fdatasync, fsync, close) are followed by their descriptor.
import { constants, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

type FsPromises = typeof import('node:fs/promises');
const fsp = createRequire(import.meta.url)('node:fs/promises') as FsPromises;
const fsCallbacks = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/** The untouched functions (the model's own I/O goes through these). */
const real = { ...fsp };
const realCallbacks = { ...fsCallbacks };

type Done = (e: NodeJS.ErrnoException | null, ...results: unknown[]) => void;

interface FileNode {
  kind: 'file';
  /** Content as of the last fsync; null: never fsynced (a power cut leaves it empty). */
  durable: Buffer | null;
}
interface DirNode {
  kind: 'dir';
  /** Entries as of the last fsync of the directory. */
  durable: Map<string, Node>;
}
type Node = FileNode | DirNode;

/** A directory as a power cut leaves it: names to file contents or subdirectories. */
export type Image = Map<string, Buffer | Image>;

interface HandleInfo {
  path: string;
  dsync: boolean;
}

const HANDLE_WRITES = ['write', 'writev', 'writeFile', 'appendFile'] as const;
const HANDLE_SYNCS = ['sync', 'datasync'] as const;

function createsFile(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & constants.O_CREAT) !== 0;
  return typeof flags === 'string' && /[wa]/.test(flags);
}

const keyOf = (st: Stats) => `${st.dev}:${st.ino}`;

export class PowerLossModel {
  readonly root: string;
  readonly #nodes = new Map<string, Node>();
  readonly #handles = new WeakMap<FileHandle, HandleInfo>();
  /** Files opened by number (callback API), until closed. */
  readonly #fds = new Map<number, HandleInfo>();
  #rootNode!: DirNode;
  #restore: (() => void)[] = [];
  /** Called after every change to the file system the model sees (tests cut power here). */
  onOperation: (() => void) | null = null;
  /** Changes seen so far. */
  operations = 0;

  private constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * Starts watching everything under `root` (what is there already counts as durable).
   * Linux only: file content is read back through /proc/self/fd at fsync time.
   */
  static async install(root: string): Promise<PowerLossModel> {
    const model = new PowerLossModel(root);
    model.#rootNode = (await model.#scan(model.root)) as DirNode;
    await model.#patch();
    return model;
  }

  uninstall(): void {
    for (const undo of this.#restore.splice(0).reverse()) undo();
    syncBuiltinESMExports();
  }

  /** What a power cut now would leave under the root. */
  cut(): Image {
    return imageOf(this.#rootNode);
  }

  /** Writes an image out as a real directory tree (the disk after the power comes back). */
  static async materialize(image: Image, dir: string): Promise<void> {
    await real.mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [name, entry] of image) {
      const target = path.join(dir, name);
      if (entry instanceof Map) await PowerLossModel.materialize(entry, target);
      else await real.writeFile(target, entry, { mode: 0o600 });
    }
  }

  #inside(p: unknown): p is string {
    if (typeof p !== 'string') return false;
    const abs = path.resolve(p);
    return abs === this.root || abs.startsWith(this.root + path.sep);
  }

  #changed(): void {
    this.operations++;
    this.onOperation?.();
  }

  /** What exists under `p` now, all taken as durable (the state when the model starts). */
  async #scan(p: string): Promise<Node> {
    const st = await real.lstat(p);
    let node: Node;
    if (st.isDirectory()) {
      const durable = new Map<string, Node>();
      for (const name of await real.readdir(p)) {
        const child = await this.#scan(path.join(p, name)).catch(() => null);
        if (child) durable.set(name, child);
      }
      node = { kind: 'dir', durable };
    } else {
      node = { kind: 'file', durable: st.isFile() ? await real.readFile(p) : Buffer.alloc(0) };
    }
    this.#nodes.set(keyOf(st), node);
    return node;
  }

  /** A new inode at `p` (created just now): nothing of it is durable yet. */
  async #created(p: string): Promise<void> {
    const st = await real.lstat(p);
    this.#nodes.set(keyOf(st), st.isDirectory() ? { kind: 'dir', durable: new Map() } : { kind: 'file', durable: null });
  }

  /** The node of an inode found in a directory; one never seen is new (nothing durable). */
  #nodeOf(st: Stats): Node {
    const key = keyOf(st);
    let node = this.#nodes.get(key);
    if (!node || (node.kind === 'dir') !== st.isDirectory()) {
      node = st.isDirectory() ? { kind: 'dir', durable: new Map() } : { kind: 'file', durable: null };
      this.#nodes.set(key, node);
    }
    return node;
  }

  async #exists(p: string): Promise<boolean> {
    return real.lstat(p).then(
      () => true,
      () => false,
    );
  }

  /**
   * What an fsync of this handle makes durable, read before the real fsync runs (only what was
   * there before it started is surely covered); applied once it succeeds.
   */
  async #syncedState(fd: number, info: HandleInfo): Promise<() => void> {
    const st = await real.stat(`/proc/self/fd/${fd}`);
    const node = this.#nodeOf(st);
    if (node.kind === 'file') {
      const content = await real.readFile(`/proc/self/fd/${fd}`);
      return () => (node.durable = content);
    }
    const entries = new Map<string, Node>();
    for (const name of await real.readdir(info.path)) {
      const child = await real.lstat(path.join(info.path, name)).catch(() => null);
      if (child && (child.isFile() || child.isDirectory())) entries.set(name, this.#nodeOf(child));
    }
    return () => (node.durable = entries);
  }

  async #patch(): Promise<void> {
    const model = this;
    const replace = <K extends keyof FsPromises>(name: K, fn: FsPromises[K]) => {
      const original = fsp[name];
      (fsp as Record<string, unknown>)[name] = fn;
      this.#restore.push(() => ((fsp as Record<string, unknown>)[name] = original));
    };

    replace('open', (async (p: string, flags?: string | number, mode?: number) => {
      if (!model.#inside(p)) return real.open(p, flags, mode);
      const abs = path.resolve(p);
      const isNew = createsFile(flags) && !(await model.#exists(abs));
      const fh = await real.open(abs, flags, mode);
      if (isNew) await model.#created(abs);
      model.#handles.set(fh, { path: abs, dsync: typeof flags === 'number' && (flags & (constants.O_DSYNC ?? 0)) !== 0 });
      if (isNew) model.#changed();
      return fh;
    }) as FsPromises['open']);

    replace('mkdir', (async (p: string, options?: Parameters<FsPromises['mkdir']>[1]) => {
      if (!model.#inside(p)) return real.mkdir(p, options);
      const abs = path.resolve(p);
      const recursive = typeof options === 'object' && options !== null && options.recursive === true;
      const first = await real.mkdir(abs, options);
      const createdFrom = recursive ? first : abs;
      if (createdFrom !== undefined) {
        const levels: string[] = [];
        for (let d = abs; ; d = path.dirname(d)) {
          levels.unshift(d);
          if (d === path.resolve(createdFrom) || d === path.dirname(d)) break;
        }
        for (const level of levels) await model.#created(level);
        model.#changed();
      }
      return first;
    }) as FsPromises['mkdir']);

    // Path-based writers that may create the file.
    for (const name of ['writeFile', 'appendFile'] as const) {
      const original = real[name] as (p: unknown, ...rest: unknown[]) => Promise<void>;
      replace(name, (async (p: unknown, ...rest: unknown[]) => {
        if (!model.#inside(p)) return original(p, ...rest);
        const isNew = !(await model.#exists(p));
        await original(p, ...rest);
        if (isNew) await model.#created(p);
        model.#changed();
      }) as never);
    }
    replace('copyFile', (async (src: string, dest: string, mode?: number) => {
      if (!model.#inside(dest)) return real.copyFile(src, dest, mode);
      const isNew = !(await model.#exists(dest));
      await real.copyFile(src, dest, mode);
      if (isNew) await model.#created(dest);
      model.#changed();
    }) as FsPromises['copyFile']);

    // Changes to directory entries: durable only with the directory's fsync.
    for (const name of ['rename', 'unlink', 'rm', 'rmdir'] as const) {
      const original = real[name] as (...args: unknown[]) => Promise<void>;
      replace(name, (async (...args: unknown[]) => {
        await original(...args);
        if (model.#inside(args[0])) model.#changed();
      }) as never);
    }

    // FileHandle methods: fsyncs, and writes through O_DSYNC handles (durable on return).
    const probe = await real.open(this.root, 'r');
    const proto = Object.getPrototypeOf(probe) as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await probe.close();
    for (const name of HANDLE_SYNCS) {
      const original = proto[name];
      proto[name] = async function (this: FileHandle, ...args: unknown[]) {
        const info = model.#handles.get(this);
        if (!info) return original.apply(this, args);
        const apply = await model.#syncedState(this.fd, info);
        const result = await original.apply(this, args);
        apply();
        model.#changed();
        return result;
      };
      this.#restore.push(() => (proto[name] = original));
    }
    for (const name of HANDLE_WRITES) {
      const original = proto[name];
      proto[name] = async function (this: FileHandle, ...args: unknown[]) {
        const result = await original.apply(this, args);
        const info = model.#handles.get(this);
        if (info) {
          if (info.dsync) (await model.#syncedState(this.fd, info))();
          model.#changed();
        }
        return result;
      };
      this.#restore.push(() => (proto[name] = original));
    }
    this.#patchCallbacks();
    syncBuiltinESMExports();
  }

  /** The callback API on descriptors: what src/engine/fs/raw-file.ts calls. */
  #patchCallbacks(): void {
    const model = this;
    const fsMutable = fsCallbacks as unknown as Record<string, unknown>;
    const replace = (name: keyof typeof realCallbacks, fn: (...args: unknown[]) => void) => {
      const original = fsMutable[name];
      fsMutable[name] = fn;
      this.#restore.push(() => (fsMutable[name] = original));
    };
    const call = (name: keyof typeof realCallbacks, args: unknown[], done: Done) => (realCallbacks[name] as (...a: unknown[]) => void)(...args, done);

    replace('open', (p: unknown, ...rest: unknown[]) => {
      const done = rest.pop() as Done;
      if (!model.#inside(p)) return call('open', [p, ...rest], done);
      const flags = rest[0];
      const abs = path.resolve(p);
      void (async () => {
        const isNew = createsFile(flags) && !(await model.#exists(abs));
        call('open', [abs, ...rest], (e, fd) => {
          if (e) return done(e);
          void (async () => {
            if (isNew) await model.#created(abs);
            model.#fds.set(fd as number, { path: abs, dsync: typeof flags === 'number' && (flags & (constants.O_DSYNC ?? 0)) !== 0 });
            if (isNew) model.#changed();
            done(null, fd);
          })().catch((err: NodeJS.ErrnoException) => done(err));
        });
      })();
    });
    for (const name of ['write', 'writev'] as const) {
      replace(name, (fd: unknown, ...rest: unknown[]) => {
        const done = rest.pop() as Done;
        call(name, [fd, ...rest], (e, ...results) => {
          const info = model.#fds.get(fd as number);
          if (e || !info) return done(e, ...results);
          void (async () => {
            if (info.dsync) (await model.#syncedState(fd as number, info))();
            model.#changed();
            done(null, ...results);
          })().catch((err: NodeJS.ErrnoException) => done(err));
        });
      });
    }
    for (const name of ['fsync', 'fdatasync'] as const) {
      replace(name, (fd: unknown, done: unknown) => {
        const info = model.#fds.get(fd as number);
        if (!info) return call(name, [fd], done as Done);
        void model.#syncedState(fd as number, info).then(
          (apply) =>
            call(name, [fd], (e) => {
              if (!e) {
                apply();
                model.#changed();
              }
              (done as Done)(e);
            }),
          (err: NodeJS.ErrnoException) => (done as Done)(err),
        );
      });
    }
    replace('ftruncate', (fd: unknown, ...rest: unknown[]) => {
      const done = rest.pop() as Done;
      call('ftruncate', [fd, ...rest], (e) => {
        if (!e && model.#fds.has(fd as number)) model.#changed();
        done(e);
      });
    });
    replace('close', (fd: unknown, done: unknown) => {
      model.#fds.delete(fd as number);
      call('close', [fd], done as Done);
    });
  }
}

function imageOf(dir: DirNode): Image {
  const out: Image = new Map();
  for (const [name, node] of dir.durable) out.set(name, node.kind === 'dir' ? imageOf(node) : (node.durable ?? Buffer.alloc(0)));
  return out;
}

/** The files of an image (paths relative to it), for assertions and failure messages. */
export function listImage(image: Image, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, entry] of image) {
    const p = prefix ? `${prefix}/${name}` : name;
    if (entry instanceof Map) out.push(`${p}/`, ...listImage(entry, p));
    else out.push(p);
  }
  return out.sort();
}
