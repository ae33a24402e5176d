// CLI test harness: a real engine with its control socket, and ways to talk to it as an
// operator would: `esa shell` as a child process, or the same batch / -c front ends in-process.
import { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { runBatch, runCommandLine } from '../../cli/batch.js';
import { startControlServer, type ControlServer } from '../../src/appliance/control/server.js';
import type { Engine } from '../../src/engine/engine.js';
import { finished, removeDir, spawnEsa, startEngine, type TestEngineOptions } from '../helpers/harness.js';

export interface CliEngine {
  engine: Engine;
  control: ControlServer;
  socket: string;
  stop(): Promise<void>;
}

/** An in-process engine (frozen clock) with its control socket in the data dir. */
export async function startCliEngine(o: TestEngineOptions = {}): Promise<CliEngine> {
  const engine = await startEngine(o);
  const socket = path.join(engine.api.dataDir, 'esa.sock');
  const control = await startControlServer(engine.api, socket);
  return {
    engine,
    control,
    socket,
    async stop() {
      await control.close();
      await engine.stop();
      await removeDir(engine.api.dataDir);
    },
  };
}

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Batch mode in-process: the input's lines are commands and answers. */
export async function batch(socket: string, input: string): Promise<ShellRun> {
  const output = new Collect();
  const errors = new Collect();
  const code = await runBatch(socket, Readable.from([input]), { output, errors });
  return { code, stdout: output.text, stderr: errors.text };
}

/** `esa shell -c LINE` in-process. */
export async function oneLine(socket: string, line: string): Promise<ShellRun> {
  const output = new Collect();
  const errors = new Collect();
  const code = await runCommandLine(socket, line, { output, errors });
  return { code, stdout: output.text, stderr: errors.text };
}

/** `esa shell ...` as a real child process, from the sources; stdin gets `input` then ends. */
export async function shellProcess(args: string[], input = ''): Promise<ShellRun> {
  const child = spawnEsa(['shell', ...args], { CI: 'true' });
  const done = finished(child);
  child.stdin?.end(input);
  return done;
}
