// The backend for the benchmark: Postfix's `smtp-sink` (fast, in C, counts messages as they
// arrive) when it is installed, else the built-in `esa backend` as a child process (no count:
// deliveries are then seen by the queue emptying). It can be taken down and brought back on the
// same port to play "backend down".
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnEsa } from './esa-command.js';
import { childAnswersSmtp, stopChild } from './proc.js';

export type SinkKind = 'smtp-sink' | 'esa-backend' | 'tls-sink';

/** The path of Postfix's smtp-sink (or smtp-source, postfix...), if installed. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** tls-sink beside this file: `.js` in the build, `.ts` when the bench runs from the sources (tsx). */
function tlsSinkScript(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `tls-sink${path.extname(here)}`);
}

export class Sink {
  #child: ChildProcess | null = null;
  #count = 0;
  #waiters: { target: number; resolve: (at: number) => void }[] = [];
  /** When the count changed: [count, performance.now()] pairs, so a crossing is known even if nobody waited yet. */
  #marks: [number, number][] = [];
  #exited: Promise<void> = Promise.resolve();

  /** `tls`: the certificate and key files the TLS sink (tls-sink.ts) offers STARTTLS with. */
  constructor(
    readonly kind: SinkKind,
    readonly port: number,
    readonly tls?: { certFile: string; keyFile: string },
  ) {}

  static choose(prefer: SinkKind | 'auto', port: number): Sink {
    if (prefer === 'esa-backend') return new Sink('esa-backend', port);
    if (findProgram('smtp-sink')) return new Sink('smtp-sink', port);
    if (prefer === 'smtp-sink') throw new Error('smtp-sink is not installed (apt-get install postfix); use --sink esa');
    return new Sink('esa-backend', port);
  }

  get up(): boolean {
    return this.#child !== null;
  }

  /** Messages received since this sink object was made (across restarts); undefined when not countable. */
  get delivered(): number | undefined {
    return this.kind === 'esa-backend' ? undefined : this.#count;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const base = this.#count;
    let child: ChildProcess;
    if (this.kind !== 'esa-backend') {
      const root = process.getuid?.() === 0;
      child =
        this.kind === 'smtp-sink'
          ? spawn(findProgram('smtp-sink')!, [...(root ? ['-u', 'nobody'] : []), '-c', '-4', '-m', '1024', `127.0.0.1:${this.port}`, '1024'], {
              stdio: ['ignore', 'pipe', 'pipe'],
            })
          : spawn(process.execPath, [...process.execArgv, tlsSinkScript(), String(this.port), this.tls!.certFile, this.tls!.keyFile], {
              stdio: ['ignore', 'pipe', 'pipe'],
            });
      let tail = '';
      child.stdout!.on('data', (d: Buffer) => {
        tail = (tail + d.toString('latin1')).slice(-200);
        const all = tail.match(/mesg=(\d+)/g);
        if (!all) return;
        const n = Number(all[all.length - 1].slice(5));
        if (base + n === this.#count) return;
        this.#count = base + n;
        this.#marks.push([this.#count, performance.now()]);
        this.#wake();
      });
    } else {
      child = spawnEsa(['backend', '--listen', `127.0.0.1:${this.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2_000)));
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.#child = child;
    await childAnswersSmtp(this.#exited, this.port, 20_000, () => `${this.kind} exited at start: ${stderr.trim()}`);
  }

  /** Takes the backend down: the port refuses connections. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    await stopChild(child, this.#exited, 3_000);
  }

  /** Resolves with performance.now() once `target` messages have arrived (smtp-sink only). */
  waitDelivered(target: number, timeoutMs: number): Promise<number> {
    if (this.kind === 'esa-backend') return Promise.reject(new Error('the built-in backend does not count deliveries'));
    if (this.#count >= target) return Promise.resolve(this.reachedAt(target));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`the sink got ${this.#count} of ${target} messages within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const done = (at: number) => {
        clearTimeout(timer);
        resolve(at);
      };
      this.#waiters.push({ target, resolve: done });
    });
  }

  /** performance.now() when the count first reached `target` (NaN if it has not). */
  reachedAt(target: number): number {
    // Binary search: counts only grow.
    let lo = 0;
    let hi = this.#marks.length - 1;
    let found = NaN;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#marks[mid][0] >= target) {
        found = this.#marks[mid][1];
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found;
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const now = performance.now();
    const still = [];
    for (const w of this.#waiters) {
      if (this.#count >= w.target) w.resolve(this.reachedAt(w.target) || now);
      else still.push(w);
    }
    this.#waiters = still;
  }
}
