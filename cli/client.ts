// The control-socket client: connects to the engine, runs command lines, and hands the
// engine's questions, output and status to a ShellTerminal (batch, readline, later Ink).
// Imports nothing of the engine, so `esa shell` starts fast.
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { JSONRPCClient, JSONRPCServer, JSONRPCServerAndClient } from 'json-rpc-2.0';
import { lostDuringCommit } from '../src/appliance/control/commit-outcome.js';
import { frame, LineSplitter } from '../src/appliance/control/ndjson.js';
import { checkSocketPath } from '../src/platform/strict-modes.js';
import {
  CLIENT_METHODS,
  ENGINE_METHODS,
  type AskParams,
  type AskResult,
  type CompleteResult,
  type HelloParams,
  type HelloResult,
  type PrintParams,
  type RunResult,
  type ScreenParams,
  type StatusParams,
} from '../src/appliance/control/protocol.js';

/** What a front end implements: the engine calls these while a command runs. */
export interface ShellTerminal {
  /** Output of the running command (text with its newlines). */
  print(text: string): void;
  /** A dialog question: show `label` and `prompt`, read one answer (or end of input / Ctrl-C). */
  ask(params: AskParams): Promise<AskResult>;
  /** Pushed status (after each command, and periodically when asked for in hello). */
  status?(params: StatusParams): void;
  /** The engine took the open question back (a telnet session the remote host ended): leave what was typed for the next reader. */
  withdraw?(): void;
}

export class NoEngineError extends Error {
  constructor(readonly socketPath: string) {
    super(`no engine at ${socketPath}: start one with \`esa start --data-dir ...\``);
  }
}

/** The control socket or its directory is not safely this user's (see checkSocketPath). */
export class UnsafeSocketError extends Error {}

/** Server replies can be long (a big report), but not unbounded. */
const MAX_REPLY_LINE = 16 * 1024 * 1024;

export class ControlClient {
  readonly #rpc: JSONRPCServerAndClient;
  readonly #splitter = new LineSplitter(MAX_REPLY_LINE);
  #closedReason: string | undefined;
  readonly closed: Promise<string | undefined>;
  #onClosed!: (reason: string | undefined) => void;

  private constructor(
    /** The Unix socket, or an in-process pair's end (SSH sessions: ControlServer.openInProcess). */
    readonly socket: Duplex,
    readonly terminal: ShellTerminal,
  ) {
    this.closed = new Promise((resolve) => (this.#onClosed = resolve));
    const server = new JSONRPCServer({ errorListener: () => undefined });
    server.addMethod(ENGINE_METHODS.ask, (params) => terminal.ask(params as AskParams));
    server.addMethod(ENGINE_METHODS.print, (params) => {
      terminal.print(String((params as PrintParams | undefined)?.text ?? ''));
    });
    server.addMethod(ENGINE_METHODS.status, (params) => {
      terminal.status?.(params as StatusParams);
    });
    server.addMethod(ENGINE_METHODS.withdraw, () => {
      terminal.withdraw?.();
    });
    this.#rpc = new JSONRPCServerAndClient(
      server,
      new JSONRPCClient((payload) => {
        if (!socket.destroyed) socket.write(frame(payload));
      }),
      { errorListener: () => undefined },
    );
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (e) => this.#close(`connection to the engine failed: ${e.message}`));
    socket.on('close', () => this.#close(this.#closedReason ?? 'the engine closed the connection'));
  }

  /** Connects, or rejects with NoEngineError when nothing listens at the path. */
  /** A client on a stream already connected to the engine (an in-process session). */
  static over(stream: Duplex, terminal: ShellTerminal): ControlClient {
    return new ControlClient(stream, terminal);
  }

  /**
   * Connects to the Unix socket. Strict modes first: a socket, or a directory above it, that
   * another user could have replaced gets nothing sent to it (UnsafeSocketError).
   */
  static async connect(socketPath: string, terminal: ShellTerminal): Promise<ControlClient> {
    const unsafe = await checkSocketPath(socketPath).catch((e: Error) => `cannot check ${socketPath}: ${e.message}`);
    if (unsafe) throw new UnsafeSocketError(`refusing to use the control socket: ${unsafe}`);
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new ControlClient(socket, terminal));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK') reject(new NoEngineError(socketPath));
        else if (e.code === 'EACCES' || e.code === 'EPERM')
          reject(new Error(`cannot connect to ${socketPath}: permission denied (the engine belongs to another user)`));
        else reject(new Error(`cannot connect to ${socketPath}: ${e.message}`));
      });
    });
  }

  hello(params: HelloParams): Promise<HelloResult> {
    return this.#request(CLIENT_METHODS.hello, params);
  }

  run(line: string): Promise<RunResult> {
    return this.#request<RunResult>(CLIENT_METHODS.run, { line }).catch((e: Error) => {
      // The connection ended while a commit ran: whether it took effect is unknown, and the line says how to check.
      const unknown = this.#closedReason !== undefined ? lostDuringCommit(line, this.#closedReason) : undefined;
      throw unknown ? new Error(unknown) : e;
    });
  }

  /** Ctrl-C: the running command's dialog or wait is abandoned. */
  interrupt(): void {
    this.#rpc.notify(CLIENT_METHODS.interrupt, {}, undefined);
  }

  /** The terminal's output area changed (or is told for the first time): the engine pages and wraps to it. */
  resize(screen: ScreenParams): void {
    this.#rpc.notify(CLIENT_METHODS.resize, screen, undefined);
  }

  async complete(line: string): Promise<string[]> {
    const r = await this.#request<CompleteResult>(CLIENT_METHODS.complete, { line });
    return r.candidates;
  }

  close(): void {
    this.socket.end();
  }

  #request<T>(method: string, params: object): Promise<T> {
    if (this.#closedReason !== undefined) return Promise.reject(new Error(this.#closedReason));
    return this.#rpc.request(method, params as never, undefined) as Promise<T>;
  }

  #receive(chunk: Buffer): void {
    let lines: string[];
    try {
      lines = this.#splitter.push(chunk);
    } catch (e) {
      this.#close(`bad reply from the engine: ${(e as Error).message}`);
      this.socket.destroy();
      return;
    }
    for (const line of lines) {
      let payload: { id?: unknown; error?: { message?: string } };
      try {
        payload = JSON.parse(line);
      } catch {
        this.#close('bad reply from the engine: not JSON');
        this.socket.destroy();
        return;
      }
      // An error with no id: the engine ends this session (it did not understand us).
      if (payload && payload.id === null && payload.error) {
        this.#close(`the engine ended the session: ${payload.error.message ?? 'protocol error'}`);
        continue;
      }
      this.#rpc.receiveAndSend(payload, undefined, undefined).catch(() => undefined);
    }
  }

  #close(reason: string): void {
    if (this.#closedReason === undefined) this.#closedReason = reason;
    this.#rpc.rejectAllPendingRequests(this.#closedReason);
    if (this.socket.destroyed) this.#onClosed(this.#closedReason);
    else this.socket.once('close', () => this.#onClosed(this.#closedReason));
  }
}
