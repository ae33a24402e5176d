// The cluster's store: a NATS JetStream key-value bucket, reached with the pure-JavaScript
// clients (@nats-io/transport-node, @nats-io/kv). The one file that touches them: it checks
// their shape before the first use (a LibraryShapeError names the installed version and the
// pinned range) and turns their errors into two kinds the cluster acts on: a compare-and-swap
// that found another revision (StoreConflict) and a server that does not answer
// (StoreUnavailable). Values are JSON.
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { LibraryShapeError } from '../../platform/library-shape.js';

/** The range package.json pins both clients to (test/contract/nats.test.ts keeps them equal). */
export const NATS_PIN = '~3.4.0';

/** One NATS JetStream account holds one cluster, in this bucket. */
export const BUCKET = 'esa_cluster';

/** Revisions kept per key (the bucket's history). */
const HISTORY = 10;

export interface StoredEntry {
  key: string;
  /** The value; undefined when the key was deleted. */
  value: unknown;
  /** The bucket's sequence number of this write: one order over every key. */
  revision: number;
}

/** A write whose expected revision was not the key's (another member wrote first). */
export class StoreConflict extends Error {}

/** The server did not answer, or is not there. */
export class StoreUnavailable extends Error {}

export interface ClusterStore {
  readonly url: string;
  readonly connected: boolean;
  get(key: string): Promise<StoredEntry | undefined>;
  /** Every key's latest value, and the bucket's last revision before they were read. */
  snapshot(): Promise<{ entries: StoredEntry[]; lastRevision: number }>;
  /** Writes a key that must not exist yet. */
  create(key: string, value: unknown): Promise<number>;
  /** Writes a key whose latest revision must be `revision` (compare-and-swap). */
  update(key: string, value: unknown, revision: number): Promise<number>;
  put(key: string, value: unknown): Promise<number>;
  delete(key: string): Promise<void>;
  /** Every write from `fromRevision` on, in order; returns the stop function. */
  watch(fromRevision: number, onEntry: (entry: StoredEntry) => void): () => void;
  /** Told when the connection drops (false) and comes back (true). */
  onConnection(listener: (connected: boolean) => void): void;
  /** Answers requests on a subject with `answer()`'s value. */
  serve(subject: string, answer: () => unknown): void;
  /** One request; undefined when nobody answers in time. */
  request(subject: string, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The client's name, as the server lists it. */
  name: string;
  /** A request's time (default 2 s). */
  requestTimeoutMs?: number;
}

type Connection = Awaited<ReturnType<typeof connect>>;
type Bucket = Awaited<ReturnType<Kvm['create']>>;

/** Throws a LibraryShapeError naming the first of these methods `target` lacks. */
export function requireMethods(what: string, library: string, target: object, names: readonly string[]): void {
  for (const name of names) {
    if (typeof (target as Record<string, unknown>)[name] !== 'function') throw new LibraryShapeError(library, `${what}.${name}()`, NATS_PIN);
  }
}

/** The clients' shape as this file uses it, checked before the first connection. */
export function checkNatsShape(): void {
  if (typeof connect !== 'function') throw new LibraryShapeError('@nats-io/transport-node', 'connect()', NATS_PIN);
  if (typeof Kvm !== 'function') throw new LibraryShapeError('@nats-io/kv', 'Kvm', NATS_PIN);
  requireMethods('Kvm', '@nats-io/kv', Kvm.prototype, ['create', 'open']);
}

/** What a client error means here. */
function storeError(e: unknown, url: string): Error {
  const err = e as { name?: string; code?: number; message?: string };
  if (err?.name === 'JetStreamApiError' && err.code === 10071) return new StoreConflict(err.message ?? 'wrong last sequence');
  if (err?.name === 'NoRespondersError') return new StoreUnavailable(`the NATS server at ${url} has no JetStream (start it with nats-server -js)`);
  if (err?.name === 'JetStreamApiError') return new Error(`the NATS server at ${url} refused: ${err.message}`);
  return new StoreUnavailable(`the NATS server at ${url} did not answer (${err?.message ?? String(e)})`);
}

const encode = (value: unknown) => JSON.stringify(value);

function decode(key: string, revision: number, operation: string, text: () => string): StoredEntry {
  if (operation !== 'PUT') return { key, value: undefined, revision };
  try {
    return { key, value: JSON.parse(text()) as unknown, revision };
  } catch {
    // Not ours (or damaged): read as absent.
    return { key, value: undefined, revision };
  }
}

/** The host and port of a `nats://host:port` URL, or why it is not one. */
export function parseNatsUrl(url: string): { url: string } | { error: string } {
  const m = /^nats:\/\/([^/:\s]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?\/?$/.exec(url.trim());
  if (!m || (m[2] !== undefined && Number(m[2]) > 65_535)) return { error: `The URL must be nats://HOST:PORT (got "${url}").` };
  return { url: `nats://${m[1]}:${m[2] ?? '4222'}` };
}

class NatsStore implements ClusterStore {
  #connected = true;
  readonly #listeners: ((connected: boolean) => void)[] = [];

  constructor(
    readonly url: string,
    readonly nc: Connection,
    readonly kv: Bucket,
    readonly requestTimeoutMs: number,
  ) {
    void this.#followStatus();
  }

  get connected(): boolean {
    return this.#connected && !this.nc.isClosed();
  }

  async #followStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      const connected = s.type === 'reconnect' ? true : s.type === 'disconnect' ? false : undefined;
      if (connected === undefined || connected === this.#connected) continue;
      this.#connected = connected;
      for (const l of this.#listeners) l(connected);
    }
  }

  onConnection(listener: (connected: boolean) => void): void {
    this.#listeners.push(listener);
  }

  async #do<T>(run: () => Promise<T>): Promise<T> {
    if (!this.connected) throw new StoreUnavailable(`the NATS server at ${this.url} is not connected`);
    try {
      return await run();
    } catch (e) {
      throw storeError(e, this.url);
    }
  }

  get(key: string): Promise<StoredEntry | undefined> {
    return this.#do(async () => {
      const e = await this.kv.get(key);
      return e ? decode(e.key, e.revision, e.operation, () => e.string()) : undefined;
    });
  }

  snapshot(): Promise<{ entries: StoredEntry[]; lastRevision: number }> {
    return this.#do(async () => {
      const status = await this.kv.status();
      const lastRevision = status.streamInfo.state.last_seq;
      const keys: string[] = [];
      for await (const k of await this.kv.keys()) keys.push(k);
      const entries: StoredEntry[] = [];
      for (const key of keys) {
        const e = await this.kv.get(key);
        if (e) entries.push(decode(e.key, e.revision, e.operation, () => e.string()));
      }
      return { entries, lastRevision };
    });
  }

  create(key: string, value: unknown): Promise<number> {
    return this.#do(() => this.kv.create(key, encode(value)));
  }

  update(key: string, value: unknown, revision: number): Promise<number> {
    return this.#do(() => this.kv.update(key, encode(value), revision, this.requestTimeoutMs));
  }

  put(key: string, value: unknown): Promise<number> {
    return this.#do(() => this.kv.put(key, encode(value)));
  }

  delete(key: string): Promise<void> {
    return this.#do(() => this.kv.delete(key));
  }

  watch(fromRevision: number, onEntry: (entry: StoredEntry) => void): () => void {
    let stopped = false;
    let stop = () => {
      stopped = true;
    };
    void (async () => {
      try {
        const it = await this.kv.watch({ resumeFromRevision: Math.max(1, fromRevision) });
        if (stopped) return it.stop();
        stop = () => it.stop();
        for await (const e of it) onEntry(decode(e.key, e.revision, e.operation, () => e.string()));
      } catch {
        // The connection closed: a reconnect reads the bucket again and watches anew.
      }
    })();
    return () => stop();
  }

  serve(subject: string, answer: () => unknown): void {
    this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (!err) msg.respond(encode(answer()));
      },
    });
  }

  async request(subject: string, timeoutMs: number): Promise<unknown> {
    if (!this.connected) return undefined;
    try {
      return (await this.nc.request(subject, '', { timeout: timeoutMs })).json<unknown>();
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => undefined);
  }
}

/**
 * Connects to the NATS server and opens (creating if needed) the cluster's bucket; a server that
 * does not answer fails at once (StoreUnavailable). Once connected, the client reconnects by
 * itself whenever the connection drops.
 */
export async function openStore(url: string, options: OpenOptions): Promise<ClusterStore> {
  checkNatsShape();
  let nc: Connection;
  try {
    nc = await connect({
      servers: url,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 2_000,
      pingInterval: 5_000,
    });
  } catch (e) {
    throw storeError(e, url);
  }
  requireMethods('NatsConnection', '@nats-io/transport-node', nc, ['status', 'subscribe', 'request', 'close', 'isClosed']);
  let kv: Bucket;
  try {
    kv = await new Kvm(nc).create(BUCKET, { history: HISTORY });
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw storeError(e, url);
  }
  requireMethods('KV', '@nats-io/kv', kv, ['get', 'create', 'update', 'put', 'delete', 'watch', 'status', 'keys']);
  return new NatsStore(url, nc, kv, options.requestTimeoutMs ?? 2_000);
}
