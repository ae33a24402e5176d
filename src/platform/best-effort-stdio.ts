// Standard output and error as best-effort channels for every `esa` command: what cannot be
// written to them (EPIPE when the reader went away, ENOSPC on a full disk, EAGAIN, EIO when the
// terminal closed) is dropped, never an 'error' event that ends the engine or a shell.
import { fstatSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** What was lost on one stream: the first failure's code, and how many writes were dropped. */
export interface StdioLoss {
  code: string;
  dropped: number;
}

const losses = new Map<Writable, StdioLoss>();
const made = new WeakSet<Writable>();

function lost(stream: Writable, e: unknown): void {
  const seen = losses.get(stream);
  if (seen) seen.dropped++;
  else losses.set(stream, { code: (e as NodeJS.ErrnoException).code ?? String(e), dropped: 1 });
}

/** What was dropped on a stream made best-effort here (undefined: nothing). */
export function stdioLoss(stream: Writable): StdioLoss | undefined {
  return losses.get(stream);
}

/**
 * Makes `stream` (process.stdout or process.stderr) best-effort. A file or device (`> file`,
 * `> /dev/full`) is written with one synchronous write per chunk, as Node does, but a refused
 * chunk is dropped and the next one tried: output resumes once the disk has room. A pipe or a
 * terminal that fails is given up: its reader is gone.
 */
export function makeBestEffort(stream: Writable & { fd?: number }): void {
  if (made.has(stream)) return;
  made.add(stream);
  stream.on('error', (e) => lost(stream, e));
  const fd = stream.fd;
  if (typeof fd !== 'number' || !isFileOrDevice(fd)) return;
  // Node's SyncWriteStream would turn the first refused write into an 'error' and end the stream.
  (stream as unknown as { _write: Writable['_write'] })._write = (chunk: Buffer, _encoding, cb) => {
    try {
      writeSync(fd, chunk, 0, chunk.length);
    } catch (e) {
      lost(stream, e);
    }
    cb();
  };
}

function isFileOrDevice(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || (st.isCharacterDevice() && !isTty(fd));
  } catch {
    return false;
  }
}

function isTty(fd: number): boolean {
  return (fd === 1 && process.stdout.isTTY) || (fd === 2 && process.stderr.isTTY);
}

/** Both standard streams of this process (called first thing by the `esa` entry point). */
export function makeStdioBestEffort(): void {
  makeBestEffort(process.stdout);
  makeBestEffort(process.stderr);
}
