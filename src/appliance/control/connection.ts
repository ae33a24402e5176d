// One control-socket connection: ndjson framing, JSON-RPC both ways (the client calls `run`,
// the engine calls `ask` back) and the CLI session it drives. A malformed or oversized line
// ends this connection with an error message; it never reaches the engine or other sessions.
import type { Duplex } from 'node:stream';
import { JSONRPCClient, JSONRPCErrorException, JSONRPCServer, JSONRPCServerAndClient } from 'json-rpc-2.0';
import type { CommandRegistry } from '../kit/command.js';
import type { EngineApi } from '../../api/engine-api.js';
import { productVersion } from '../../platform/product-version.js';
import { frame, LineSplitter, LineTooLongError } from './ndjson.js';
import {
  CLIENT_METHODS,
  ENGINE_METHODS,
  helloInteractive,
  MAX_LINE_BYTES,
  PROTOCOL_VERSION,
  type AskParams,
  type AskResult,
  type CompleteResult,
  type HelloResult,
  type RunResult,
} from './protocol.js';
import { screenOf } from './output-pager.js';
import { CliSession, type SessionIdentity } from './session.js';

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

/** Output a client may leave unread before its session is dropped. */
const MAX_UNREAD_BYTES = 8 * 1024 * 1024;

const ignore = () => undefined;

function stringParam(params: unknown, name: string): string {
  const value = (params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string') throw new JSONRPCErrorException(`"${name}" must be a string`, INVALID_PARAMS);
  return value;
}

export class ControlConnection {
  readonly session: CliSession;
  readonly #rpc: JSONRPCServerAndClient;
  readonly #splitter = new LineSplitter(MAX_LINE_BYTES);
  #statusTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    /** The Unix socket, or one end of an in-process pair (an SSH session: src/appliance/control/server.ts). */
    readonly socket: Duplex,
    engine: EngineApi,
    commands: CommandRegistry,
    readonly id: number,
    identity: SessionIdentity = {},
  ) {
    this.#rpc = new JSONRPCServerAndClient(new JSONRPCServer({ errorListener: ignore }), new JSONRPCClient((payload) => this.#send(payload)), {
      errorListener: ignore,
    });
    this.session = new CliSession(
      engine,
      commands,
      {
        print: (text) => this.#rpc.notify(ENGINE_METHODS.print, { text }, undefined),
        ask: (params: AskParams) => this.#rpc.request(ENGINE_METHODS.ask, params, undefined) as Promise<AskResult>,
        status: (params) => this.#rpc.notify(ENGINE_METHODS.status, params, undefined),
        withdraw: () => this.#rpc.notify(ENGINE_METHODS.withdraw, {}, undefined),
      },
      id,
      identity,
    );
    this.#addMethods(engine);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  #addMethods(engine: EngineApi): void {
    const rpc = this.#rpc;
    rpc.addMethod(CLIENT_METHODS.hello, (params): HelloResult => {
      const hello = (params ?? {}) as Record<string, unknown>;
      const every = Number(hello.statusIntervalMs ?? 0);
      this.session.interactive = helloInteractive(params);
      this.session.echoCommands = hello.client === 'command';
      this.session.setScreen(screenOf(hello.screen));
      if (every > 0 && !this.#statusTimer) {
        this.#statusTimer = setInterval(() => this.session.pushStatus(), Math.max(250, every));
        this.#statusTimer.unref();
      }
      setImmediate(() => this.session.pushStatus());
      return { protocol: PROTOCOL_VERSION, hostname: engine.hostname, prompt: this.session.prompt, version: productVersion(), session: this.id };
    });
    rpc.addMethod(CLIENT_METHODS.run, (params): Promise<RunResult> => this.session.run(stringParam(params, 'line')));
    rpc.addMethod(CLIENT_METHODS.interrupt, () => {
      this.session.interrupt();
      return null;
    });
    // A notification: the terminal changed size (the pager and wrapping follow).
    rpc.addMethod(CLIENT_METHODS.resize, (params) => {
      this.session.setScreen(screenOf(params));
      return null;
    });
    rpc.addMethod(CLIENT_METHODS.complete, (params): CompleteResult => ({ candidates: this.session.complete(stringParam(params, 'line')) }));
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    let lines: string[];
    try {
      lines = this.#splitter.push(chunk);
    } catch (e) {
      if (!(e instanceof LineTooLongError)) throw e;
      this.#fatal(INVALID_REQUEST, `Invalid Request: ${e.message}; the session is closed`);
      return;
    }
    for (const line of lines) {
      if (this.#closed) return;
      if (line.trim() === '') continue;
      let payload: unknown;
      try {
        payload = JSON.parse(line);
      } catch {
        this.#fatal(PARSE_ERROR, 'Parse error: a line is not JSON; the session is closed');
        return;
      }
      this.#rpc.receiveAndSend(payload, undefined, undefined).catch(() => {
        this.#fatal(INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message; the session is closed');
      });
    }
  }

  #send(payload: unknown): void {
    if (this.#closed || !this.socket.writable) return;
    // A client that stops reading must not make the engine buffer without bound.
    if (this.socket.writableLength > MAX_UNREAD_BYTES) {
      this.socket.destroy();
      this.close();
      return;
    }
    this.socket.write(frame(payload));
  }

  /** Tells the client what was wrong, then ends the session. */
  #fatal(code: number, message: string): void {
    if (this.#closed) return;
    this.#send({ jsonrpc: '2.0', id: null, error: { code, message } });
    this.socket.end();
    this.close();
    // A peer that never reads must not keep the socket open.
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#statusTimer) clearInterval(this.#statusTimer);
    this.session.close();
    this.#rpc.rejectAllPendingRequests('session closed');
    if (!this.socket.writableEnded) this.socket.end();
  }
}
