// `esa sandbox` (what `npm start` runs): the engine, the built-in backend mail server behind
// it and a shell on it, in one process, for training. The shell is the same as `esa shell`
// (interactive on a terminal, batch on a pipe) with the sandbox's `sim` commands added.
import path from 'node:path';
import { SANDBOX_COMMANDS } from '../src/commands/registry.js';
import { ControlServer, ControlSocketError, defaultSocketPath } from '../src/control/server.js';
import { quietDiagnostics } from '../src/diagnostics.js';
import { Engine } from '../src/engine.js';
import { BackendServer } from '../src/sandbox/backend.js';
import { Sandbox } from '../src/sandbox/sandbox.js';
import { NoEngineError } from './client.js';
import { frontEnd } from './shell.js';
import { logOptionsOf, overridesOf, startupError, warnUnavailable, type StartArgs } from './start.js';

export interface SandboxArgs extends StartArgs {
  c?: string;
}

function fail(e: unknown): never {
  const line = e instanceof ControlSocketError ? e.message : startupError(e);
  if (!line) throw e;
  process.stderr.write(`esa: ${line}\n`);
  process.exit(2);
}

export async function runSandbox(args: SandboxArgs): Promise<void> {
  warnUnavailable(args);
  const dataDir = path.resolve(args.dataDir);
  const route = args.route ?? { host: '127.0.0.1', port: 2526 };
  // The backend takes the route's address; port 0 picks a free one and the route follows it.
  const backend = new BackendServer({ host: route.host, port: route.port, name: 'exchange.example.com' });
  try {
    await backend.start();
  } catch (e) {
    fail(e);
  }
  const sandbox = new Sandbox(backend);
  let engine: Engine;
  try {
    engine = await Engine.start({
      dataDir,
      timeScale: args.timeScale,
      ...logOptionsOf(args),
      overrides: { ...overridesOf(args), route: { host: route.host, port: backend.port } },
      sandbox,
      // A line on stderr would land on top of the Ink screen: warnings go to the mail log and
      // the status bar, bugs to a file in the data dir.
      diagnostics: quietDiagnostics(dataDir, (line) => sandbox.note(line)),
    });
  } catch (e) {
    await backend.stop();
    fail(e);
  }
  let control: ControlServer;
  try {
    control = await ControlServer.start(engine.api, args.socket ?? defaultSocketPath(dataDir), SANDBOX_COMMANDS);
  } catch (e) {
    await engine.stop();
    await backend.stop();
    fail(e);
  }
  const stop = async () => {
    await control.close();
    await engine.stop();
    await backend.stop();
  };
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop().then(() => process.exit(0));
    });
  }
  const listener = engine.api.listenerViews()[0];
  process.stderr.write(
    `esa sandbox: listener ${listener?.name} on ${listener?.host}:${listener?.port}, backend mail server on ${backend.address}, data dir ${dataDir}\n` +
      `esa sandbox: type "help sim" for the sandbox commands, "quit" to leave (the engine stops with the shell)\n`,
  );
  let code: number;
  try {
    code = await frontEnd({ c: args.c }, control.socketPath);
  } catch (e) {
    process.stderr.write(`esa: ${e instanceof NoEngineError ? e.message : (e as Error).message}\n`);
    code = 2;
  }
  stopping = true;
  await stop();
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
