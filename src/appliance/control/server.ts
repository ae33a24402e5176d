// The control socket: a Unix domain socket (mode 0600) in the data dir on which every
// connection is one CLI session. Started by `esa start` after the engine, closed before it.
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import { COMMANDS } from '../registry.js';
import type { CommandRegistry } from '../kit/command.js';
import { socketAnswers } from '../../platform/data-dir-lock.js';
import type { EngineApi } from '../../api/engine-api.js';
import { AuditLog } from '../../users/audit-log.js';
import { Logins } from '../../users/login.js';
import type { SessionUser } from '../../users/roles.js';
import { ControlConnection } from './connection.js';

/** Why the control socket cannot be opened, in one line for the operator. */
export class ControlSocketError extends Error {}

/** Unix socket paths are limited (108 bytes on Linux, with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

export function defaultSocketPath(dataDir: string): string {
  return path.join(dataDir, 'esa.sock');
}

export class ControlServer {
  readonly #server: Server;
  readonly #connections = new Set<ControlConnection>();
  #nextId = 1;
  #closing: Promise<void> | null = null;
  /** `logs/cli_logs`, `logs/gui_logs` and `logs/authentication`, shared by every session of this engine. */
  readonly audit: AuditLog;
  /** Password checks and the lockout, shared by the front ends that log users in (SSH, the web GUI). */
  readonly logins: Logins;

  private constructor(
    readonly engine: EngineApi,
    readonly socketPath: string,
    readonly commands: CommandRegistry,
  ) {
    this.#server = createServer((socket) => this.#accept(socket));
    this.#server.on('error', () => undefined);
    this.audit = new AuditLog({ dir: path.join(engine.dataDir, 'logs'), now: () => engine.now(), warn: (line) => engine.diagnostics.warn(line) });
    this.logins = new Logins(() => engine.config(), this.audit);
  }

  /** Binds the socket; a stale one (nothing answers) is removed, a live one refuses. */
  static async start(engine: EngineApi, socketPath: string, commands: CommandRegistry = COMMANDS): Promise<ControlServer> {
    const resolved = path.resolve(socketPath);
    if (Buffer.byteLength(resolved) > MAX_SOCKET_PATH) {
      throw new ControlSocketError(`the control socket path ${resolved} is too long for a Unix socket: use a shorter --data-dir or --socket`);
    }
    await removeStaleSocket(resolved);
    const server = new ControlServer(engine, resolved, commands);
    await server.#listen();
    return server;
  }

  get sessions(): number {
    return this.#connections.size;
  }

  #accept(socket: Socket): void {
    // Whoever opens the 0600 socket owns the data dir: the session acts as admin (LOCAL_OWNER).
    this.#add(new ControlConnection(socket, this.engine, this.commands, this.#nextId++, { audit: this.audit }));
  }

  /**
   * A session for a user the engine process itself has authenticated (the SSH front end): the
   * same protocol over an in-memory pair instead of the socket, so the identity is set here and
   * never claimed by a client. Returns the client's end, for a ControlClient.
   */
  openInProcess(user: SessionUser): Duplex {
    const [clientEnd, engineEnd] = duplexPair();
    this.#add(new ControlConnection(engineEnd, this.engine, this.commands, this.#nextId++, { user, audit: this.audit }));
    return clientEnd;
  }

  #add(connection: ControlConnection): void {
    this.#connections.add(connection);
    connection.socket.on('close', () => this.#connections.delete(connection));
  }

  async #listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(new ControlSocketError(`cannot open the control socket ${this.socketPath}: ${e.message}`));
      this.#server.once('error', onError);
      // The socket is created 0600 (umask), not chmod-ed after a window in which others could connect.
      const umask = process.umask(0o177);
      try {
        this.#server.listen(this.socketPath, () => {
          this.#server.removeListener('error', onError);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
    await chmod(this.socketPath, 0o600);
  }

  /** Ends every session (a running dialog applies nothing) and removes the socket file. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      for (const c of this.#connections) {
        c.close();
        c.socket.destroy();
      }
      await closed;
      await unlink(this.socketPath).catch(() => undefined);
      await this.audit.flushed();
    })();
    return this.#closing;
  }
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  const st = await lstat(socketPath).catch(() => null);
  if (!st) return;
  if (!st.isSocket()) throw new ControlSocketError(`${socketPath} exists and is not a socket: remove it or choose another --socket`);
  if (await socketAnswers(socketPath)) {
    throw new ControlSocketError(`another engine answers on ${socketPath}: stop it first, or start this one with another --socket`);
  }
  await unlink(socketPath);
}

/** Starts the control socket of an engine (esa start, and tests with an in-process engine). */
export function startControlServer(engine: EngineApi, socketPath = defaultSocketPath(engine.dataDir)): Promise<ControlServer> {
  return ControlServer.start(engine, socketPath);
}
