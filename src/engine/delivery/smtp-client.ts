// One outbound SMTP connection (nodemailer's SMTPConnection, used directly: no message
// composition) with a promise API. It is reused for several messages while it stays healthy.
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { HostPort } from '../../model/config.js';
import { LibraryShapeError } from '../../platform/library-shape.js';
import { planEncoding, type HostExtensions } from './mail-encoding.js';
import { fromSendError, fromSendResult, type SmtpError, type TransactionOutcome } from './outcome.js';

export interface OutboundOptions {
  /** Our name in EHLO. */
  name: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export class OutboundConnection {
  #alive = true;
  #closed = false;
  private constructor(
    readonly target: HostPort,
    readonly conn: SMTPConnection,
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

  /** Connects and greets; rejects with nodemailer's error (ESOCKET for a refused connection). */
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
      });
      let settled = false;
      const onError = (err: SmtpError) => {
        if (settled) return;
        settled = true;
        conn.close();
        reject(err);
      };
      conn.once('error', onError);
      // A silent close before the greeting comes to this callback as an error, not as 'error'.
      conn.connect((err?: Error) => {
        if (err) return onError(err as SmtpError);
        if (settled) return;
        settled = true;
        conn.removeListener('error', onError);
        resolve(new OutboundConnection(target, conn));
      });
    });
  }

  /** What the host offered in its EHLO reply (nodemailer keeps it unexported: checked, not assumed). */
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
