// The built-in backend mail server (the "Exchange" behind the appliance): accepts mail over
// SMTP, and can be taken down, made to answer 4xx, or to refuse with 5xx, for training. In the
// sandbox it keeps what it receives in mailboxes (mailboxes.ts) for `sim mailbox`.
import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { smtpReply } from '../platform/smtp-replies.js';
import { useOwnEnhancedCodes } from '../platform/smtp-server-seam.js';
import { Mailboxes, type MailboxLimits } from './mailboxes.js';

export type BackendMode = 'up' | 'down' | 'tempfail' | 'reject';

/** A reply for one recipient (`undefined`: the mode decides). Tests answer per recipient. */
export type RecipientPolicy = (rcpt: string) => { code: number; text: string } | undefined;

export interface StoredMail {
  from: string;
  to: string[];
  content: Buffer;
}

export interface BackendOptions {
  host?: string;
  port?: number;
  /** Write every message as an .eml file here (else keep only the count). */
  storeDir?: string;
  /** Keep received messages in memory (tests). */
  keep?: boolean;
  /** Keep received messages in mailboxes in this directory (the sandbox's data dir), size-capped. */
  mailboxDir?: string;
  mailboxLimits?: MailboxLimits;
  name?: string;
}

export class BackendServer {
  mode: BackendMode = 'up';
  /** Per-recipient replies that take precedence over the mode. */
  policy: RecipientPolicy = () => undefined;
  /** Recipients the mode does not apply to (the sandbox's sender domain: its DSNs always arrive unless the port is closed). */
  modeExempt: (rcpt: string) => boolean = () => false;
  /** The time stored with each message (the sandbox gives its simulated clock). */
  now: () => number = Date.now;
  readonly mailboxes: Mailboxes | null;
  received = 0;
  readonly messages: StoredMail[] = [];
  port = 0;
  #server: SMTPServer | null = null;
  #seq = 0;

  constructor(readonly options: BackendOptions = {}) {
    this.mailboxes = options.mailboxDir ? new Mailboxes(options.mailboxDir, options.mailboxLimits) : null;
  }

  get address(): string {
    return `${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  async start(): Promise<number> {
    useOwnEnhancedCodes();
    if (this.options.storeDir) await mkdir(this.options.storeDir, { recursive: true });
    await this.mailboxes?.open();
    await this.#listen(this.options.port ?? 2526);
    return this.port;
  }

  /** `down` closes the port (connections refused); the other modes answer. */
  async setMode(mode: BackendMode): Promise<void> {
    if (mode === this.mode) return;
    const wasDown = this.mode === 'down';
    this.mode = mode;
    if (mode === 'down') await this.#close();
    else if (wasDown) await this.#listen(this.port);
  }

  async stop(): Promise<void> {
    await this.#close();
  }

  /** Kept messages with the null sender `<>`: the DSNs that reached the backend. */
  dsns(): StoredMail[] {
    return this.messages.filter((m) => m.from === '');
  }

  #listen(port: number): Promise<void> {
    const server = new SMTPServer({
      name: this.options.name ?? 'exchange.example.com',
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      logger: false,
      size: 50 * 1024 * 1024,
      onRcptTo: (address, _session, cb) => {
        const rcpt = address.address.toLowerCase();
        const own = this.policy(rcpt);
        if (own) return cb(smtpReply(own.code, own.text));
        if (this.modeExempt(rcpt)) return cb();
        if (this.mode === 'tempfail') return cb(smtpReply(451, '4.3.0 Mailbox temporarily unavailable, try later'));
        if (this.mode === 'reject') return cb(smtpReply(550, '5.1.1 Mailbox unavailable'));
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const content = Buffer.concat(chunks);
          this.received++;
          const mail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            content,
          };
          if (this.options.keep) this.messages.push(mail);
          if (this.mailboxes) {
            this.mailboxes.store(mail, this.now()).then(
              () => cb(null, '2.0.0 Ok: queued'),
              (e: Error) => cb(smtpReply(451, `4.3.0 cannot store: ${e.message}`)),
            );
            return;
          }
          if (this.options.storeDir) {
            const file = path.join(this.options.storeDir, `${Date.now()}-${++this.#seq}.eml`);
            writeFile(file, content).then(
              () => cb(null, '2.0.0 Ok: queued'),
              (e: Error) => cb(smtpReply(451, `4.3.0 cannot store: ${e.message}`)),
            );
            return;
          }
          cb(null, '2.0.0 Ok: queued');
        });
      },
    } as ConstructorParameters<typeof SMTPServer>[0]);
    server.on('error', () => undefined);
    this.#server = server;
    return new Promise((resolve, reject) => {
      const net = server.server as Server;
      net.once('error', reject);
      server.listen(port, this.options.host ?? '127.0.0.1', () => {
        net.removeListener('error', reject);
        const a = net.address();
        this.port = typeof a === 'object' && a ? a.port : port;
        resolve();
      });
    });
  }

  #close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      const s = server as unknown as { connections: Set<{ close(): void }> };
      for (const c of s.connections) c.close();
      server.close(() => resolve());
    });
  }
}
