// Queue state on disk: how far each recipient got, in many small lowdb JSON files. A shard
// holds a range of 1,000 consecutive MIDs, so new mail dirties only the newest shard and a
// flush rewrites only the shards that changed since the last one, one at a time with the
// event loop free between them: persistence cost follows the changes, not the queue size.
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { CorruptFileError, DurableJSONFile } from '../config/durable-json-file.js';
import { queuedEnvelope, type QueuedEnvelope, type QueuedMessage, type RecipientState } from './message.js';

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

/** MIDs per shard file. */
export const SHARD_SPAN = 1_000;

const SHARD_FILE = /^shard-(\d+)\.json$/;

export class QueueStore {
  readonly dir: string;
  readonly #members = new Map<number, Map<number, QueuedMessage>>();
  readonly #dbs = new Map<number, Low<ShardData>>();
  readonly #dirty = new Set<number>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  readonly warnings: string[] = [];

  constructor(queueDir: string, readonly flushMs = 500) {
    this.dir = path.join(queueDir, 'state');
  }

  #file(shard: number): string {
    return path.join(this.dir, `shard-${shard}.json`);
  }

  #db(shard: number): Low<ShardData> {
    let db = this.#dbs.get(shard);
    if (!db) {
      db = new Low<ShardData>(new DurableJSONFile<ShardData>(this.#file(shard), false), { v: 1, messages: [] });
      this.#dbs.set(shard, db);
    }
    return db;
  }

  /** Reads every shard; a corrupt one is set aside with a warning (the spool rebuilds it). */
  async load(): Promise<StoredMessage[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const out: StoredMessage[] = [];
    for (const name of await readdir(this.dir)) {
      const file = path.join(this.dir, name);
      // Temporary files of an interrupted write are never the newest state.
      if (name.endsWith('.tmp')) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      const m = SHARD_FILE.exec(name);
      if (!m) continue;
      const shard = Number(m[1]);
      const db = this.#db(shard);
      try {
        await db.read();
        const data = db.data;
        if (!data || !Array.isArray(data.messages)) throw new CorruptFileError(file, 'no messages list');
        for (const msg of data.messages) out.push(msg);
      } catch (e) {
        const reason = e instanceof CorruptFileError ? e.message : `${file}: ${(e as Error).message}`;
        const aside = `${file}.corrupt-${Date.now()}`;
        await rename(file, aside).catch(() => undefined);
        this.warnings.push(
          `queue state ${reason}; moved aside to ${path.basename(aside)}, rebuilding from the spool (no message is lost, retry counts of those messages restart)`,
        );
        this.#dirty.add(shard);
      }
      db.data = { v: 1, messages: [] };
    }
    return out;
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.flushMs);
    this.#timer.unref();
  }

  /** `dirty` false: the message is on disk as it is (loaded at start), nothing to rewrite. */
  track(msg: QueuedMessage, dirty = true): void {
    const shard = Math.floor(msg.envelope.mid / SHARD_SPAN);
    let members = this.#members.get(shard);
    if (!members) {
      members = new Map();
      this.#members.set(shard, members);
    }
    members.set(msg.envelope.mid, msg);
    if (dirty) this.#dirty.add(shard);
  }

  changed(msg: QueuedMessage): void {
    this.#dirty.add(Math.floor(msg.envelope.mid / SHARD_SPAN));
  }

  untrack(mid: number): void {
    const shard = Math.floor(mid / SHARD_SPAN);
    this.#members.get(shard)?.delete(mid);
    this.#dirty.add(shard);
  }

  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    if (this.#dirty.size === 0) return Promise.resolve();
    this.#flushing = this.#flushDirty().finally(() => (this.#flushing = null));
    return this.#flushing;
  }

  async #flushDirty(): Promise<void> {
    const shards = [...this.#dirty];
    this.#dirty.clear();
    for (const shard of shards) {
      const members = this.#members.get(shard);
      try {
        if (!members || members.size === 0) {
          // Every message of the range is done: the shard file goes.
          this.#members.delete(shard);
          this.#dbs.delete(shard);
          await unlink(this.#file(shard)).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'ENOENT') throw e;
          });
        } else {
          const db = this.#db(shard);
          db.data = { v: 1, messages: [...members.values()].map(toStored) };
          await db.write();
          db.data = { v: 1, messages: [] };
        }
      } catch (e) {
        this.#dirty.add(shard);
        process.stderr.write(`esa: cannot write queue state ${this.#file(shard)}: ${(e as Error).message}\n`);
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
    if (this.#dirty.size) await this.flush();
  }
}

function toStored(msg: QueuedMessage): StoredMessage {
  return {
    e: msg.envelope,
    size: msg.size,
    r: msg.rcpts.map((r) => [r.address, r.state, r.attempts, r.nextAt, r.lastAttemptAt, r.warningsSent, r.lastReply, r.dsnPending]),
  };
}

export function fromStored(stored: StoredMessage, domainOf: (a: string) => string): QueuedMessage {
  const rcpts = stored.r.map(([address, state, attempts, nextAt, lastAttemptAt, warningsSent, lastReply, dsnPending], rid) => ({
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
  }));
  return {
    envelope: queuedEnvelope(stored.e),
    size: stored.size,
    rcpts,
    pending: rcpts.filter((r) => r.state === 'pending').length,
  };
}
