// The only module that touches smtp-server's internals: its set of open sessions, its options
// (read live by every session, so a limit can change without a new socket) and its reply writer.
import type { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { LibraryShapeError } from '../library-shape.js';

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
