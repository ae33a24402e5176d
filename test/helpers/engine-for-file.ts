// One engine routing to one backend, shared by the tests of a file: the before/after hooks that
// start them and stop them (data dir removed), and a commit of a changed configuration.
import { after, before } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { configCopy, listenerPort, removeDir, startBackend, startEngine, type TestEngineOptions } from './harness.js';

export interface EngineAndBackend {
  engine: Engine;
  backend: BackendServer;
  /** The IncomingMail listener's port. */
  port: number;
}

/** Registers the file's hooks; `onStart` gets the running parts before the first test. */
export function engineForFile(onStart: (started: EngineAndBackend) => void, o: TestEngineOptions = {}): void {
  let started: EngineAndBackend | undefined;
  before(async () => {
    const backend = await startBackend();
    const engine = await startEngine({ ...o, backendPort: backend.port });
    started = { engine, backend, port: listenerPort(engine) };
    onStart(started);
  });
  after(async () => {
    if (!started) return;
    await started.engine.stop();
    await started.backend.stop();
    await removeDir(started.engine.api.dataDir);
  });
}

/** Commits a changed copy of the running configuration (what `commit` does). */
export async function commitChange(engine: Engine, change: (next: ApplianceConfig) => void): Promise<void> {
  const next = configCopy(engine);
  change(next);
  await engine.api.applyConfig(next);
}
