// `esa sandbox` (what `npm start` runs): the engine, the built-in backend mail server behind
// it and a shell on it, in one process, for training. The shell is the same as `esa shell`
// (interactive on a terminal, batch on a pipe) with the sandbox's `sim` commands added.
import path from 'node:path';
import { SANDBOX_COMMANDS } from '../src/appliance/registry.js';
import { ControlServer, ControlSocketError, defaultSocketPath } from '../src/appliance/control/server.js';
import { quietDiagnostics } from '../src/platform/diagnostics.js';
import { Engine, readStoredConfig } from '../src/engine/engine.js';
import { BackendServer } from '../src/sandbox/backend.js';
import { Sandbox } from '../src/sandbox/sandbox.js';
import { NoEngineError } from './client.js';
import { frontEnd } from './shell.js';
import { startUsersAndSsh } from './ssh/serve.js';
import type { SshServer } from './ssh/ssh-server.js';
import { guiStartError, SANDBOX_GUI, startGui } from './gui-serve.js';
import type { GuiServer } from '../src/gui/server.js';
import { logOptionsOf, overridesOf, startupError, type StartArgs } from './start.js';
import { defaultRouteHost, type HostPort } from '../src/model/config.js';

export interface SandboxArgs extends StartArgs {
  c?: string;
}

/** Where the built-in backend listens in a new data dir without --route. */
const SANDBOX_BACKEND: HostPort = { host: '127.0.0.1', port: 2526 };

class BackendAddressError extends Error {}

/** The backend could not listen where the route points: say which flag moves it. */
function backendError(e: unknown, route: HostPort, flagged: boolean): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL') return e;
  const where = flagged ? 'given with --route' : 'of the stored default route';
  const why = code === 'EADDRINUSE' ? 'is already in use' : 'is not an address of this machine';
  return new BackendAddressError(
    `the backend mail server cannot listen on ${route.host}:${route.port} (${where}): it ${why}; start with --route 127.0.0.1:0 to pick a free port`,
  );
}

function fail(e: unknown): never {
  const line = e instanceof ControlSocketError || e instanceof BackendAddressError ? e.message : startupError(e);
  if (!line) throw e;
  process.stderr.write(`esa: ${line}\n`);
  process.exit(2);
}

export async function runSandbox(args: SandboxArgs): Promise<void> {
  const dataDir = path.resolve(args.dataDir);
  // The backend listens where mail goes: --route when given, else the stored default route
  // (a restart without flags comes back as it was), else the factory default.
  const stored = await readStoredConfig(dataDir);
  const route = args.route ?? (stored && defaultRouteHost(stored)) ?? SANDBOX_BACKEND;
  // What the backend receives is kept in the data dir for `sim mailbox` (size-capped).
  const backend = new BackendServer({ host: route.host, port: route.port, name: 'exchange.example.com', mailboxDir: path.join(dataDir, 'mailboxes') });
  try {
    await backend.start();
  } catch (e) {
    fail(backendError(e, route, args.route !== undefined));
  }
  const overrides = overridesOf(args);
  // Port 0 picks a free port: the stored route follows the backend.
  if (args.route) overrides.route = { host: route.host, port: backend.port };
  const sandbox = new Sandbox(backend);
  let engine: Engine;
  try {
    engine = await Engine.start({
      dataDir,
      timeScale: args.timeScale,
      ...logOptionsOf(args),
      overrides,
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
  let ssh: SshServer | null = null;
  try {
    ssh = await startUsersAndSsh(control, args, (line) => process.stderr.write(`esa sandbox: ${line}\n`));
  } catch (e) {
    await control.close();
    await engine.stop();
    await backend.stop();
    fail(e);
  }
  // The web GUI: where the configuration says (--gui), else the sandbox's default address (a
  // free port when it is taken); not for a one-line run (-c) unless asked for.
  const guiAt = engine.api.config().gui ?? (args.c === undefined ? SANDBOX_GUI : undefined);
  let gui: GuiServer | null = null;
  if (guiAt) {
    try {
      gui = await startGui(control, guiAt, (line) => process.stderr.write(`esa sandbox: ${line}\n`), !engine.api.config().gui);
    } catch (e) {
      await ssh?.close();
      await control.close();
      await engine.stop();
      await backend.stop();
      const line = guiStartError(e, guiAt);
      if (!line) throw e;
      process.stderr.write(`esa: ${line}\n`);
      process.exit(2);
    }
  }
  const stop = async () => {
    await gui?.close();
    await ssh?.close();
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
  for (const line of engine.overrideReport) process.stderr.write(`esa sandbox: ${line}\n`);
  process.stderr.write(
    `esa sandbox: listener ${listener?.name} on ${listener?.host}:${listener?.port}, backend mail server on ${backend.address}, data dir ${dataDir}\n` +
      // The welcome is for a person at the shell, not for -c or a script.
      (args.c === undefined && process.stdin.isTTY && process.stdout.isTTY
        ? `esa sandbox: type "help sim" for the sandbox commands, "quit" to leave (the engine stops with the shell)\n`
        : ''),
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
