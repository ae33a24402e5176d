// A file opened by number, through node:fs's callback API, for the spool's one file per message.
// A FileHandle of node:fs/promises is a native object that only the garbage collector destroys
// (a weak callback each, run in the full collection's pause): with a million messages queued the
// full collections come seconds apart, and destroying the FileHandles of the files written
// meanwhile took 40–56 ms of a 50–84 ms pause (docs/benchmarks.md). A number in a
// plain object costs the collector nothing.
import fs from 'node:fs';

/** The error of a call on a file already closed (its number may belong to another file by now). */
function closedError(): NodeJS.ErrnoException {
  return Object.assign(new Error('EBADF: the file is closed'), { code: 'EBADF' });
}

export class RawFile {
  #closed = false;

  private constructor(readonly fd: number) {}

  /** open(2) with numeric flags; `fs` is read at each call (the power-loss test model wraps it). */
  static open(file: string, flags: number, mode = 0o600): Promise<RawFile> {
    return new Promise((resolve, reject) => fs.open(file, flags, mode, (e, fd) => (e ? reject(e) : resolve(new RawFile(fd)))));
  }

  /** Writes the buffers at `position`; resolves with the bytes written. */
  writev(buffers: Buffer[], position: number): Promise<number> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => fs.writev(this.fd, buffers, position, (e, n) => (e ? reject(e) : resolve(n))));
  }

  truncate(length: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => fs.ftruncate(this.fd, length, (e) => (e ? reject(e) : resolve())));
  }

  datasync(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => fs.fdatasync(this.fd, (e) => (e ? reject(e) : resolve())));
  }

  /** Reads into `buffer` from `offset` at most `length` bytes at `position`; resolves with the bytes read (0 at the end). */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => fs.read(this.fd, buffer, offset, length, position, (e, n) => (e ? reject(e) : resolve(n))));
  }

  /** The whole file: open, read, close. fs.promises' readFile asks for its size first, one thread-pool round trip more. */
  static async readWhole(file: string, expected = 16 * 1024): Promise<Buffer> {
    const fh = await RawFile.open(file, fs.constants.O_RDONLY);
    try {
      let buf = Buffer.allocUnsafeSlow(Math.max(expected, 1024));
      let length = 0;
      for (;;) {
        const n = await fh.read(buf, length, buf.length - length, length);
        length += n;
        // A read of a regular file that returns less than asked for has reached its end.
        if (n === 0 || length < buf.length) return buf.subarray(0, length);
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
    } finally {
      await fh.close();
    }
  }

  /** The file's length now. */
  size(): Promise<number> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => fs.fstat(this.fd, (e, st) => (e ? reject(e) : resolve(st.size))));
  }

  /** Closes the file once; later calls do nothing (the number is not closed twice). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve, reject) => fs.close(this.fd, (e) => (e ? reject(e) : resolve())));
  }
}
