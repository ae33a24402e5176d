// `esa start` and `esa backend`: run a server in the foreground until SIGTERM/SIGINT.
import path from 'node:path';
import { type HostPort, type StartOverrides } from '../src/model/config.js';
import { socketAnswers, StartRefusedError } from '../src/platform/data-dir-lock.js';
import { LibraryShapeError } from '../src/platform/library-shape.js';
import { pathErrorLine } from '../src/platform/data-dir-layout.js';
import { Engine } from '../src/engine/engine.js';
import { ControlServer, ControlSocketError, defaultSocketPath, startControlServer } from '../src/appliance/control/server.js';
import { BackendServer } from '../src/sandbox/backend.js';
import { startStallReport } from '../bench/stall-monitor.js';
import { applyHeapPolicy } from '../src/platform/heap-policy.js';
import { startUsersAndSsh } from './ssh/serve.js';
import type { SshServer } from './ssh/ssh-server.js';
import { guiStartError, startGui } from './gui-serve.js';
import type { GuiServer } from '../src/gui/server.js';

export interface StartArgs {
  dataDir: string;
  hostname?: string;
  listen?: HostPort;
  accept?: string[];
  route?: HostPort;
  socket?: string;
  queueMaxMessages?: number;
  queueMaxMb?: number;
  timeScale: number;
  logRotateMb?: number;
  logKeep?: number;
  ssh?: HostPort;
  /** The web GUI's address, stored in the configuration; null (`--gui off`) removes it. */
  gui?: HostPort | null;
  adminPassword?: string;
  /** `--cluster nats://host:port`: the cluster to join (or create) at start. */
  cluster?: string;
}

/** The mail log's rotation from --log-rotate-mb / --log-keep (the engine's defaults when absent). */
export function logOptionsOf(args: StartArgs): { logRotateBytes?: number; logKeep?: number } {
  return {
    logRotateBytes: args.logRotateMb === undefined ? undefined : Math.max(1, Math.round(args.logRotateMb * 1024 * 1024)),
    logKeep: args.logKeep,
  };
}

/** One line for an error a user can cause; a stack trace only for a bug. */
export function startupError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e instanceof StartRefusedError) return e.message; // data dir busy, unsafe permissions
  if (e instanceof LibraryShapeError) return e.message;
  if (err.code === 'EADDRINUSE') return `address ${err.address ?? ''}:${err.port ?? ''} is already in use: stop what uses it or choose another with --listen`;
  if (err.code === 'EACCES' || err.code === 'EPERM') return `permission denied: ${err.message}`;
  if (err.code === 'ENOSPC') return `no space left on the device of the data dir: ${err.message}`;
  if (err.code === 'EROFS') return `the data dir is on a read-only file system: ${err.message}`;
  const inTheWay = pathErrorLine(e); // EISDIR, EEXIST, ENOTDIR: named by their path
  if (inTheWay) return inTheWay;
  return '';
}

/**
 * Installs the SIGTERM/SIGINT handlers at once and returns where to give them the stop to run.
 * A signal that comes before (while the engine is still starting) is kept and acted on as soon
 * as the stop is given, so a stop asked for during the start is still a clean one.
 */
export function signalStop(): (stop: () => Promise<void>) => void {
  let stop: (() => Promise<void>) | undefined;
  let asked = false;
  let stopping = false;
  const run = () => {
    if (stopping || !stop) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (e: Error) => {
        process.stderr.write(`esa: error while stopping: ${e.message}\n`);
        process.exit(1);
      },
    );
  };
  const handler = () => {
    asked = true;
    run();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return (given) => {
    stop = given;
    if (asked) run();
  };
}

export function onSignals(stop: () => Promise<void>): void {
  signalStop()(stop);
}

/**
 * The stored configuration the command-line flags override. The flags have no yargs
 * defaults: a flag not given is undefined here and never undoes a committed change.
 */
export function overridesOf(args: StartArgs): StartOverrides {
  return {
    hostname: args.hostname,
    listen: args.listen,
    accept: args.accept,
    route: args.route,
    queueMaxMessages: args.queueMaxMessages,
    queueMaxMb: args.queueMaxMb,
    gui: args.gui,
  };
}

export async function runStart(args: StartArgs): Promise<void> {
  const whenStarted = signalStop();
  startStallReport();
  const dataDir = path.resolve(args.dataDir);
  // A socket of its own (--socket) may be taken by an engine on another data dir: refuse
  // before binding any listener. The default socket is guarded by the data dir lock.
  if (args.socket && (await socketAnswers(path.resolve(args.socket)))) {
    process.stderr.write(`esa: another engine answers on ${path.resolve(args.socket)}: stop it first, or start this one with another --socket\n`);
    process.exit(2);
  }
  const overrides = overridesOf(args);
  let engine: Engine;
  try {
    engine = await Engine.start({
      dataDir,
      timeScale: args.timeScale,
      overrides,
      ...logOptionsOf(args),
      ...(args.cluster !== undefined ? { cluster: args.cluster } : {}),
      echoLog: (line) => process.stdout.write(line),
    });
  } catch (e) {
    const line = startupError(e);
    if (!line) throw e;
    process.stderr.write(`esa: ${line}\n`);
    process.exit(2);
  }
  // Once the queue on disk is loaded (at once when it is small): from then on a big queue's
  // heap stays near what is live. Not while it loads: nearly everything allocated then stays,
  // and collecting more often only lengthens the start's pauses (src/platform/heap-policy.ts).
  void engine.queueLoaded.then(() => applyHeapPolicy());
  let control: ControlServer;
  try {
    control = await startControlServer(engine.api, args.socket ?? defaultSocketPath(dataDir));
  } catch (e) {
    await engine.stop();
    const line = e instanceof ControlSocketError ? e.message : startupError(e);
    if (!line) throw e;
    process.stderr.write(`esa: ${line}\n`);
    process.exit(2);
  }
  let ssh: SshServer | null;
  try {
    ssh = await startUsersAndSsh(control, args, (line) => process.stdout.write(`esa: ${line}\n`));
  } catch (e) {
    await control.close();
    await engine.stop();
    const line = startupError(e);
    if (!line) throw e;
    process.stderr.write(`esa: SSH: ${line}\n`);
    process.exit(2);
  }
  const guiAt = engine.api.config().gui;
  let gui: GuiServer | null = null;
  if (guiAt) {
    try {
      gui = await startGui(control, guiAt, (line) => process.stdout.write(`esa: ${line}\n`));
    } catch (e) {
      await ssh?.close();
      await control.close();
      await engine.stop();
      const line = guiStartError(e, guiAt);
      if (!line) throw e;
      process.stderr.write(`esa: ${line}\n`);
      process.exit(2);
    }
  }
  whenStarted(async () => {
    // Sessions end first (a dialog in progress applies nothing), then the engine.
    await gui?.close();
    await ssh?.close();
    await control.close();
    await engine.stop();
  });
  for (const line of engine.overrideReport) process.stdout.write(`esa: ${line}\n`);
  for (const l of engine.api.listenerViews()) process.stdout.write(`esa: listener ${l.name} on ${l.host}:${l.port}\n`);
  const cluster = engine.api.cluster.view();
  if (cluster) {
    const state = cluster.connected ? `revision ${cluster.revision}` : 'unreachable: running on the last configuration';
    process.stdout.write(`esa: cluster ${cluster.name} at ${cluster.url}, machine ${cluster.machine} in group ${cluster.group ?? '?'} (${state})\n`);
  }
  process.stdout.write(`esa: engine ready (data dir ${dataDir}, ${engine.api.gauges().queuedMessages} queued, control socket ${control.socketPath})\n`);
}

export async function runBackend(args: { listen: HostPort; store?: string }): Promise<void> {
  const backend = new BackendServer({ host: args.listen.host, port: args.listen.port, storeDir: args.store });
  try {
    await backend.start();
  } catch (e) {
    const line = startupError(e);
    if (!line) throw e;
    process.stderr.write(`esa: ${line}\n`);
    process.exit(2);
  }
  onSignals(() => backend.stop());
  process.stdout.write(`esa: backend mail server on ${backend.address}${args.store ? `, storing in ${args.store}` : ''}\n`);
}
