// Fixtures for the bounce tests: the built-in backend answering per recipient (a 550 for one of
// two recipients), an engine routed to it with its bounce profiles adjustable, and a raw sender.
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { BounceGenerator } from '../../src/engine/bounce/bounce-generator.js';
import type { BounceSettings } from '../../src/model/bounce-profile.js';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import type { QueuedMessage } from '../../src/engine/queue/message.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { configCopy, listenerPort, removeDir, startEngine, waitFor } from '../helpers/harness.js';
import { parseDsn, type ParsedDsn } from './dsn-parse.js';

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
export const seconds = (n: number) => n * 1000;

export interface BounceRig {
  engine: Engine;
  backend: BackendServer;
  close(): Promise<void>;
}

/** An engine (clock frozen at T0) routing everything to a fresh policy backend. */
export async function startRig(): Promise<BounceRig> {
  const backend = new BackendServer({ port: 0, keep: true });
  await backend.start();
  const engine = await startEngine({ backendPort: backend.port, clockStart: T0 });
  return {
    engine,
    backend,
    async close() {
      await generator(engine).idle();
      await engine.stop();
      await backend.stop();
      await removeDir(engine.api.dataDir);
    },
  };
}

export function generator(engine: Engine): BounceGenerator {
  return engineParts(engine).bounces as BounceGenerator;
}

/** Commits profile changes the way `commit` does (a whole new configuration). */
export async function setProfile(engine: Engine, name: string, settings: Partial<BounceSettings>): Promise<void> {
  const next = configCopy(engine);
  next.bounceProfiles[name] = { ...(next.bounceProfiles[name] ?? {}), ...settings };
  await engine.api.applyConfig(next);
}

/** Sends one message over SMTP (any envelope sender, `''` for `<>`); returns its MID. */
export async function send(engine: Engine, mail: { from?: string; to: string[]; subject?: string; body?: string }): Promise<QueuedMessage> {
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
    const msg = engineParts(engine).queue.messages.get(mid);
    if (!msg) throw new Error(`MID ${mid} is not in the queue`);
    return msg;
  } finally {
    conn.quit();
  }
}

/** Waits for `n` DSNs at the backend and parses them. */
export async function dsnsAt(backend: BackendServer, n: number, what = `${n} DSN(s)`): Promise<ParsedDsn[]> {
  await waitFor(() => backend.dsns().length >= n, what);
  return Promise.all(backend.dsns().map((m) => parseDsn(m.content)));
}

/** Moves the simulated clock and waits for what it makes happen. */
export async function advanceTo(engine: Engine, at: number, until: () => boolean, what: string): Promise<void> {
  engineParts(engine).clock.advance(Math.max(0, at - engine.api.now()));
  await waitFor(until, what);
}
