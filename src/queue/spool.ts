// Spool files: one per message, the truth for what is queued. Written to a temporary name,
// fdatasynced, renamed, and the directory fsynced before the listener may answer 250.
//
// The writes run in a small pool of worker threads doing the system calls synchronously, a
// batch at a time: every message that arrives while a batch is being written goes into the
// next one, which ends with one fsync of the directory for all of it (group commit). Done on
// the main thread through fs/promises, the same six calls per message (open, writev,
// fdatasync, close, rename, and a share of the directory fsync) each cost a thread-pool round
// trip, and together took a third of the engine's main thread at 1,000 msg/s; through the
// pool a message costs one structured-clone copy of its bytes. Removals go the same way.
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Envelope } from './message.js';

/** One unit of work for a spool worker. */
type SpoolWork = { op: 'write'; tmp: string; final: string; dir: string; parts: Uint8Array[] } | { op: 'remove'; file: string };
type SpoolJob = SpoolWork & { id: number };

/** A job's outcome: [id, error message, error code] (no error: null). */
type SpoolDone = [number, string | null, string | null];

/**
 * The worker's code (CommonJS, evaluated: no file to resolve, the same under tsx and dist).
 * Writes first, then one fsync per directory touched; a write whose directory fsync fails is
 * reported failed, since its rename may not survive a crash.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', (batch) => {
  const done = [];
  const written = new Map();
  for (const job of batch) {
    if (job.op === 'remove') {
      try { fs.unlinkSync(job.file); done.push([job.id, null, null]); }
      catch (e) { done.push(e.code === 'ENOENT' ? [job.id, null, null] : [job.id, e.message, e.code || null]); }
      continue;
    }
    let fd = -1;
    try {
      fd = fs.openSync(job.tmp, 'w', 0o600);
      fs.writevSync(fd, job.parts);
      fs.fdatasyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
      fs.renameSync(job.tmp, job.final);
      let list = written.get(job.dir);
      if (!list) { list = []; written.set(job.dir, list); }
      list.push(job.id);
    } catch (e) {
      if (fd >= 0) { try { fs.closeSync(fd); } catch {} }
      try { fs.unlinkSync(job.tmp); } catch {}
      done.push([job.id, e.message, e.code || null]);
    }
  }
  for (const [dir, ids] of written) {
    let error = null;
    try {
      const fd = fs.openSync(dir, 'r');
      try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    } catch (e) { error = e; }
    for (const id of ids) done.push(error ? [id, 'directory fsync failed: ' + error.message, error.code || null] : [id, null, null]);
  }
  parentPort.postMessage(done);
});
`;

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

interface WorkerSlot {
  worker: Worker | null;
  busy: boolean;
  /** The batch it is writing now. */
  batch: SpoolJob[];
}

/** The worker threads shared by every spool of the process, started on first use. */
class SpoolWorkers {
  readonly #workers: WorkerSlot[] = [];
  readonly #waiting = new Map<number, Waiter>();
  #queue: SpoolJob[] = [];
  #nextId = 1;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.#workers.push({ worker: null, busy: false, batch: [] });
  }

  run(job: SpoolWork): Promise<void> {
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#queue.push({ ...job, id });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const slot of this.#workers) {
      if (this.#queue.length === 0) return;
      if (slot.busy) continue;
      const worker = slot.worker ?? this.#start(slot);
      const batch = this.#queue;
      this.#queue = [];
      slot.busy = true;
      slot.batch = batch;
      // A worker with work keeps the process alive until it is done; an idle one does not.
      worker.ref();
      worker.postMessage(batch);
    }
  }

  #start(slot: WorkerSlot): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    slot.worker = worker;
    worker.on('message', (done: SpoolDone[]) => {
      slot.busy = false;
      slot.batch = [];
      worker.unref();
      for (const [id, message, code] of done) {
        const w = this.#waiting.get(id);
        if (!w) continue;
        this.#waiting.delete(id);
        if (message === null) w.resolve();
        else w.reject(Object.assign(new Error(message), code ? { code } : {}));
      }
      this.#dispatch();
    });
    const lost = (why: string) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      slot.busy = false;
      for (const job of slot.batch) {
        const w = this.#waiting.get(job.id);
        if (!w) continue;
        this.#waiting.delete(job.id);
        w.reject(new Error(`spool worker ${why}`));
      }
      slot.batch = [];
      this.#dispatch();
    };
    worker.on('error', (e) => lost(`failed: ${e.message}`));
    worker.on('exit', (code) => lost(`exited (status ${code})`));
    return worker;
  }
}

let workers: SpoolWorkers | null = null;
function spoolWorkers(): SpoolWorkers {
  // Two: the fdatasyncs of one batch run while the other writes.
  workers ??= new SpoolWorkers(2);
  return workers;
}

export class Spool {
  readonly dir: string;

  constructor(queueDir: string) {
    this.dir = path.join(queueDir, 'spool');
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  file(mid: number): string {
    return path.join(this.dir, `${mid}.msg`);
  }

  /** Writes envelope + content durably. Resolves only when a crash can no longer lose it. */
  async write(envelope: Envelope, content: Buffer[]): Promise<number> {
    const header = Buffer.from(JSON.stringify(envelope) + '\n');
    const final = this.file(envelope.mid);
    let size = 0;
    for (const p of content) size += p.length;
    await spoolWorkers().run({ op: 'write', tmp: final + '.tmp', final, dir: this.dir, parts: [header, ...content] });
    return size;
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
    await spoolWorkers().run({ op: 'remove', file: this.file(mid) });
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
