// The set-up of the kill -9 tests: one backend, one temp data dir, and `esa start` children on
// it; `close()` kills the children still running and removes the backend and the data dir.
import type { ChildProcess } from 'node:child_process';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { removeDir, startBackend, startEngineChild, tempDir } from './harness.js';

export class CrashRig {
  readonly #children: ChildProcess[] = [];

  private constructor(
    readonly backend: BackendServer,
    readonly dataDir: string,
  ) {}

  static async create(): Promise<CrashRig> {
    return new CrashRig(await startBackend(), await tempDir());
  }

  /** An engine child on the data dir, routing to the backend; resolves with its listener port once it accepts. */
  async startChild(): Promise<{ child: ChildProcess; port: number }> {
    const started = await startEngineChild(this.dataDir, this.backend.port);
    this.#children.push(started.child);
    return started;
  }

  async close(): Promise<void> {
    for (const c of this.#children) if (c.exitCode === null) c.kill('SIGKILL');
    await this.backend.stop();
    await removeDir(this.dataDir);
  }
}

/** Resolves once the child has exited (at once if it already has: its 'exit' event is gone then). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
