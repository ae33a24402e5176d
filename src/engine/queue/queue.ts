// The mail queue: every accepted message until all its recipients are done. Content lives in
// spool files (the truth for what exists), progress in the sharded queue state; at start the
// two are reconciled. Storage limits are checked here so the listener can soft-bounce.
import type { MailLog } from '../log/mail-log.js';
import { domainOf } from '../../model/rat.js';
import { newMessage, newRecipients, type Envelope, type QueuedMessage } from './message.js';
import { bucketOf, firstMidAfter } from './buckets.js';
import { MessageIndex } from './message-index.js';
import { fromStored, QueueStore } from './queue-store.js';
import { Spool, SpoolDamagedError, type IncomingMessage, type SpoolStart } from './spool.js';

/** A range loaded at start: its messages still to deliver, and those owing a DSN from before the restart. */
export interface LoadedRange {
  pending: QueuedMessage[];
  unnotified: QueuedMessage[];
  warnings: string[];
}

/** How far the queue's load at start has got (`status` shows it). */
export interface QueueLoadProgress {
  buckets: number;
  bucketsDone: number;
  /** Messages read so far (some may have left the queue since). */
  messages: number;
  /** Of those, rebuilt from their spool file (no queue state). */
  rebuilt: number;
  /** Messages the last saved summary counted (at least those read). */
  expectedMessages: number;
  /** Why loading stopped before the end (the rest stays on disk and loads at the next start). */
  stopped?: string;
}

export interface StorageLimits {
  maxMessages: number;
  maxBytes: number;
}

export interface MailQueueOptions {
  limits: () => StorageLimits;
  /** Where a damaged spool file set aside is told. */
  log: MailLog;
  /** Where a failed state write is reported (the engine's diagnostics). */
  warn?: (line: string) => void;
  /** Told of a failed state write first; true: a storage shortage the engine handles. */
  storageFailed?: (what: string, e: unknown) => boolean;
  /** The engine's storage health: true while the disk refuses writes or no MID can be reserved (default: never). */
  storageShort?: () => boolean;
  /** Whether a new message's content is kept in memory for its delivery (default: always). */
  cacheFor?: (envelope: Envelope) => boolean;
  /** Told the queue's size as messages come and go (the alerts' conservation level: two comparisons, no more). */
  levels?: { check(count: number, bytes: number): void };
}

export class MailQueue {
  readonly messages = new MessageIndex();
  readonly spool: Spool;
  readonly store: QueueStore;
  /** Bytes of content held (queued plus being written). */
  bytes = 0;
  /** Messages being written to the spool: counted against the limit before they land. */
  #reserved = 0;
  /**
   * Content of recently admitted messages, oldest first, within a byte budget: mail relayed
   * straight through is delivered from memory instead of being read back from the spool.
   */
  readonly #recent = new Map<number, Buffer>();
  #recentBytes = 0;
  static readonly RECENT_BUDGET = 32 * 1024 * 1024;
  /** Whether a new message is likely delivered soon (no recipient host down): its content is then kept in memory. */
  readonly cacheFor: (envelope: Envelope) => boolean;
  /**
   * Whether the disk refuses writes (full, read-only) or no MID can be reserved: then the queue
   * counts as full and new mail gets 452 4.3.1.
   */
  readonly storageShort: () => boolean;
  readonly limits: () => StorageLimits;
  readonly log: MailLog;

  constructor(queueDir: string, o: MailQueueOptions) {
    this.limits = o.limits;
    this.log = o.log;
    this.cacheFor = o.cacheFor ?? (() => true);
    this.storageShort = o.storageShort ?? (() => false);
    this.#levels = o.levels;
    this.spool = new Spool(queueDir);
    this.store = new QueueStore(queueDir, {
      lookup: (mid) => this.messages.get(mid),
      syncRemovals: () => this.spool.syncRemovals(),
      // An emptied range's directory goes, unless new mail is still being written into it.
      rangeDone: (bucket) => {
        if (bucket < this.#newestBucket) void this.spool.dropBucket(bucket).catch(() => undefined);
      },
      warn: o.warn,
      storageFailed: o.storageFailed,
    });
    this.#storageFailed = o.storageFailed ?? (() => false);
    this.#warn = o.warn;
  }

  readonly #warn?: (line: string) => void;
  readonly #levels?: { check(count: number, bytes: number): void };

  readonly #storageFailed: (what: string, e: unknown) => boolean;

  get count(): number {
    return this.messages.size;
  }

  /** The bucket of the newest MID admitted (new mail goes there): never dropped when it empties. */
  #newestBucket = 0;

  /** Messages loaded from disk at start so far, and how many of them were rebuilt from their spool file (no queue state). */
  get loadedAtStart(): { messages: number; rebuilt: number } {
    return { messages: this.#load.messages, rebuilt: this.#load.rebuilt };
  }

  /** Messages received and being written to the spool now (AsyncOS's work queue). */
  get writing(): number {
    return this.#reserved;
  }

  /** Whether one more message of `size` bytes would cross the storage limit. */
  wouldOverflow(size = 0): boolean {
    if (this.storageShort()) return true;
    const { maxMessages, maxBytes } = this.limits();
    const unloaded = this.#unloaded();
    return this.messages.size + unloaded.messages + this.#reserved + 1 > maxMessages || this.bytes + unloaded.bytes + size > maxBytes;
  }

  isFull(): boolean {
    if (this.storageShort()) return true;
    const { maxMessages, maxBytes } = this.limits();
    const unloaded = this.#unloaded();
    return this.messages.size + unloaded.messages + this.#reserved >= maxMessages || this.bytes + unloaded.bytes >= maxBytes;
  }

  /** Writes the message durably and queues it; resolves once it may be acknowledged. */
  async admit(envelope: Envelope, content: Buffer[]): Promise<QueuedMessage> {
    let size = 0;
    for (const c of content) size += c.length;
    this.#reserved++;
    this.bytes += size;
    try {
      await this.spool.write(envelope, content);
    } catch (e) {
      this.bytes -= size;
      this.#storageFailed('the spool (queue/spool)', e);
      throw e;
    } finally {
      this.#reserved--;
    }
    return this.#queued(envelope, size, content);
  }

  /**
   * A message that arrives in pieces (a listener's DATA): small ones stay in memory until
   * admitIncoming, big ones stream to the spool as they come (spool.ts, IncomingMessage).
   */
  receive(start: (head: Buffer, mid?: number) => SpoolStart): IncomingMessage {
    return this.spool.incoming(start);
  }

  /** Finishes writing a received message durably and queues it; resolves once it may be acknowledged. */
  async admitIncoming(incoming: IncomingMessage): Promise<QueuedMessage> {
    const reserved = incoming.size;
    this.#reserved++;
    this.bytes += reserved;
    let spooled;
    try {
      spooled = await incoming.finish();
    } catch (e) {
      this.#storageFailed('the spool (queue/spool)', e);
      throw e;
    } finally {
      this.bytes -= reserved;
      this.#reserved--;
    }
    this.bytes += spooled.size;
    return this.#queued(spooled.envelope, spooled.size, spooled.parts);
  }

  /** A message on disk joins the queue (its content cached when it was kept in memory). */
  #queued(envelope: Envelope, size: number, content: Buffer[] | undefined): QueuedMessage {
    if (content && this.cacheFor(envelope)) this.#remember(envelope.mid, content, size);
    const msg = newMessage(envelope, size, newRecipients(envelope.to, domainOf));
    this.messages.admit(msg);
    this.#levels?.check(this.messages.size, this.bytes);
    this.store.changed(msg);
    const bucket = bucketOf(envelope.mid);
    if (bucket > this.#newestBucket) this.#newestBucket = bucket;
    return msg;
  }

  #remember(mid: number, parts: Buffer[], size: number): void {
    // An exact-size buffer of its own: a small pooled one would pin an 8 KB slab.
    const content = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const p of parts) at += p.copy(content, at);
    this.#recent.set(mid, content);
    this.#recentBytes += size;
    for (const [old, buf] of this.#recent) {
      if (this.#recentBytes <= MailQueue.RECENT_BUDGET) break;
      this.#recent.delete(old);
      this.#recentBytes -= buf.length;
    }
  }

  #forget(mid: number): void {
    const buf = this.#recent.get(mid);
    if (!buf) return;
    this.#recent.delete(mid);
    this.#recentBytes -= buf.length;
  }

  /**
   * The message as delivered: from memory when recent (then it leaves the cache: a retry or a
   * second destination reads the spool), else from its spool file.
   */
  async content(mid: number): Promise<Buffer> {
    const recent = this.#recent.get(mid);
    if (recent) {
      this.#forget(mid);
      return recent;
    }
    const damaged = this.#damaged.get(mid);
    if (damaged) throw damaged;
    try {
      return await this.spool.readContent(mid);
    } catch (e) {
      if (e instanceof SpoolDamagedError) await this.#setAside(e);
      throw e;
    }
  }

  /** Damaged spool files set aside, by MID, until their message leaves the queue (its other jobs get the same error). */
  readonly #damaged = new Map<number, SpoolDamagedError>();

  /** Moves a damaged spool file to queue/corrupt/ and says so in the mail log: it is never delivered half. */
  async #setAside(e: SpoolDamagedError): Promise<void> {
    if (this.#damaged.has(e.mid)) return;
    this.#damaged.set(e.mid, e);
    const where = await this.spool.quarantine(e.mid).catch((err: Error) => `nowhere (${err.message})`);
    const text = `MID ${e.mid} ${e.message}: moved to ${where}, not delivered`;
    this.log.info(text);
    this.#warn?.(text);
  }

  /** A message's content as its spool file holds it (the memory cache left as it is). */
  storedContent(mid: number): Promise<Buffer> {
    return this.spool.readContent(mid);
  }

  /** Writes the queue state's changed shards now. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /** Writes the queue state and closes the spool's files opened ahead (at stop). */
  async close(): Promise<void> {
    await this.store.close();
    await this.spool.close();
  }

  changed(msg: QueuedMessage): void {
    this.store.changed(msg);
  }

  /** All recipients are done: the message leaves the queue. */
  async finish(msg: QueuedMessage): Promise<void> {
    const mid = msg.envelope.mid;
    if (!this.messages.delete(mid)) return;
    this.store.finishing(msg);
    this.#damaged.delete(mid);
    this.#forget(mid);
    this.bytes -= msg.size;
    this.#levels?.check(this.messages.size, this.bytes);
    // The state forgets the message only after the removal (see QueueStoreOptions.syncRemovals).
    // A removal a read-only disk refuses leaves the file, and the state its progress: after a
    // restart the message is queued again (delivered at least once, never lost).
    try {
      await this.spool.remove(mid, msg.size);
    } catch (e) {
      if (this.#storageFailed('the spool (queue/spool)', e)) return;
      throw e;
    }
    this.store.untrack(msg);
  }

  /**
   * Opens the spool and the queue state and plans the load: one range (bucket) at a time,
   * oldest first (`loadNext`). Returns the first MID new mail may take: past every bucket on
   * disk, so new messages never share a range with messages still to be loaded.
   */
  async open(expected: { messages: number; bytes: number } = { messages: 0, bytes: 0 }): Promise<{ firstFreeMid: number }> {
    await this.spool.open();
    const shards = await this.store.open();
    this.#plan = [...new Set([...this.spool.buckets(), ...shards])].sort((a, b) => a - b);
    this.#load = { buckets: this.#plan.length, bucketsDone: 0, messages: 0, bytes: 0, rebuilt: 0, expected };
    const last = this.#plan[this.#plan.length - 1];
    const firstFreeMid = last === undefined ? 1 : firstMidAfter(last);
    this.#newestBucket = bucketOf(firstFreeMid);
    return { firstFreeMid };
  }

  /** The ranges (buckets) on disk at start, oldest first: `loadNext` takes them in order. */
  #plan: number[] = [];
  #load: Omit<QueueLoadProgress, 'expectedMessages'> & { bytes: number; expected: { messages: number; bytes: number } } = {
    buckets: 0,
    bucketsDone: 0,
    messages: 0,
    bytes: 0,
    rebuilt: 0,
    expected: { messages: 0, bytes: 0 },
  };

  /** How far the load at start has got; undefined once everything on disk is queued. */
  get loading(): QueueLoadProgress | undefined {
    const l = this.#load;
    if (l.bucketsDone >= l.buckets) return undefined;
    return {
      buckets: l.buckets,
      bucketsDone: l.bucketsDone,
      messages: l.messages,
      rebuilt: l.rebuilt,
      expectedMessages: Math.max(l.expected.messages, l.messages),
      ...(l.stopped !== undefined ? { stopped: l.stopped } : {}),
    };
  }

  /** Loading stopped early (an I/O error): `loading` says so, and why, until the next start. */
  loadStopped(reason: string): void {
    this.#load.stopped = reason;
  }

  /** Messages and bytes on disk not loaded yet, as the last saved summary expects them (0 once loaded). */
  #unloaded(): { messages: number; bytes: number } {
    const l = this.#load;
    if (l.bucketsDone >= l.buckets) return { messages: 0, bytes: 0 };
    return { messages: Math.max(0, l.expected.messages - l.messages), bytes: Math.max(0, l.expected.bytes - l.bytes) };
  }

  /**
   * Loads the next range: every spooled message of it is queued (with its recorded progress
   * when the state has it), state entries without a spool file are dropped, finished messages
   * are cleaned up. Returns undefined when every range is loaded.
   */
  async loadNext(): Promise<LoadedRange | undefined> {
    const l = this.#load;
    if (l.bucketsDone >= l.buckets) return undefined;
    const bucket = this.#plan[l.bucketsDone];
    const stored = await this.store.read(bucket);
    const spooled = await this.spool.list(bucket);
    const byMid = new Map(stored.map((s) => [s.e.mid, s]));
    const warnings = this.store.warnings.splice(0);
    const pending: QueuedMessage[] = [];
    // Messages with hard-bounced recipients whose DSN was not queued before a crash.
    const unnotified: QueuedMessage[] = [];
    // An empty range is rewritten too: its shard file and directory go.
    let rewrite = stored.length !== spooled.length || spooled.length === 0;
    for (const mid of spooled) {
      let msg: QueuedMessage;
      const s = byMid.get(mid);
      if (s) {
        // Its repeating strings (sender, listener, profile, domains) are interned by newMessage.
        msg = fromStored(s, domainOf);
      } else {
        try {
          const read = await this.spool.readEnvelope(mid);
          // A file placed ahead that no message took before the stop (placed-files.ts): removed.
          if (!read) continue;
          const { envelope, size } = read;
          msg = newMessage(envelope, size, newRecipients(envelope.to, domainOf));
          l.rebuilt++;
          rewrite = true;
        } catch (e) {
          if (e instanceof SpoolDamagedError) {
            const where = await this.spool.quarantine(mid).catch((err: Error) => `nowhere (${err.message})`);
            warnings.push(`${e.message}: moved to ${where}, not queued`);
          } else warnings.push(`spool file ${this.spool.file(mid)} is unreadable (${(e as Error).message}); left in place, not queued`);
          rewrite = true;
          continue;
        }
      }
      l.messages++;
      l.bytes += msg.size;
      const owesDsn = msg.rcpts.some((r) => r.dsnPending !== '');
      if (msg.pending === 0 && !owesDsn) {
        await this.spool.remove(mid, msg.size);
        this.store.untrack(msg);
        continue;
      }
      this.messages.restore(msg);
      this.bytes += msg.size;
      if (msg.pending > 0) pending.push(msg);
      if (owesDsn) unnotified.push(msg);
    }
    // The shard is written again when it differs from what is now queued (and goes when the range is empty).
    if (rewrite) this.store.rewrite(bucket);
    l.bucketsDone++;
    this.#levels?.check(this.messages.size, this.bytes);
    return { pending, unnotified, warnings };
  }
}
