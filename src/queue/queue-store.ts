// Queue state on disk: how far each recipient got, in many small lowdb JSON files (shards by
// MID). Only the shards that changed since the last flush are rewritten, one at a time with
// the event loop free between them, so persistence cost does not grow with the queue.
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { CorruptFileError, DurableJSONFile } from '../config/durable-json-file.js';
import type { Envelope, QueuedMessage, RecipientState } from './message.js';

/** A recipient on disk: [address, state, attempts, nextAt, lastAttemptAt, warningsSent, lastReply]. */
type StoredRecipient = [string, RecipientState, number, number, number, number, string];

export interface StoredMessage {
  e: Envelope;
  size: number;
  r: StoredRecipient[];
}

interface ShardData {
  v: 1;
  messages: StoredMessage[];
}

export const SHARDS = 256;

export class QueueStore {
  readonly dir: string;
  readonly #dbs: Low<ShardData>[] = [];
  readonly #members: Map<number, QueuedMessage>[] = [];
  readonly #dirty = new Set<number>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  readonly warnings: string[] = [];

  constructor(queueDir: string, readonly flushMs = 500) {
    this.dir = path.join(queueDir, 'state');
    for (let i = 0; i < SHARDS; i++) {
      this.#dbs.push(new Low<ShardData>(new DurableJSONFile<ShardData>(this.#file(i), false), { v: 1, messages: [] }));
      this.#members.push(new Map());
    }
  }

  #file(shard: number): string {
    return path.join(this.dir, `shard-${String(shard).padStart(2, '0')}.json`);
  }

  /** Reads every shard; a corrupt one is set aside with a warning (the spool rebuilds it). */
  async load(): Promise<StoredMessage[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Temporary files of an interrupted write are never the newest state.
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) await rename(path.join(this.dir, name), path.join(this.dir, name + '.discarded')).catch(() => undefined);
    }
    const out: StoredMessage[] = [];
    for (let i = 0; i < SHARDS; i++) {
      try {
        await this.#dbs[i].read();
        const data = this.#dbs[i].data;
        if (!data || !Array.isArray(data.messages)) throw new CorruptFileError(this.#file(i), 'no messages list');
        out.push(...data.messages);
      } catch (e) {
        const reason = e instanceof CorruptFileError ? e.message : `${this.#file(i)}: ${(e as Error).message}`;
        const aside = `${this.#file(i)}.corrupt-${Date.now()}`;
        await rename(this.#file(i), aside).catch(() => undefined);
        this.warnings.push(
          `queue state ${reason}; moved aside to ${path.basename(aside)}, rebuilding from the spool (no message is lost, retry counts of those messages restart)`,
        );
        this.#dbs[i].data = { v: 1, messages: [] };
        this.#dirty.add(i);
      }
    }
    return out;
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.flushMs);
    this.#timer.unref();
  }

  track(msg: QueuedMessage): void {
    const shard = msg.envelope.mid % SHARDS;
    this.#members[shard].set(msg.envelope.mid, msg);
    this.#dirty.add(shard);
  }

  changed(msg: QueuedMessage): void {
    this.#dirty.add(msg.envelope.mid % SHARDS);
  }

  untrack(mid: number): void {
    const shard = mid % SHARDS;
    this.#members[shard].delete(mid);
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
      const db = this.#dbs[shard];
      db.data = { v: 1, messages: [...this.#members[shard].values()].map(toStored) };
      try {
        await db.write();
      } catch (e) {
        this.#dirty.add(shard);
        process.stderr.write(`esa: cannot write queue state ${this.#file(shard)}: ${(e as Error).message}\n`);
      }
      db.data = { v: 1, messages: [] };
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
    r: msg.rcpts.map((r) => [r.address, r.state, r.attempts, r.nextAt, r.lastAttemptAt, r.warningsSent, r.lastReply]),
  };
}

export function fromStored(stored: StoredMessage, domainOf: (a: string) => string): QueuedMessage {
  const rcpts = stored.r.map(([address, state, attempts, nextAt, lastAttemptAt, warningsSent, lastReply], rid) => ({
    rid,
    address,
    domain: domainOf(address),
    state,
    attempts,
    nextAt,
    lastAttemptAt,
    warningsSent,
    lastReply,
  }));
  return {
    envelope: stored.e,
    size: stored.size,
    rcpts,
    pending: rcpts.filter((r) => r.state === 'pending').length,
  };
}
