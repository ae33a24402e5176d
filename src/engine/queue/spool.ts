// Spool files: one per message, the truth for what is queued. Made durable before the listener
// may answer 250: usually by one durable write into a file already placed, durably, at the
// message's name (placed-files.ts); else written to a temporary name, made durable, renamed, and
// the directory fsynced (shared by concurrent writers: group commit). Every call here is a round
// trip through libuv's thread pool, and on a busy engine the round trips, not the disk, are what
// the main thread pays for (see docs/benchmarks.md): so there are as few as durability allows.
//
// Layout: the envelope as one JSON line (with `"spool":2`), the content, then a line of its own
// `ESA-END size=<bytes> crc32=<hex>`: a file cut short or damaged fails the check and is moved to
// `queue/corrupt/` instead of being delivered half. Files of version 1 (no trailer) still read.
// Files live in bucket directories, `spool/<bucket>/<mid>.msg` (buckets.ts); a spool of the flat
// layout (`spool/<mid>.msg`, before bucket directories) is moved into them at start. A delivered
// message's file is not unlinked but overwritten by a later message (temp-files.ts).
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { fsyncDir, makeDurableDir } from '../fs/durable-dir.js';
import { RawFile } from '../fs/raw-file.js';
import { bucketOf } from './buckets.js';
import { PlacedFiles, type PlacedFile } from './placed-files.js';
import { SPARE_MAX, SPARE_MAX_BYTES, TempFiles, type SpareFile } from './temp-files.js';
import type { Envelope } from './message.js';

/** Create, truncate, and make each write durable before it returns (where O_DSYNC exists). */
const O_DSYNC: number | undefined = constants.O_DSYNC;
const DURABLE_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (O_DSYNC ?? 0);
/** A spare file (a delivered message's, temp-files.ts) overwritten in place: no create, no truncate. */
const REUSE_WRITE = constants.O_WRONLY | (O_DSYNC ?? 0);
/** For content written in pieces: one fdatasync at the end instead of one per piece. */
const PLAIN_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;

/** Content kept in memory until it passes this; then it goes to the spool file as it arrives. */
export const SPILL_BYTES = 128 * 1024;

/** What the header fields (Message-ID, Subject) are read from. */
const HEAD_BYTES = 64 * 1024;
const SPOOL_VERSION = 2;
const TRAILER = /^ESA-END size=(\d+) crc32=([0-9a-f]{8})$/;

/** A spool file that fails its check: cut short, damaged, or no envelope line. */
export class SpoolDamagedError extends Error {
  constructor(
    readonly mid: number,
    readonly reason: string,
  ) {
    super(`spool file ${mid}.msg is damaged (${reason})`);
  }
}

function trailer(size: number, crc: number): Buffer {
  return Buffer.from(`\nESA-END size=${size} crc32=${(crc >>> 0).toString(16).padStart(8, '0')}\n`);
}

/** A spool file's length for this envelope line and content size: envelope line, content, trailer. */
function fileBytes(header: Buffer, size: number): number {
  return header.length + size + trailer(size, 0).length;
}

function headerLine(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify({ spool: SPOOL_VERSION, ...envelope }) + '\n');
}

/**
 * Whether a file in a bucket is a placed one (placed-files.ts) that no message took: empty (a new
 * file), or whole or in part a delivered message's, whose envelope line names another MID. A
 * message's own file names its MID in the same durable write that holds its content, so such a
 * file never held this MID's message: it is removed, neither queued nor set aside as damaged.
 */
export function placedLeftover(mid: number, data: Buffer): boolean {
  if (data.length === 0) return true;
  const nl = data.indexOf(0x0a);
  if (nl < 0) return false;
  try {
    const named = (JSON.parse(data.subarray(0, nl).toString('utf8')) as { mid?: unknown }).mid;
    return typeof named === 'number' && named !== mid;
  } catch {
    return false;
  }
}

/** Splits and checks a spool file's bytes: the envelope and the content, or SpoolDamagedError. */
export function parseSpoolFile(mid: number, data: Buffer): { envelope: Envelope; content: Buffer } {
  const nl = data.indexOf(0x0a);
  if (nl < 0) throw new SpoolDamagedError(mid, 'no envelope line');
  let parsed: Envelope & { spool?: number };
  try {
    parsed = JSON.parse(data.subarray(0, nl).toString('utf8')) as Envelope & { spool?: number };
  } catch {
    throw new SpoolDamagedError(mid, 'the envelope line does not parse');
  }
  const { spool: version, ...envelope } = parsed;
  if (version === undefined) return { envelope, content: data.subarray(nl + 1) }; // version 1: no check
  // The trailer is the last line; the newline before it is ours, not the content's.
  const end = data.length - 1;
  const start = data[end] === 0x0a ? data.lastIndexOf(0x0a, end - 1) : -1;
  const m = start > nl ? TRAILER.exec(data.subarray(start + 1, end).toString('latin1')) : null;
  if (!m) throw new SpoolDamagedError(mid, 'cut short: no end line');
  const content = data.subarray(nl + 1, start);
  if (content.length !== Number(m[1])) throw new SpoolDamagedError(mid, `content is ${content.length} bytes, ${m[1]} were written`);
  if ((crc32(content) >>> 0).toString(16).padStart(8, '0') !== m[2]) throw new SpoolDamagedError(mid, 'checksum mismatch');
  return { envelope, content };
}

/**
 * Coalesces directory fsyncs: callers that arrive while one runs share the next one. The
 * directory stays open while syncs follow each other, and is closed once none is waiting.
 */
class DirectorySync {
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #handle: FileHandle | null = null;
  /** Told when the next sync to start succeeds. */
  #watchers: (() => void)[] = [];
  constructor(readonly dir: string) {}

  /** Calls `done` once a sync that starts after this call succeeds; starts none itself. */
  afterNextSync(done: () => void): void {
    this.#watchers.push(done);
  }

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
    const watchers = this.#watchers;
    this.#watchers = [];
    try {
      this.#handle ??= await open(this.dir, 'r');
      await this.#handle.sync();
    } catch (e) {
      this.#watchers.unshift(...watchers);
      await this.#closeHandle();
      throw e;
    }
    for (const done of watchers) done();
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }
}

/** A delivered message's file on its way to be reused (Spool.remove), with its handle if still open. */
interface Leaving extends SpareFile {
  bucket: number;
}

/**
 * Handles of files written lately, kept open (the oldest closed past this many): a message
 * delivered while its handle is open (relaying) is reused without an open, a stat or a close.
 */
const KEPT_OPEN = 64;

/** What a message being received needs once its MID is taken: the envelope and the Received: header. */
export interface SpoolStart {
  envelope: Envelope;
  /** Content the appliance puts before the client's (the Received: header). */
  prefix: Buffer;
}

/** A message written durably: its envelope, content size, and the content when it was kept in memory. */
export interface Spooled {
  envelope: Envelope;
  size: number;
  parts?: Buffer[];
}

/**
 * A message arriving in pieces (a listener's DATA). Small ones stay in memory and are written
 * in one durable write at the end (the common case costs what it did before streaming); past
 * SPILL_BYTES the MID is taken (`start`), the file opened, and each piece written as it comes:
 * memory per message stays near SPILL_BYTES whatever its size.
 */
export class IncomingMessage {
  #parts: Buffer[] = [];
  #size = 0;
  #spilled = false;
  #start: SpoolStart | undefined;
  #file: { fh: FileHandle; tmp: string } | undefined;
  #crc = 0;
  #written = 0;
  #writing: Promise<void> = Promise.resolve();
  #error: unknown;
  #closed = false;

  constructor(
    readonly spool: Spool,
    /** Takes the MID (or uses `mid`, a placed file's) and makes the envelope; may be called again to size another MID. */
    readonly start: (head: Buffer, mid?: number) => SpoolStart,
  ) {}

  /** Bytes of the client's content so far. */
  get size(): number {
    return this.#size;
  }

  /** Takes a piece; returns a promise when the caller should wait for it to be written. */
  add(chunk: Buffer): Promise<void> | undefined {
    if (this.#closed || this.#error !== undefined) return undefined;
    this.#size += chunk.length;
    this.#parts.push(chunk);
    if (!this.#spilled && this.#size <= SPILL_BYTES) return undefined;
    this.#spilled = true;
    const parts = this.#parts;
    this.#parts = [];
    this.#writing = this.#writing
      .then(() => this.#spill(parts))
      .catch((e: unknown) => {
        this.#error ??= e;
      });
    return this.#writing;
  }

  async #spill(parts: Buffer[]): Promise<void> {
    if (this.#error !== undefined || this.#closed) return;
    if (!this.#file) {
      const start = this.#begin(parts);
      const tmp = this.spool.file(start.envelope.mid) + '.tmp';
      this.#file = { fh: await this.spool.openTemp(start.envelope.mid, tmp, PLAIN_WRITE), tmp };
      if (this.#closed) return;
      await this.#write([headerLine(start.envelope)], false);
      parts = [start.prefix, ...parts];
    }
    await this.#write(parts, true);
  }

  /** The MID and envelope, taken once (`mid`: a placed file's); the header fields are read from the first 64 KB. */
  #begin(parts: Buffer[], mid?: number): SpoolStart {
    if (this.#start) return this.#start;
    this.#start = this.start(this.#head(parts), mid);
    return this.#start;
  }

  #head(parts: Buffer[]): Buffer {
    let head = parts[0] ?? Buffer.alloc(0);
    if (parts.length > 1 && head.length < HEAD_BYTES) {
      const taken: Buffer[] = [];
      let n = 0;
      for (const p of parts) {
        taken.push(p);
        n += p.length;
        if (n >= HEAD_BYTES) break;
      }
      head = Buffer.concat(taken, n);
    }
    return head;
  }

  async #write(parts: Buffer[], content: boolean): Promise<void> {
    const { fh, tmp } = this.#file!;
    let size = 0;
    for (const p of parts) size += p.length;
    const { bytesWritten } = await fh.writev(parts);
    // A short write is how a file system that is filling up answers (ENOSPC comes on the next one).
    if (bytesWritten !== size) throw Object.assign(new Error(`short write to ${tmp} (${bytesWritten} of ${size} bytes)`), { code: 'ENOSPC' });
    if (!content) return;
    for (const p of parts) this.#crc = crc32(p, this.#crc);
    this.#written += size;
  }

  /** Makes the message durable; resolves once a crash can no longer lose it. */
  async finish(): Promise<Spooled> {
    if (this.#closed) throw new Error('the message was already finished or dropped');
    if (!this.#spilled) {
      this.#closed = true;
      // A file placed ahead at a MID's name, when one is ready: the write is all that is left.
      // It is chosen by the file's length, which the envelope for its MID tells; that envelope
      // and its line are kept when the file is this MID's (the usual case).
      let sized: { start: SpoolStart; header: Buffer } | undefined;
      const placed = this.spool.takePlaced((mid) => {
        const start = this.start(this.#head(this.#parts), mid);
        sized = { start, header: headerLine(start.envelope) };
        return fileBytes(sized.header, start.prefix.length + this.#size);
      });
      // Sized for this very MID (usually): its envelope and line are the message's.
      const mine = placed && sized?.start.envelope.mid === placed.mid ? sized : undefined;
      if (mine) this.#start = mine.start;
      let start: SpoolStart;
      try {
        start = this.#begin(this.#parts, placed?.mid);
      } catch (e) {
        if (placed) void this.spool.discardPlaced(placed);
        throw e;
      }
      const parts = [start.prefix, ...this.#parts];
      const size = await this.spool.write(start.envelope, parts, placed, mine?.header);
      return { envelope: start.envelope, size, parts };
    }
    await this.#writing;
    if (this.#error !== undefined) {
      await this.discard();
      throw this.#error;
    }
    this.#closed = true;
    const { fh, tmp } = this.#file!;
    const mid = this.#start!.envelope.mid;
    try {
      await this.#write([trailer(this.#written, this.#crc)], false);
      await fh.datasync();
      await fh.close();
      this.#file = undefined;
      await rename(tmp, this.spool.file(mid));
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await this.spool.syncBucket(mid);
    return { envelope: this.#start!.envelope, size: this.#written };
  }

  /** Drops the message (refused, or the client went away): its temporary file is removed. */
  async discard(): Promise<void> {
    this.#closed = true;
    this.#parts = [];
    await this.#writing.catch(() => undefined);
    const file = this.#file;
    this.#file = undefined;
    if (!file) return;
    await file.fh.close().catch(() => undefined);
    await unlink(file.tmp).catch(() => undefined);
  }
}

export class Spool {
  readonly dir: string;
  /** Where damaged spool files are moved (not queued, never delivered; kept for the operator). */
  readonly corruptDir: string;
  /** Bucket directories known to exist (their creation durable), or being created. */
  readonly #buckets = new Map<number, Promise<void>>();
  /** One group-commit directory sync per bucket written to. */
  readonly #dirSyncs = new Map<number, DirectorySync>();
  /** Buckets with removals not yet made durable. */
  #removedFrom = new Set<number>();
  /**
   * Files of delivered messages moved to `spool/incoming/`, reused once their leaving the bucket
   * is durable: by the next directory sync a writer of that bucket starts, or by `syncRemovals`.
   */
  #leaving = new Set<Leaving>();
  /** Handles of the latest files written, by MID, oldest first (KEPT_OPEN). */
  readonly #kept = new Map<number, { fh: RawFile; size: number }>();
  #corrupt = 0;

  /** Temporary files opened ahead for `write` (in `spool/incoming/`). */
  readonly #temps: TempFiles;
  /** Files placed ahead at upcoming MIDs' names (once `placeAhead` is called). */
  readonly #placed: PlacedFiles;
  /** The length of the last file written: spare files no longer than it are placed first. */
  #lastBytes = 4096;

  constructor(queueDir: string) {
    this.dir = path.join(queueDir, 'spool');
    this.corruptDir = path.join(queueDir, 'corrupt');
    this.#temps = new TempFiles(path.join(this.dir, 'incoming'), DURABLE_WRITE, REUSE_WRITE);
    this.#placed = new PlacedFiles({ place: (mid) => this.#place(mid), discard: (file) => this.discardPlaced(file) });
  }

  /**
   * Starts placing files ahead at the names of MIDs `reserve` hands out (placed-files.ts). The
   * engine calls it once its MID allocator is open; without it every write renames its file.
   */
  placeAhead(reserve: () => number | undefined): void {
    this.#placed.start(reserve);
  }

  /** A placed file for a message whose file will take `totalFor(mid)` bytes, if one is ready. */
  takePlaced(totalFor: (mid: number) => number): PlacedFile | undefined {
    return this.#placed.take(totalFor);
  }

  /** The MID the next message takes, when a placed file is ready (`status`'s current MID). */
  nextPlacedMid(): number | undefined {
    return this.#placed.next();
  }

  /** Files placed ahead: taken by messages so far, and ready now (for tests and diagnosis). */
  get placedFiles(): { taken: number; ready: number } {
    return { taken: this.#placed.taken, ready: this.#placed.ready };
  }

  /** Resolves once no file is being placed (the engine waits for the first ones before it listens). */
  placementsSettled(): Promise<void> {
    return this.#placed.settled();
  }

  /** A file opened ahead goes to the MID's name; resolves once the name is durable. */
  async #place(mid: number): Promise<Omit<PlacedFile, 'mid'>> {
    const t = await this.#temps.take(this.#lastBytes);
    try {
      await this.#inBucket(mid, () => rename(t.path, this.file(mid)));
    } catch (e) {
      await t.fh.close().catch(() => undefined);
      await unlink(t.path).catch(() => undefined);
      throw e;
    }
    try {
      await this.syncBucket(mid);
    } catch (e) {
      await t.fh.close().catch(() => undefined);
      await unlink(this.file(mid)).catch(() => undefined);
      throw e;
    }
    return { fh: t.fh, size: t.size, spare: t.spare };
  }

  /** Removes a placed file no message will take. */
  async discardPlaced(file: PlacedFile): Promise<void> {
    await file.fh.close().catch(() => undefined);
    await unlink(this.file(file.mid)).catch(() => undefined);
  }

  /** Makes the spool directory, moves files of the flat layout into buckets, and notes the buckets there are. */
  async open(): Promise<void> {
    await makeDurableDir(this.dir);
    this.#corrupt = (await readdir(this.corruptDir).catch(() => [] as string[])).filter((n) => n.endsWith('.msg')).length;
    const moved = new Set<number>();
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      const name = entry.name;
      if (entry.isDirectory()) {
        if (/^\d+$/.test(name)) this.#buckets.set(Number(name), Promise.resolve());
        continue;
      }
      if (name.endsWith('.tmp')) {
        await unlink(path.join(this.dir, name)).catch(() => undefined);
        continue;
      }
      const m = /^(\d+)\.msg$/.exec(name);
      if (!m) continue;
      const mid = Number(m[1]);
      await this.#ensureBucket(mid);
      await rename(path.join(this.dir, name), this.file(mid));
      moved.add(bucketOf(mid));
    }
    for (const bucket of moved) await fsyncDir(this.bucketDir(bucket));
    if (moved.size) await fsyncDir(this.dir);
    await this.#temps.open();
  }

  /** The bucket directories there are, oldest first (after `open`). */
  buckets(): number[] {
    return [...this.#buckets.keys()].sort((a, b) => a - b);
  }

  bucketDir(bucket: number): string {
    return path.join(this.dir, String(bucket));
  }

  /** Creates a bucket's directory durably, once (concurrent writers share the creation). */
  #ensureBucket(mid: number): Promise<void> {
    const bucket = bucketOf(mid);
    let made = this.#buckets.get(bucket);
    if (!made) {
      made = mkdir(this.bucketDir(bucket), { mode: 0o700 })
        .catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        })
        .then(() => fsyncDir(this.dir));
      made.catch(() => this.#buckets.delete(bucket));
      this.#buckets.set(bucket, made);
    }
    return made;
  }

  /** Opens a message's temporary file in its bucket. */
  openTemp(mid: number, tmp: string, flags: number): Promise<FileHandle> {
    return this.#inBucket(mid, () => open(tmp, flags, 0o600));
  }

  /**
   * Creates an entry in a message's bucket: the bucket is made first, and made again if it was
   * removed as empty meanwhile (the entry's call fails with ENOENT then: it is tried once more).
   */
  async #inBucket<T>(mid: number, create: () => Promise<T>): Promise<T> {
    await this.#ensureBucket(mid);
    try {
      return await create();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.#buckets.delete(bucketOf(mid));
      await this.#ensureBucket(mid);
      return await create();
    }
  }

  /** Makes the files written into a message's bucket so far durable (group commit). */
  syncBucket(mid: number): Promise<void> {
    return this.#syncOf(bucketOf(mid));
  }

  #syncOf(bucket: number): Promise<void> {
    return this.#dirSync(bucket).sync();
  }

  #dirSync(bucket: number): DirectorySync {
    let sync = this.#dirSyncs.get(bucket);
    if (!sync) {
      sync = new DirectorySync(this.bucketDir(bucket));
      this.#dirSyncs.set(bucket, sync);
    }
    return sync;
  }

  /** Files whose leaving their bucket is durable become spare (each once). */
  #release(files: Leaving[]): void {
    const spare = files.filter((file) => this.#leaving.delete(file));
    if (spare.length) this.#temps.addSpare(spare);
  }

  /**
   * Removes a bucket's directory once it is empty (its range is done). A bucket still being
   * written to is never asked for; one that is not empty stays.
   */
  async dropBucket(bucket: number): Promise<void> {
    try {
      await rmdir(this.bucketDir(bucket));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
      throw e;
    }
    this.#buckets.delete(bucket);
    this.#dirSyncs.delete(bucket);
    this.#removedFrom.delete(bucket);
  }

  /** Damaged spool files kept in `queue/corrupt/` (for `status`). */
  damagedFilesKept(): number {
    return this.#corrupt;
  }

  /**
   * Makes the removals done so far durable (shares the writers' directory fsyncs). Removals are
   * not synced one by one: the queue state waits for this before it forgets their messages.
   * A removed file becomes a spare to overwrite only now: overwritten while its old name could
   * still come back after a power cut, it would bring another message back under that name.
   */
  async syncRemovals(): Promise<void> {
    const buckets = this.#removedFrom;
    const leaving = [...this.#leaving];
    this.#removedFrom = new Set();
    for (const file of leaving) buckets.add(file.bucket);
    const failed = new Set<number>();
    /** Buckets removed as empty meanwhile (dropBucket): their files are unlinked, not reused. */
    const gone = new Set<number>();
    let error: unknown;
    await Promise.all(
      [...buckets].map((bucket) =>
        this.#syncOf(bucket).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT' && !this.#buckets.has(bucket)) gone.add(bucket);
          else {
            failed.add(bucket);
            error ??= e;
          }
        }),
      ),
    );
    const spare: Leaving[] = [];
    for (const file of leaving) {
      if (failed.has(file.bucket)) continue;
      if (!gone.has(file.bucket)) spare.push(file);
      else if (this.#leaving.delete(file)) {
        void file.fh?.close().catch(() => undefined);
        void unlink(file.path).catch(() => undefined);
      }
    }
    this.#release(spare);
    if (error !== undefined) {
      for (const bucket of failed) this.#removedFrom.add(bucket);
      throw error;
    }
  }

  file(mid: number): string {
    return path.join(this.dir, String(bucketOf(mid)), `${mid}.msg`);
  }

  /** A message that arrives in pieces; `start` takes its MID when it is first needed. */
  incoming(start: (head: Buffer, mid?: number) => SpoolStart): IncomingMessage {
    return new IncomingMessage(this, start);
  }

  /**
   * Writes envelope + content durably. Resolves only when a crash can no longer lose it. Into
   * `placed` (the envelope's MID's file, its name durable already) the durable write is all;
   * else a file opened ahead is written, renamed into its bucket, and the bucket fsynced.
   * `header`: the envelope's line when the caller made it already.
   */
  async write(envelope: Envelope, content: Buffer[], placed?: PlacedFile, header = headerLine(envelope)): Promise<number> {
    if (placed && placed.mid !== envelope.mid) throw new Error(`MID ${envelope.mid} cannot be written into the file placed for MID ${placed.mid}`);
    let size = 0;
    let crc = 0;
    for (const p of content) {
      size += p.length;
      crc = crc32(p, crc);
    }
    const parts = [header, ...content, trailer(size, crc)];
    const total = header.length + size + parts[parts.length - 1].length;
    // Opened ahead (temp-files.ts): the write starts at once. A reused file longer than this
    // message is cut to its length first; the durable write below makes the new length durable too.
    this.#lastBytes = total;
    const { fh, path: tmp, size: before } = placed ? { ...placed, path: this.file(envelope.mid) } : await this.#temps.take(total);
    try {
      if (before > total) await fh.truncate(total);
      // At 0: a handle kept open since its last message (below) stands at that one's end.
      const bytesWritten = await fh.writev(parts, 0);
      // A short write is how a file system that is filling up answers (ENOSPC comes on the next one).
      if (bytesWritten !== total) throw Object.assign(new Error(`short write to ${tmp} (${bytesWritten} of ${total} bytes)`), { code: 'ENOSPC' });
      if (O_DSYNC === undefined) await fh.datasync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    if (placed) return this.#keep(envelope.mid, fh, total, size);
    try {
      await this.#inBucket(envelope.mid, () => rename(tmp, this.file(envelope.mid)));
      await this.syncBucket(envelope.mid);
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    return this.#keep(envelope.mid, fh, total, size);
  }

  /** Keeps a written file's handle open: delivered soon, the file is reused through it (its length known). */
  #keep(mid: number, fh: RawFile, total: number, size: number): number {
    this.#kept.set(mid, { fh, size: total });
    if (this.#kept.size > KEPT_OPEN) {
      const [oldest, { fh: old }] = this.#kept.entries().next().value!;
      this.#kept.delete(oldest);
      void old.close().catch(() => undefined);
    }
    return size;
  }

  /** The handle kept open for a message's file, now in the caller's hands. */
  #takeKept(mid: number): { fh: RawFile; size: number } | undefined {
    const kept = this.#kept.get(mid);
    this.#kept.delete(mid);
    return kept;
  }

  /** Files of delivered messages overwritten by new ones so far (temp-files.ts). */
  get filesReused(): number {
    return this.#temps.reused;
  }

  /** Closes the files opened ahead and the handles kept (at stop). */
  async close(): Promise<void> {
    await this.#placed.close();
    const handles = [...this.#kept.values(), ...this.#leaving].map((k) => k.fh);
    this.#kept.clear();
    for (const file of this.#leaving) file.fh = undefined;
    await Promise.all(handles.map((fh) => fh?.close().catch(() => undefined)));
    await this.#temps.close();
  }

  /** The message content as delivered (without the envelope line); SpoolDamagedError if it fails its check. */
  async readContent(mid: number): Promise<Buffer> {
    return parseSpoolFile(mid, await RawFile.readWhole(this.file(mid))).content;
  }

  /** The envelope and content size of a spooled message; undefined for a placed file no message took (then removed). */
  async readEnvelope(mid: number): Promise<{ envelope: Envelope; size: number } | undefined> {
    const data = await readFile(this.file(mid));
    if (placedLeftover(mid, data)) {
      await unlink(this.file(mid)).catch(() => undefined);
      return undefined;
    }
    const { envelope, content } = parseSpoolFile(mid, data);
    return { envelope, size: content.length };
  }

  /** Moves a damaged file to `queue/corrupt/` (durably); returns its new path. */
  async quarantine(mid: number): Promise<string> {
    await makeDurableDir(this.corruptDir);
    const to = path.join(this.corruptDir, `${mid}.msg`);
    await this.#takeKept(mid)
      ?.fh.close()
      .catch(() => undefined);
    await rename(this.file(mid), to);
    await fsyncDir(this.corruptDir);
    await this.syncBucket(mid);
    this.#corrupt++;
    return to;
  }

  /**
   * Removes a message's file: moved to `spool/incoming/` to be overwritten by a later message
   * (temp-files.ts), or unlinked when it is large or enough files are spare already.
   */
  async remove(mid: number, bytes = Infinity): Promise<void> {
    const bucket = bucketOf(mid);
    const ignoreGone = (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    };
    const kept = this.#takeKept(mid);
    if (bytes <= SPARE_MAX_BYTES && this.#leaving.size + this.#temps.spareCount < SPARE_MAX) {
      const file: Leaving = { path: this.#temps.nextName(), bucket, fh: kept?.fh, size: kept?.size };
      await rename(this.file(mid), file.path).then(
        () => {
          this.#leaving.add(file);
          // While mail is written into the same bucket (relaying), its writers' next sync is soon.
          this.#dirSync(bucket).afterNextSync(() => this.#release([file]));
        },
        (e: NodeJS.ErrnoException) => {
          void kept?.fh.close().catch(() => undefined);
          ignoreGone(e);
        },
      );
    } else {
      void kept?.fh.close().catch(() => undefined);
      await unlink(this.file(mid)).catch(ignoreGone);
    }
    this.#removedFrom.add(bucket);
  }

  /** Every spooled MID, read from the disk now (for checks and tools; the engine lists a bucket at a time). */
  async allMids(): Promise<number[]> {
    const mids: number[] = [];
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
      for (const name of await readdir(path.join(this.dir, entry.name)).catch(() => [] as string[])) {
        const m = /^(\d+)\.msg$/.exec(name);
        if (m && !this.#placed.holds(Number(m[1]))) mids.push(Number(m[1]));
      }
    }
    return mids.sort((a, b) => a - b);
  }

  /** The MIDs spooled in a bucket, in order; half-written temporary files from a crash are removed. */
  async list(bucket: number): Promise<number[]> {
    const dir = this.bucketDir(bucket);
    const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    const mids: number[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await unlink(path.join(dir, name)).catch(() => undefined);
        continue;
      }
      const m = /^(\d+)\.msg$/.exec(name);
      if (m) mids.push(Number(m[1]));
    }
    return mids.sort((a, b) => a - b);
  }
}
