// The only module that touches smtp-server's internals: its set of open sessions, its options
// (read live by every session, so a limit can change without a new socket), its reply writer,
// a session's start (the greeting delay), and its command parser, dispatcher and close()
// (per-session hooks: command deadlines, broken pipelining, batched replies, a session ending).
import type { Socket } from 'node:net';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { LibraryShapeError } from './library-shape.js';

/** The range package.json pins smtp-server to (the contract test keeps the two equal). */
export const SMTP_SERVER_PIN = '~3.21.6';

/** An open SMTP session, as far as the appliance needs it: it can be sent a reply line. */
export interface OpenSession {
  send(code: number, text: string): void;
}

export interface ServerLimits {
  /** Largest message in bytes (SIZE in EHLO, 552 past it). */
  size: number;
  /** Idle time before a session is closed; sessions opened before the change keep the old one. */
  socketTimeout: number;
}

const missing = (what: string) => new LibraryShapeError('smtp-server', what, SMTP_SERVER_PIN);

/** The reply writer must still take a third argument where `false` means "no enhanced code". */
function checkReplyWriter(connectionPrototype: unknown): void {
  const send = (connectionPrototype as { send?: unknown } | null)?.send;
  if (typeof send !== 'function' || send.length < 3) {
    throw missing('SMTPConnection.prototype.send(code, data, context)');
  }
}

/**
 * Checks, when a listener starts, that smtp-server still has what this module uses; throws a
 * one-line LibraryShapeError if not (an upgrade past the pinned range, say).
 */
export function checkSmtpServerShape(server: unknown, connectionPrototype: unknown = SMTPConnection.prototype): void {
  checkReplyWriter(connectionPrototype);
  checkInitShape(connectionPrototype);
  const s = server as { connections?: unknown; options?: unknown } | null;
  if (!(s?.connections instanceof Set)) throw missing('the set of open sessions (SMTPServer.connections)');
  if (typeof s.options !== 'object' || s.options === null || Object.isFrozen(s.options)) {
    throw missing('options that can change after the start (SMTPServer.options)');
  }
}

/** The sessions open on a server now (to close them with a 421). */
export function openSessions(server: SMTPServer): ReadonlySet<OpenSession> {
  return server.connections;
}

/**
 * Whether a running server offers STARTTLS from now on (EHLO and the command itself read the
 * disabled commands at each use); sessions already upgraded stay so.
 */
export function setStartTls(server: SMTPServer, offered: boolean): void {
  const disabled = (server.options as { disabledCommands?: unknown }).disabledCommands;
  if (!Array.isArray(disabled)) throw missing('the list of disabled commands (SMTPServer.options.disabledCommands)');
  const others = disabled.filter((c) => c !== 'STARTTLS');
  server.options.disabledCommands = offered ? others : [...others, 'STARTTLS'];
}

/** New limits for a running server: its sessions read these options at each use. */
export function setServerLimits(server: SMTPServer, limits: ServerLimits): void {
  server.options.size = limits.size;
  server.options.socketTimeout = limits.socketTimeout;
}

const HAS_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

let patched = false;

/**
 * With ENHANCEDSTATUSCODES advertised, smtp-server prefixes its own enhanced code to every
 * reply, so an application reply that carries one (`452 4.3.1 ...`) would read
 * `452 4.2.2 4.3.1 ...` (traps.md). After this, a reply whose text starts with an enhanced code
 * keeps exactly that code; other replies still get the library's. Patches the prototype once.
 */
export function useOwnEnhancedCodes(): void {
  if (patched) return;
  const proto = SMTPConnection.prototype as unknown as {
    send(code: number, data: unknown, context?: unknown): void;
  };
  checkReplyWriter(proto);
  patched = true;
  const original = proto.send;
  proto.send = function send(this: unknown, code: number, data: unknown, context?: unknown) {
    if (typeof data === 'string' && HAS_ENHANCED_CODE.test(data)) context = false;
    return original.call(this, code, data, context);
  };
}

// ----- a listener's own banner (listenerconfig HOSTACCESS) -----

const GREETING = Symbol('esa-greeting');

type GreetingOptions = { name?: string; [GREETING]?: { code: number; lines: string[] } };

let greetingPatched = false;

/**
 * smtp-server always greets `220 <name> ESMTP`. After this, a server whose options carry a
 * greeting of its own (setGreeting) sends that instead; others are unchanged. Patches once.
 */
function useOwnGreetings(): void {
  if (greetingPatched) return;
  const proto = SMTPConnection.prototype as unknown as {
    _sendGreeting?: () => void;
    send(code: number, data: unknown, context?: unknown): void;
  };
  const original = proto._sendGreeting;
  if (typeof original !== 'function') throw missing('SMTPConnection.prototype._sendGreeting()');
  greetingPatched = true;
  proto._sendGreeting = function sendGreeting(this: { _server: { options: GreetingOptions }; send(code: number, data: unknown, context?: unknown): void }) {
    const own = this._server.options[GREETING];
    if (!own) return original.call(this);
    this.send(own.code, own.lines.length === 1 ? own.lines[0] : own.lines, false);
  };
}

/**
 * The banner of sessions opened from now on: `name` in smtp-server's `220 <name> ESMTP`, or a
 * whole greeting of the listener's own (code and lines, the first line starting with the name).
 */
export function setGreeting(server: SMTPServer, name: string, greeting: { code: number; lines: string[] } | undefined): void {
  if (greeting) useOwnGreetings();
  const options = server.options as GreetingOptions;
  options.name = name;
  options[GREETING] = greeting;
}

// ----- the greeting delay -----

const GREETING_DELAY = Symbol('esa-greeting-delay');

interface StartingConnection {
  _server: SMTPServer & { options: { maxClients?: number; [GREETING_DELAY]?: number } };
  name: string;
  _setListeners(ready: () => void): void;
  connectionReady(): void;
  send(code: number, data: unknown, context?: unknown): void;
}

let initPatched = false;

/** A session's start must still be init() = _setListeners(then) + connectionReady() (setGreetingDelay). */
function checkInitShape(connectionPrototype: unknown = SMTPConnection.prototype): void {
  const proto = (connectionPrototype ?? {}) as Partial<Record<'init' | '_setListeners' | 'connectionReady', unknown>>;
  if (typeof proto.init !== 'function') throw missing('SMTPConnection.prototype.init()');
  if (typeof proto._setListeners !== 'function') throw missing('SMTPConnection.prototype._setListeners(callback)');
  if (typeof proto.connectionReady !== 'function') throw missing('SMTPConnection.prototype.connectionReady()');
}

/**
 * smtp-server holds every greeting back 100 ms (hard-coded in SMTPConnection.init, to catch
 * clients that talk before the banner): at one message per connection that alone caps 20
 * sessions at 200 msg/s. After this, the server's sessions wait `ms` instead. With 0 the banner
 * is written in the same turn the connection is accepted (when onConnect answers at once), as
 * Postfix's smtpd and AsyncOS send it, so input sent before the banner is simply read after it;
 * with a delay (or an onConnect that answers later), input before the banner still gets
 * smtp-server's `421 You talk too soon`. Other servers (the sandbox backend's) keep the
 * library's 100 ms. smtp-server's own maxClients check is kept.
 */
export function setGreetingDelay(server: SMTPServer, ms: number): void {
  (server.options as { [GREETING_DELAY]?: number })[GREETING_DELAY] = Math.max(0, ms);
  if (initPatched) return;
  checkInitShape();
  initPatched = true;
  const proto = SMTPConnection.prototype as unknown as { init(this: StartingConnection): void };
  const original = proto.init;
  proto.init = function init(this: StartingConnection) {
    const delay = this._server.options[GREETING_DELAY];
    if (delay === undefined) return original.call(this);
    this._setListeners(() => {
      const max = this._server.options.maxClients;
      if (max && this._server.connections.size > max) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      if (delay === 0) return this.connectionReady();
      setTimeout(() => this.connectionReady(), delay).unref();
    });
  };
}

// ----- per-session hooks: command lines seen, content pipelined behind DATA -----

/** A reply line: the code and the text after it (starting with its enhanced code). */
export interface SeamReply {
  code: number;
  text: string;
}

export interface SessionHooks {
  /** A command line arrived, before it runs (the listener's command deadline starts again; STARTTLS is seen). */
  command?(session: SMTPServerSession, command: Buffer): void;
  /**
   * DATA arrived with more input behind it in the same read: the client sent content before
   * our 354 (RFC 2920 makes DATA the last command of a group). The reply refuses DATA, and the
   * session is closed without reading the rest.
   */
  pipelinedData?(session: SMTPServerSession): SeamReply;
  /**
   * The server ended the session (QUIT's 221, a 421, a refusal, a client error): no more input is
   * read from it, and smtp-server no longer counts it against maxClients. Its socket closes (and
   * onClose runs) a moment later, once the client's side is closed too. Called once per session.
   */
  closing?(session: SMTPServerSession): void;
}

interface HookedConnection {
  _server: SMTPServer;
  _socket: Socket;
  _ready: boolean;
  _upgrading: boolean;
  _nextHandler: unknown;
  _parser: ParserWithRead | false;
  _closing: boolean;
  session: SMTPServerSession;
  send(code: number, data: unknown, context?: unknown): void;
  close(): void;
}

const hooksOf = new WeakMap<SMTPServer, SessionHooks>();
/** The parser's current read in command mode: the partial line before it, and the chunk. */
const READ_BEFORE = Symbol('esa-read-before');
const READ_CHUNK = Symbol('esa-read-chunk');
/** The session a hooked server's parser reads for (its socket is corked while a read's commands run). */
const SESSION = Symbol('esa-session');
/** The socket the parser corked for the read it is running, if any. */
const CORKED = Symbol('esa-corked');
type ParserWithRead = SMTPStream & { [READ_BEFORE]?: string; [READ_CHUNK]?: Buffer; [SESSION]?: HookedConnection; [CORKED]?: Socket };

/**
 * Reply bytes a session may have waiting for a client that does not read them before it stops
 * reading that client's commands. smtp-server stops at the socket's high-water mark (16 KB):
 * a client that writes a long pipelined group before it reads (RFC 2920 allows the group; many
 * clients read only once the write is done) would then wait for the server while the server
 * waits for it. 1 MiB is over 40,000 replies; past it the session waits for the client to read.
 */
export const REPLY_BACKLOG_BYTES = 1024 * 1024;
/** A `DATA` line (at a line start) with at least one byte after it. */
const DATA_WITH_INPUT_BEHIND = /(?:^|\n)DATA[ \t]*\r?\n[\s\S]/i;
const DATA_COMMAND = /^DATA[ \t]*$/i;
const LOWER_D = 0x64;

/** A DATA command line (the first byte is checked before the pattern: most lines are not DATA). */
const isDataCommand = (command: Buffer) => (command[0] | 0x20) === LOWER_D && DATA_COMMAND.test(command.toString('latin1'));

/** Whether the read that carried this DATA line has input behind a DATA line (scanned only when DATA runs). */
function inputBehindData(parser: ParserWithRead): boolean {
  const chunk = parser[READ_CHUNK];
  return chunk !== undefined && DATA_WITH_INPUT_BEHIND.test((parser[READ_BEFORE] ?? '') + chunk.toString('latin1'));
}
let hooksPatched = false;

function checkHookShape(): void {
  const conn = SMTPConnection.prototype as unknown as { _onCommand?: unknown; close?: unknown; _createParser?: unknown; _whenWritable?: unknown };
  const stream = SMTPStream.prototype as unknown as { _write?: unknown };
  if (typeof conn._onCommand !== 'function') throw missing('SMTPConnection.prototype._onCommand(command, callback)');
  if (typeof conn._whenWritable !== 'function') throw missing('SMTPConnection.prototype._whenWritable(next)');
  if (typeof conn._createParser !== 'function') throw missing('SMTPConnection.prototype._createParser()');
  if (typeof conn.close !== 'function') throw missing('SMTPConnection.prototype.close()');
  if (typeof stream._write !== 'function') throw missing('SMTPStream.prototype._write(chunk, encoding, next)');
}

/**
 * Installs the hooks for one server's sessions (other servers, the sandbox backend's, are not
 * affected). Patches smtp-server's command parser, dispatcher and close() once: the parser keeps the
 * chunk it is reading in command mode (a parser takes the next chunk only once every line of
 * this one has run), the dispatcher calls the hooks before a command runs and, for DATA only,
 * scans that chunk for input behind the DATA line.
 *
 * The replies to one read's commands leave in one write: the session's socket is corked while
 * the parser runs that read's lines, and uncorked when it is done with them (RFC 2920 lets a
 * server batch its replies; the client waits for all of them anyway). A pipelined
 * `MAIL`/`RCPT`/`DATA` costs one socket write instead of three. The reply that ends a message
 * comes later, from the spool, and goes out as it is sent.
 */
export function hookSessions(server: SMTPServer, hooks: SessionHooks): void {
  hooksOf.set(server, hooks);
  if (hooksPatched) return;
  checkHookShape();
  hooksPatched = true;
  const stream = SMTPStream.prototype as unknown as {
    _write(this: ParserWithRead, chunk: Buffer, encoding: BufferEncoding, next: (err?: Error | null) => void): void;
  };
  const write = stream._write;
  stream._write = function _write(chunk, encoding, next) {
    // Command mode only (a message's content is not scanned): the lines of this read and the
    // partial line before it, kept by reference; nothing is scanned per read.
    if (!this._dataMode && chunk.length > 0) {
      this[READ_BEFORE] = this._remainder;
      this[READ_CHUNK] = chunk;
      const socket = this[SESSION]?._socket;
      if (socket && !socket.destroyed) {
        socket.cork();
        this[CORKED] = socket;
        // `next` runs once, when every line of this read has run (or the parser stopped).
        return write.call(this, chunk, encoding, (err) => {
          this[CORKED] = undefined;
          socket.uncork();
          next(err);
        });
      }
    }
    return write.call(this, chunk, encoding, next);
  };
  const conn = SMTPConnection.prototype as unknown as {
    _onCommand(this: HookedConnection, command: Buffer, callback?: () => void): void;
    close(this: HookedConnection): void;
    _createParser(this: HookedConnection): ParserWithRead;
    _whenWritable(this: HookedConnection, next: () => void): void;
  };
  const whenWritable = conn._whenWritable;
  // Called after each command, with what resumes the parser: the session reads on while fewer
  // than REPLY_BACKLOG_BYTES of replies wait, else it waits for them to drain. Corked replies
  // are sent first: a corked socket never drains (the burst that deadlocked at 16 KB).
  conn._whenWritable = function _whenWritable(this: HookedConnection, next: () => void) {
    if (!hooksOf.has(this._server)) return whenWritable.call(this, next);
    const socket = this._socket;
    if (!socket || socket.destroyed || socket.writableLength <= REPLY_BACKLOG_BYTES) return next();
    const corked = this._parser ? this._parser[CORKED] : undefined;
    if (corked) {
      corked.uncork();
      corked.cork();
    }
    socket.once('drain', next);
  };
  const createParser = conn._createParser;
  conn._createParser = function _createParser(this: HookedConnection) {
    const parser = createParser.call(this);
    if (hooksOf.has(this._server)) parser[SESSION] = this;
    return parser;
  };
  const close = conn.close;
  conn.close = function close_(this: HookedConnection) {
    // close() runs again on a closing session (a later error, the socket's end): report the first.
    if (!this._closing) hooksOf.get(this._server)?.closing?.(this.session);
    return close.call(this);
  };
  const onCommand = conn._onCommand;
  conn._onCommand = function _onCommand(command, callback) {
    const own = hooksOf.get(this._server);
    if (own && this._ready && !this._upgrading && !this._nextHandler && this._parser) {
      own.command?.(this.session, command);
      if (own.pipelinedData && isDataCommand(command) && inputBehindData(this._parser)) {
        const reply = own.pipelinedData(this.session);
        this.send(reply.code, reply.text);
        // close() stops the parser: what was pipelined is dropped, never read as a message.
        this.close();
        callback?.();
        return;
      }
    }
    return onCommand.call(this, command, callback);
  };
}

/** The open session of that session object, to send it a reply (a 421 closes it). */
export function sessionOf(server: SMTPServer, session: SMTPServerSession): OpenSession | undefined {
  for (const conn of server.connections as ReadonlySet<OpenSession & { session?: SMTPServerSession }>) {
    if (conn.session === session) return conn;
  }
  return undefined;
}
