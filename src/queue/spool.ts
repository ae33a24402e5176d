// Spool files: one per message, the truth for what is queued. Written to a temporary name
// opened with O_DSYNC (the write returns once data and size are on disk, as write+fdatasync
// would), renamed, and the directory fsynced (shared by concurrent writers: group commit)
// before the listener may answer 250. Every call here is a round trip through libuv's thread
// pool, and on a busy engine the round trips, not the disk, are what the main thread pays
// for (see docs/benchmarks.md): so there are as few as durability allows.
import { constants } from 'node:fs';
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { makeDurableDir } from '../fs/durable-dir.js';
import type { Envelope } from './message.js';

/** Create, truncate, and make each write durable before it returns (where O_DSYNC exists). */
const O_DSYNC: number | undefined = constants.O_DSYNC;
const DURABLE_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (O_DSYNC ?? 0);

/**
 * Coalesces directory fsyncs: callers that arrive while one runs share the next one. The
 * directory stays open while syncs follow each other, and is closed once none is waiting.
 */
class DirectorySync {
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #handle: FileHandle | null = null;
  constructor(readonly dir: string) {}

  sync(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#syncOnce().finally(() => {
        this.#running = null;
        if (!this.#next) void this.#closeHandle();
      });
      return this.#running;
    }
    if (!this.#next) {
      this.#next = this.#running
        .catch(() => undefined)
        .then(() => {
          this.#next = null;
          return this.sync();
        });
    }
    return this.#next;
  }

  async #syncOnce(): Promise<void> {
    this.#handle ??= await open(this.dir, 'r');
    try {
      await this.#handle.sync();
    } catch (e) {
      await this.#closeHandle();
      throw e;
    }
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }
}

export class Spool {
  readonly dir: string;
  readonly #dirSync: DirectorySync;

  constructor(queueDir: string) {
    this.dir = path.join(queueDir, 'spool');
    this.#dirSync = new DirectorySync(this.dir);
  }

  async open(): Promise<void> {
    await makeDurableDir(this.dir);
  }

  /**
   * Makes the unlinks done so far durable (shares the writers' directory fsync). Removals are
   * not synced one by one: the queue state waits for this before it forgets their messages.
   */
  syncDir(): Promise<void> {
    return this.#dirSync.sync();
  }

  file(mid: number): string {
    return path.join(this.dir, `${mid}.msg`);
  }

  /** Writes envelope + content durably. Resolves only when a crash can no longer lose it. */
  async write(envelope: Envelope, content: Buffer[]): Promise<number> {
    const header = Buffer.from(JSON.stringify(envelope) + '\n');
    const final = this.file(envelope.mid);
    const tmp = final + '.tmp';
    const fh = await open(tmp, DURABLE_WRITE, 0o600);
    let size = 0;
    try {
      const parts = [header, ...content];
      for (const p of parts) size += p.length;
      const { bytesWritten } = await fh.writev(parts);
      if (bytesWritten !== size) throw new Error(`short write to ${tmp} (${bytesWritten} of ${size} bytes)`);
      if (O_DSYNC === undefined) await fh.datasync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    await rename(tmp, final);
    await this.#dirSync.sync();
    return size - header.length;
  }

  /** The message content as delivered (without the envelope line). */
  async readContent(mid: number): Promise<Buffer> {
    const data = await readFile(this.file(mid));
    const nl = data.indexOf(0x0a);
    return data.subarray(nl + 1);
  }

  async readEnvelope(mid: number): Promise<{ envelope: Envelope; size: number }> {
    const data = await readFile(this.file(mid));
    const nl = data.indexOf(0x0a);
    if (nl < 0) throw new Error(`spool file ${mid}.msg has no envelope line`);
    const envelope = JSON.parse(data.subarray(0, nl).toString('utf8')) as Envelope;
    return { envelope, size: data.length - nl - 1 };
  }

  async remove(mid: number): Promise<void> {
    await unlink(this.file(mid)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** Every spooled MID; half-written temporary files from a crash are removed. */
  async list(): Promise<number[]> {
    const names = await readdir(this.dir);
    const mids: number[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await unlink(path.join(this.dir, name)).catch(() => undefined);
        continue;
      }
      const m = /^(\d+)\.msg$/.exec(name);
      if (m) mids.push(Number(m[1]));
    }
    return mids.sort((a, b) => a - b);
  }
}
