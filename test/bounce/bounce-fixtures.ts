// Fixtures for the bounce tests: a backend SMTP server that answers per recipient (a 550 for one
// of two recipients), an engine routed to it with its bounce profiles adjustable, and a raw sender.
import type { Server } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SMTPServer } from 'smtp-server';
import type { BounceGenerator } from '../../src/bounce/bounce-generator.js';
import type { BounceSettings } from '../../src/bounce/profile.js';
import type { Engine } from '../../src/engine.js';
import type { QueuedMessage } from '../../src/queue/message.js';
import { smtpReply, useOwnEnhancedCodes } from '../../src/smtp/replies.js';
import { listenerPort, removeDir, startEngine, waitFor } from '../helpers/harness.js';
import { parseDsn, type ParsedDsn } from './dsn-parse.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  content: Buffer;
}

/** A reply for one recipient: undefined accepts it. */
export type RecipientPolicy = (rcpt: string) => { code: number; text: string } | undefined;

/** A real SMTP server whose answer to each RCPT is decided by the test. */
export class PolicyBackend {
  readonly messages: ReceivedMail[] = [];
  port = 0;
  policy: RecipientPolicy = () => undefined;
  #server: SMTPServer | null = null;

  async start(): Promise<void> {
    useOwnEnhancedCodes();
    const server = new SMTPServer({
      name: 'exchange.example.com',
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      logger: false,
      size: 50 * 1024 * 1024,
      onRcptTo: (address, _session, cb) => {
        const reply = this.policy(address.address.toLowerCase());
        if (reply) return cb(smtpReply(reply.code, reply.text));
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            content: Buffer.concat(chunks),
          });
          cb(null, '2.0.0 Ok: queued');
        });
      },
    } as ConstructorParameters<typeof SMTPServer>[0]);
    server.on('error', () => undefined);
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = (server.server as Server).address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  /** Received DSNs (envelope sender `<>`). */
  dsns(): ReceivedMail[] {
    return this.messages.filter((m) => m.from === '');
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    const s = server as unknown as { connections: Set<{ close(): void }> };
    for (const c of s.connections) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
export const seconds = (n: number) => n * 1000;
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

export interface BounceRig {
  engine: Engine;
  backend: PolicyBackend;
  close(): Promise<void>;
}

/** An engine (clock frozen at T0) routing everything to a fresh policy backend. */
export async function startRig(): Promise<BounceRig> {
  const backend = new PolicyBackend();
  await backend.start();
  const engine = await startEngine({ backendPort: backend.port, clockStart: T0 });
  return {
    engine,
    backend,
    async close() {
      await generator(engine).idle();
      await engine.stop();
      await backend.stop();
      await removeDir(engine.dataDir);
    },
  };
}

export function generator(engine: Engine): BounceGenerator {
  return engine.bounces as BounceGenerator;
}

/** Commits profile changes the way `commit` does (a whole new configuration). */
export async function setProfile(engine: Engine, name: string, settings: Partial<BounceSettings>): Promise<void> {
  const next = structuredClone(engine.config);
  next.bounceProfiles[name] = { ...(next.bounceProfiles[name] ?? {}), ...settings };
  await engine.applyConfig(next);
}

/** Sends one message over SMTP (any envelope sender, `''` for `<>`); returns its MID. */
export async function send(
  engine: Engine,
  mail: { from?: string; to: string[]; subject?: string; body?: string },
): Promise<QueuedMessage> {
  const from = mail.from ?? 'alice@example.org';
  const raw =
    `From: ${from || 'MAILER-DAEMON@elsewhere.example'}\r\nTo: ${mail.to.join(', ')}\r\n` +
    `Subject: ${mail.subject ?? 'test'}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.org>\r\n\r\n` +
    `${mail.body ?? 'hello\r\n'}`;
  const conn = new SMTPConnection({ host: '127.0.0.1', port: listenerPort(engine), ignoreTLS: true, logger: false });
  try {
    await new Promise<void>((resolve, reject) => {
      conn.once('error', reject);
      conn.connect(() => resolve());
    });
    const info = await new Promise<{ response?: string }>((resolve, reject) =>
      conn.send({ from, to: mail.to } as never, Buffer.from(raw) as never, (err, i) => (err ? reject(err) : resolve(i as never))),
    );
    const mid = Number(/Message (\d+) accepted/.exec(info.response ?? '')?.[1]);
    if (!(mid > 0)) throw new Error(`not accepted: ${info.response}`);
    const msg = engine.queue.messages.get(mid);
    if (!msg) throw new Error(`MID ${mid} is not in the queue`);
    return msg;
  } finally {
    conn.quit();
  }
}

/** Waits for `n` DSNs at the backend and parses them. */
export async function dsnsAt(backend: PolicyBackend, n: number, what = `${n} DSN(s)`): Promise<ParsedDsn[]> {
  await waitFor(() => backend.dsns().length >= n, what);
  return Promise.all(backend.dsns().map((m) => parseDsn(m.content)));
}

/** Moves the simulated clock and waits for what it makes happen. */
export async function advanceTo(engine: Engine, at: number, until: () => boolean, what: string): Promise<void> {
  engine.clock.advance(Math.max(0, at - engine.clock.now()));
  await waitFor(until, what);
}
