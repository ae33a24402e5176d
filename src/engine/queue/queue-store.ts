// Queue state on disk: how far each recipient got, in many small lowdb JSON files. A shard
// holds a range of 1,000 consecutive MIDs (a spool bucket), so new mail dirties only the newest shard and a
// flush rewrites only the shards that changed since the last one, one at a time with the
// event loop free between them: persistence cost follows the changes, not the queue size.
// A flush is durable (each shard fsynced, then one fsync of the directory for all of them):
// a power cut costs at most the progress of the last flush interval (docs/reliability.md).
import { stderrDiagnostics } from '../../platform/diagnostics.js';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { CorruptFileError, DurableJSONFile } from '../state/durable-json-file.js';
import { moveAside, pruneCorrupt } from '../fs/corrupt-files.js';
import { fsyncDir, makeDurableDir } from '../fs/durable-dir.js';
import { BUCKET_SPAN, bucketOf } from './buckets.js';
import { byMid, ChunkedMap } from './chunked-map.js';
import { newMessage, queuedEnvelope, restoredRecipient, type QueuedEnvelope, type QueuedMessage, type RecipientState } from './message.js';

/** A recipient on disk: [address, state, attempts, nextAt, lastAttemptAt, warningsSent, lastReply, dsnPending]. */
type StoredRecipient = [string, RecipientState, number, number, number, number, string, string?];

export interface StoredMessage {
  e: QueuedEnvelope;
  size: number;
  r: StoredRecipient[];
}

interface ShardData {
  v: 1;
  messages: StoredMessage[];
}

/** MIDs per shard file: one bucket (buckets.ts). */
export const SHARD_SPAN = BUCKET_SPAN;

const SHARD_FILE = /^shard-(\d+)\.json$/;

export interface QueueStoreOptions {
  /** The queued message with this MID, if any (the store keeps no list of its own). */
  lookup: (mid: number) => QueuedMessage | undefined;
  /** ms between flushes of the changed shards. */
  flushMs?: number;
  /**
   * Makes the spool's removals durable. Called before a flush that drops finished messages
   * from the state: were the state to forget a message whose spool file a power cut brings
   * back, the message would be queued again from the start and delivered twice.
   */
  syncRemovals?: () => Promise<void>;
  /** A shard's range has no message left and its file is gone (the spool may drop the bucket). */
  rangeDone?: (shard: number) => void;
  /** Where a failed write is reported (one line, without the `esa: ` prefix). */
  warn?: (line: string) => void;
  /** Told of a failed write first; true: a storage shortage the engine handles (no warning). */
  storageFailed?: (what: string, e: unknown) => boolean;
}

export class QueueStore {
  readonly dir: string;
  readonly flushMs: number;
  readonly #dbs = new Map<number, Low<ShardData>>();
  readonly #dirty = new Set<number>();
  /** Shards with a file on disk. */
  readonly #onDisk = new Set<number>();
  /**
   * Messages that left the queue since the last flush. They stay in their shard until a flush
   * has made their spool removals durable (see `syncRemovals`): one that leaves while a flush
   * runs is written once more, as finished, and dropped by the next flush.
   */
  #leaving = new ChunkedMap<number, QueuedMessage>(byMid);
  /** Messages out of the queue whose spool file is being removed (or could not be): still written as they are. */
  readonly #finishing = new ChunkedMap<number, QueuedMessage>(byMid);
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  #corruptKept = 0;
  readonly warnings: string[] = [];

  constructor(
    queueDir: string,
    readonly options: QueueStoreOptions,
  ) {
    this.dir = path.join(queueDir, 'state');
    this.flushMs = options.flushMs ?? 500;
  }

  #warn(line: string): void {
    if (this.options.warn) this.options.warn(line);
    else stderrDiagnostics.warn(line);
  }

  #file(shard: number): string {
    return path.join(this.dir, `shard-${shard}.json`);
  }

  #db(shard: number): Low<ShardData> {
    let db = this.#dbs.get(shard);
    if (!db) {
      // The directory is fsynced once per flush, for all the shards written.
      db = new Low<ShardData>(new DurableJSONFile<ShardData>(this.#file(shard), false), { v: 1, messages: [] });
      this.#dbs.set(shard, db);
    }
    return db;
  }

  /** Moved-aside corrupt shards (`*.corrupt-*`) kept in the state directory (for `status`). */
  corruptFilesKept(): number {
    return this.#corruptKept;
  }

  /** The shards on disk, oldest first; temporary files of an interrupted write are removed. */
  async open(): Promise<number[]> {
    await makeDurableDir(this.dir);
    for (const name of await readdir(this.dir)) {
      // Temporary files of an interrupted write are never the newest state.
      if (name.endsWith('.tmp')) {
        await unlink(path.join(this.dir, name)).catch(() => undefined);
        continue;
      }
      const m = SHARD_FILE.exec(name);
      if (m) this.#onDisk.add(Number(m[1]));
    }
    this.#corruptKept = await pruneCorrupt(this.dir, SHARD_FILE);
    return [...this.#onDisk].sort((a, b) => a - b);
  }

  /** Reads one shard; a corrupt one is set aside with a warning (the spool rebuilds its messages). */
  async read(shard: number): Promise<StoredMessage[]> {
    if (!this.#onDisk.has(shard)) return [];
    const file = this.#file(shard);
    const db = this.#db(shard);
    try {
      await db.read();
      const data = db.data;
      if (!data || !Array.isArray(data.messages)) throw new CorruptFileError(file, 'no messages list');
      return data.messages;
    } catch (e) {
      const reason = e instanceof CorruptFileError ? e.message : `${file}: ${(e as Error).message}`;
      const aside = await moveAside(file).catch(() => undefined);
      this.#onDisk.delete(shard);
      this.#corruptKept = await pruneCorrupt(this.dir, SHARD_FILE);
      this.warnings.push(
        `queue state ${reason}; ${aside ? `moved aside to ${aside}` : 'left in place'}, rebuilding from the spool (no message is lost, retry counts of those messages restart)`,
      );
      return [];
    } finally {
      db.data = { v: 1, messages: [] };
    }
  }

  start(): void {
    this.#timer = setInterval(() => {
      if (!this.#flushing) void this.flush();
    }, this.flushMs);
    this.#timer.unref();
  }

  /** The message's state must be written (it is new, or loaded from the spool without state). */
  changed(msg: QueuedMessage): void {
    this.#dirty.add(bucketOf(msg.envelope.mid));
  }

  /** The shard must be written again, whatever its messages (a loaded range whose state differs from its file). */
  rewrite(shard: number): void {
    this.#dirty.add(shard);
  }

  /** The message is leaving the queue: until `untrack`, its shard still holds it as it is. */
  finishing(msg: QueuedMessage): void {
    this.#finishing.set(msg.envelope.mid, msg);
  }

  /** The message left the queue: call only once its spool file is removed. */
  untrack(msg: QueuedMessage): void {
    this.#finishing.delete(msg.envelope.mid);
    this.#leaving.set(msg.envelope.mid, msg);
    this.#dirty.add(bucketOf(msg.envelope.mid));
  }

  /** Resolves once every change made before the call is on disk (or its write failed). */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing.then(() => this.#flushNow());
    return this.#flushNow();
  }

  #flushNow(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    if (this.#dirty.size === 0) return Promise.resolve();
    this.#flushing = this.#flushDirty().finally(() => (this.#flushing = null));
    return this.#flushing;
  }

  /** A shard's messages now: the queued ones of its range, and those leaving whose removal is not yet durable. */
  #members(shard: number): QueuedMessage[] {
    const members: QueuedMessage[] = [];
    const first = shard * SHARD_SPAN;
    for (let mid = first; mid < first + SHARD_SPAN; mid++) {
      const msg = this.options.lookup(mid) ?? this.#finishing.get(mid) ?? this.#leaving.get(mid);
      if (msg) members.push(msg);
    }
    return members;
  }

  async #flushDirty(): Promise<void> {
    const shards = [...this.#dirty];
    const leaving = this.#leaving;
    this.#dirty.clear();
    this.#leaving = new ChunkedMap(byMid);
    const retry = (failed: number[], what: string, e: unknown) => {
      for (const shard of failed) this.#dirty.add(shard);
      if (this.options.storageFailed?.('the queue state', e)) return;
      this.#warn(`cannot write queue state ${what}: ${(e as Error).message}`);
    };
    if (leaving.size && this.options.syncRemovals) {
      try {
        await this.options.syncRemovals();
      } catch (e) {
        for (const msg of leaving.values()) if (!this.#leaving.has(msg.envelope.mid)) this.#leaving.set(msg.envelope.mid, msg);
        retry(shards, `${this.dir} (the spool's removals are not on disk)`, e);
        return;
      }
    }
    const written: number[] = [];
    let synced = false;
    for (const shard of shards) {
      const members = this.#members(shard);
      try {
        if (members.length === 0) {
          // Every message of the range is done: the shard file goes.
          this.#dbs.delete(shard);
          if (this.#onDisk.has(shard)) {
            await unlink(this.#file(shard)).catch((e: NodeJS.ErrnoException) => {
              if (e.code !== 'ENOENT') throw e;
            });
            this.#onDisk.delete(shard);
          }
          this.options.rangeDone?.(shard);
        } else {
          const db = this.#db(shard);
          // Fresh messages only: after a power cut the spool rebuilds exactly this shard, so its
          // fsync is not worth the disk's time (it is most of the shards written while relaying).
          const needsSync = !members.every(rebuiltAsIs);
          (db.adapter as DurableJSONFile<ShardData>).syncFile = needsSync;
          synced ||= needsSync;
          db.data = { v: 1, messages: members.map(toStored) };
          await db.write();
          db.data = { v: 1, messages: [] };
          this.#onDisk.add(shard);
        }
        written.push(shard);
      } catch (e) {
        retry([shard], this.#file(shard), e);
      }
      await new Promise((r) => setImmediate(r));
    }
    // One directory fsync makes all the renames and unlinks of this flush durable.
    if (written.length && synced) {
      await fsyncDir(this.dir).catch((e: unknown) => retry(written, this.dir, e));
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}

/** A message a restart rebuilds from its spool file exactly as it is: nothing attempted, nothing done. */
function rebuiltAsIs(msg: QueuedMessage): boolean {
  for (const r of msg.rcpts) if (r.state !== 'pending' || r.attempts > 0 || r.warningsSent > 0 || r.dsnPending !== '') return false;
  return true;
}

function toStored(msg: QueuedMessage): StoredMessage {
  return {
    // A plain copy: the message object is its own envelope and holds more than the envelope.
    e: queuedEnvelope(msg.envelope),
    size: msg.size,
    r: msg.rcpts.map((r) => [r.address, r.state, r.attempts, r.nextAt, r.lastAttemptAt, r.warningsSent, r.lastReply, r.dsnPending]),
  };
}

export function fromStored(stored: StoredMessage, domainOf: (a: string) => string): QueuedMessage {
  const rcpts = stored.r.map(([address, state, attempts, nextAt, lastAttemptAt, warningsSent, lastReply, dsnPending], rid) =>
    restoredRecipient({
      rid,
      address,
      domain: domainOf(address),
      state,
      attempts,
      nextAt,
      lastAttemptAt,
      warningsSent,
      lastReply,
      dsnPending: dsnPending ?? '',
    }),
  );
  return newMessage(stored.e, stored.size, rcpts);
}
