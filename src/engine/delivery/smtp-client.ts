// One outbound SMTP connection (nodemailer's SMTPConnection, used directly: no message
// composition) with a promise API. It is reused for several messages while it stays healthy.
// STARTTLS per the destination's TLS setting: never offered-and-refused into plain text where
// TLS is required; what was negotiated (or why not) is told to the caller.
import type { Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DeliveryTls, HostPort } from '../../model/config.js';
import { LibraryShapeError } from '../../platform/library-shape.js';
import { planEncoding, type HostExtensions } from './mail-encoding.js';
import { fromSendError, fromSendResult, type SmtpError, type TransactionOutcome } from './outcome.js';

export interface OutboundOptions {
  /** Our name in EHLO. */
  name: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** STARTTLS: the destination's setting and delivery's client context (its certificate, the trusted authorities). */
  tls?: { mode: DeliveryTls; context: SecureContext };
}

/** What the STARTTLS of a connection gave (absent: the session is plain text). */
export interface NegotiatedTls {
  protocol: string;
  cipher: string;
  /** The certificate verified against the trusted authorities and the host's name. */
  verified: boolean;
  /** Why it did not verify. */
  verifyError?: string;
}

/** STARTTLS failed where it was attempted (or required and not offered): nothing was sent. */
export class TlsNegotiationError extends Error {
  readonly code = 'ETLS';
  constructor(
    readonly detail: string,
    /** The server's reply, when it refused STARTTLS with one. */
    readonly response?: string,
  ) {
    super(`TLS negotiation failed: ${detail}`);
  }
}

const required = (mode: DeliveryTls) => mode === 'required' || mode === 'required_verify';

/** nodemailer's options for a TLS setting: STARTTLS when offered (preferred), always (required), never (no). */
function tlsOptions(tls: OutboundOptions['tls']): Record<string, unknown> {
  if (!tls || tls.mode === 'no') return { ignoreTLS: true };
  return {
    ignoreTLS: false,
    requireTLS: required(tls.mode),
    // Preferred: a server that answers STARTTLS with an error is a server without it.
    opportunisticTLS: !required(tls.mode),
    // Only Required - Verify refuses an unverified certificate during the handshake; Preferred -
    // Verify is told about it afterwards (the session stays encrypted).
    tls: { secureContext: tls.context, rejectUnauthorized: tls.mode === 'required_verify' },
  };
}

export class OutboundConnection {
  #alive = true;
  #closed = false;
  private constructor(
    readonly target: HostPort,
    readonly conn: SMTPConnection,
    /** What STARTTLS negotiated; undefined for a plain-text session. */
    readonly tls: NegotiatedTls | undefined,
  ) {
    conn.on('error', () => {
      this.#alive = false;
    });
    conn.on('end', () => {
      this.#alive = false;
    });
  }

  get alive(): boolean {
    return this.#alive && !this.#closed;
  }

  /**
   * Connects, greets and (per the TLS setting) starts TLS; rejects with nodemailer's error
   * (ESOCKET for a refused connection), or a TlsNegotiationError once the server answered but
   * TLS failed or, where required, was not offered.
   */
  static open(target: HostPort, options: OutboundOptions): Promise<OutboundConnection> {
    return new Promise((resolve, reject) => {
      const conn = new SMTPConnection({
        host: target.host,
        port: target.port,
        secure: false,
        ignoreTLS: true,
        name: options.name,
        allowInternalNetworkInterfaces: true,
        connectionTimeout: options.connectionTimeoutMs ?? 30_000,
        greetingTimeout: options.greetingTimeoutMs ?? 30_000,
        socketTimeout: options.socketTimeoutMs ?? 300_000,
        socketCloseTimeout: 0,
        logger: false,
        ...tlsOptions(options.tls),
      });
      let settled = false;
      const onError = (err: SmtpError) => {
        if (settled) return;
        settled = true;
        conn.close();
        reject(options.tls && options.tls.mode !== 'no' ? asTlsError(err, conn) : err);
      };
      conn.once('error', onError);
      // A silent close before the greeting comes to this callback as an error, not as 'error'.
      conn.connect((err?: Error) => {
        if (err) return onError(err as SmtpError);
        if (settled) return;
        let tls: NegotiatedTls | undefined;
        try {
          tls = negotiated(conn);
          if (!tls && options.tls && required(options.tls.mode)) throw new TlsNegotiationError('the session is not encrypted');
        } catch (e) {
          settled = false;
          return onError(e as SmtpError);
        }
        settled = true;
        conn.removeListener('error', onError);
        corkDataPhase(conn);
        resolve(new OutboundConnection(target, conn, tls));
      });
    });
  }

  /** What the host offered in its EHLO reply (nodemailer keeps it unexported: checked, not assumed). */
  // (negotiated() below reads the TLS socket the same way.)
  extensions(): HostExtensions {
    const list = (this.conn as unknown as { _supportedExtensions?: unknown })._supportedExtensions;
    if (!Array.isArray(list)) throw new LibraryShapeError('nodemailer', "SMTPConnection's list of EHLO extensions (_supportedExtensions)", '^10.6.1');
    return { smtpUtf8: list.includes('SMTPUTF8'), eightBitMime: list.includes('8BITMIME') };
  }

  /**
   * One transaction; never rejects: every failure is an outcome per recipient. Recipients the
   * host cannot take as the message is (no SMTPUTF8, no 8BITMIME) are refused without sending.
   */
  async send(from: string, to: string[], content: Buffer): Promise<TransactionOutcome> {
    const plan = planEncoding(from, to, content, this.extensions());
    if (plan.send.length === 0) return { recipients: plan.refused, connectionLost: false };
    const outcome = await this.#transaction(from, plan.send, content, plan.eightBit);
    for (const [address, refused] of plan.refused) outcome.recipients.set(address, refused);
    return outcome;
  }

  #transaction(from: string, to: string[], content: Buffer, eightBit: boolean): Promise<TransactionOutcome> {
    return new Promise((resolve) => {
      this.conn.send({ from, to, size: content.length, use8BitMime: eightBit } as never, content as never, (err, info) => {
        if (err) {
          const outcome = fromSendError(to, err as SmtpError);
          if (outcome.connectionLost) this.#alive = false;
          resolve(outcome);
        } else {
          resolve(fromSendResult(to, info as never));
        }
      });
    });
  }

  /** After a refused transaction the session needs RSET before the next MAIL FROM. */
  reset(): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.alive) return resolve(false);
      this.conn.reset((err) => {
        if (err) this.#alive = false;
        resolve(!err);
      });
    });
  }

  /** Cuts the connection at once (shutdown): a transaction in progress fails softly. */
  abort(): void {
    this.#alive = false;
    this.conn.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#alive) this.conn.quit();
    else this.conn.close();
  }
}

/**
 * nodemailer writes a message's content and the final `.` that follows it as two socket writes
 * (its data stream pushes them apart): two system calls and two segments the server wakes up
 * for. The session's socket is corked while the data stream is written and uncorked when the
 * stream has ended, so they leave in one `writev`. Also uncorked after the turn's I/O at the
 * latest (`setImmediate`): content past the socket's high-water mark waits for a `drain`,
 * which a corked socket would never give.
 */
function corkDataPhase(conn: SMTPConnection): void {
  const internal = conn as unknown as { _createSendStream?: (cb: unknown) => NodeJS.ReadableStream; _socket?: { cork?: unknown } };
  const create = internal._createSendStream;
  if (typeof create !== 'function' || typeof internal._socket?.cork !== 'function') {
    throw new LibraryShapeError('nodemailer', "SMTPConnection's data stream and socket (_createSendStream, _socket)", '^10.6.1');
  }
  internal._createSendStream = function (this: unknown, callback: unknown) {
    const stream = create.call(this, callback);
    const socket = internal._socket as Socket | undefined;
    if (!socket || socket.destroyed) return stream;
    socket.cork();
    let corked = true;
    const uncork = () => {
      if (!corked) return;
      corked = false;
      clearImmediate(latest);
      socket.uncork();
    };
    const latest = setImmediate(uncork);
    stream.once('end', uncork);
    stream.once('error', uncork);
    return stream;
  };
}

/** The TLS socket of an open session (nodemailer keeps it unexported: checked, not assumed); undefined when plain. */
function negotiated(conn: SMTPConnection): NegotiatedTls | undefined {
  if (!(conn as unknown as { secure?: boolean }).secure) return undefined;
  const socket = (conn as unknown as { _socket?: Partial<TLSSocket> })._socket;
  if (!socket || typeof socket.getProtocol !== 'function' || typeof socket.getCipher !== 'function') {
    throw new LibraryShapeError('nodemailer', "SMTPConnection's TLS socket after STARTTLS (_socket)", '^10.6.1');
  }
  const error = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    verified: socket.authorized === true,
    ...(socket.authorized ? {} : { verifyError: error instanceof Error ? error.message : String(error ?? 'not verified') }),
  };
}

/**
 * Where STARTTLS was to be used, a failure of it is a TLS failure: STARTTLS refused or not
 * offered (required), the handshake broken, the certificate refused (Required - Verify). A
 * refused connection or a greeting that never came stays the network error it is.
 */
function asTlsError(err: SmtpError & { command?: string }, conn: SMTPConnection): SmtpError {
  if (err instanceof TlsNegotiationError) return err;
  const upgrading = (conn as unknown as { upgrading?: boolean }).upgrading === true;
  const ehloWithoutTls = err.command === 'EHLO' && /STARTTLS/.test(err.message);
  if (err.code !== 'ETLS' && !upgrading && !ehloWithoutTls) return err;
  const refused = err.code === 'ETLS' && err.response ? err.response : undefined;
  const detail = refused ? `STARTTLS refused: ${refused}` : (err.message || 'handshake failed').replace(/^Error initiating TLS - /, '');
  return new TlsNegotiationError(detail, refused) as unknown as SmtpError;
}
