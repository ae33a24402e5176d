// The load generator: SMTP sessions in the bench process, on nodemailer's SMTP connection used
// directly (no message composition). Two modes: sessions that reuse their connection for many
// messages, and one connection per message. It records when the first byte went out, when the
// last 250 came back, and the latency of each final 250 (from the first byte of the content to
// the reply: the time the server takes to make the message durable and answer).
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { sleep } from './proc.js';

export type LoadMode = 'reuse' | 'per-message';

export interface LoadOptions {
  port: number;
  host?: string;
  messages: number;
  sessions: number;
  mode: LoadMode;
  /** Message size in bytes (headers included). */
  size: number;
  /** Distinguishes the Message-IDs of different runs. */
  tag: string;
  /** Pause before trying again after a refused connection or a 4xx (real ms). */
  retryDelayMs?: number;
  /** The recipient of message i (default `recipientFor`: 1,000 users at example.com). */
  recipient?: (index: number) => string;
  /** Message i's index is `firstIndex + i` (Message-IDs and recipients go on across slices). */
  firstIndex?: number;
  /**
   * An offered rate (messages per second, all sessions together): message i is not started
   * before i / rate seconds after the first (an open loop, as long as the server keeps up).
   * Without it each session sends its next message as soon as the last one got its 250.
   */
  ratePerSecond?: number;
  /** Every session starts TLS (STARTTLS required; the server's certificate is not checked). */
  tls?: boolean;
}

export interface LoadResult {
  /** performance.now() when the first connection was opened. */
  startedAt: number;
  /** performance.now() when the last 250 arrived. */
  finishedAt: number;
  accepted: number;
  /** Final-250 latencies, ms, one per accepted message. */
  latenciesMs: number[];
  /** Connections refused or greeted with 4xx/5xx (e.g. 421 too many connections); retried. */
  refusedConnections: number;
  /** Transactions answered 4xx (e.g. 452 storage full); retried. */
  softFailures: number;
  /** First few error texts, for the report. */
  errorSamples: string[];
  /** Per connection opened: ms from connect to ready for MAIL (greeting, EHLO, and STARTTLS with its second EHLO). */
  setupMs: number[];
}

export class LoadAborted extends Error {}

interface Session {
  conn: SMTPConnection;
  alive: boolean;
}

/** A 2 KB-ish text message of exactly `size` bytes. */
export function buildMessage(size: number, index: number, tag: string, to: string): Buffer {
  const head =
    `From: Bench Sender <bench@example.org>\r\n` +
    `To: <${to}>\r\n` +
    `Subject: bench ${tag} message ${index}\r\n` +
    `Message-ID: <${tag}.${index}@bench.localdomain>\r\n` +
    `Date: ${new Date().toUTCString()}\r\n` +
    `MIME-Version: 1.0\r\n` +
    `Content-Type: text/plain; charset=us-ascii\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog while the queue fills up. 0123456\r\n';
  let body = '';
  while (head.length + body.length + line.length <= size) body += line;
  body += 'x'.repeat(Math.max(0, size - head.length - body.length - 2)) + '\r\n';
  return Buffer.from(head + body, 'latin1');
}

export function recipientFor(index: number): string {
  return `user${index % 1000}@example.com`;
}

function openSession(port: number, host: string, tls: boolean): Promise<Session> {
  return new Promise((resolve, reject) => {
    const conn = new SMTPConnection({
      host,
      port,
      secure: false,
      ...(tls ? { requireTLS: true, tls: { rejectUnauthorized: false } } : { ignoreTLS: true }),
      name: 'bench.localdomain',
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 120_000,
      logger: false,
    });
    const session: Session = { conn, alive: true };
    let settled = false;
    conn.on('error', (err: Error) => {
      session.alive = false;
      if (!settled) {
        settled = true;
        conn.close();
        reject(err);
      }
    });
    conn.on('end', () => (session.alive = false));
    conn.connect(() => {
      if (settled) return;
      settled = true;
      resolve(session);
    });
  });
}

/** Sends one message; resolves with the final-250 latency in ms. */
function sendOne(session: Session, from: string, to: string, content: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const conn = session.conn as unknown as { _createSendStream?: (cb: unknown) => unknown };
    let contentAt = 0;
    const original = conn._createSendStream;
    if (typeof original === 'function') {
      // The content starts right after the 354: wrap the internal step that starts it.
      conn._createSendStream = function (this: unknown, cb: unknown) {
        contentAt = performance.now();
        return original.call(this, cb);
      };
    }
    const started = performance.now();
    session.conn.send({ from, to: [to] }, content, (err) => {
      if (original) conn._createSendStream = original;
      if (err) return reject(err);
      const now = performance.now();
      resolve(now - (contentAt || started));
    });
  });
}

function quit(session: Session): Promise<void> {
  return new Promise((resolve) => {
    if (!session.alive) {
      session.conn.close();
      return resolve();
    }
    const timer = setTimeout(() => {
      session.conn.close();
      resolve();
    }, 2_000);
    session.conn.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
    session.conn.quit();
  });
}

/** Runs the load to completion: every message gets its 250 (4xx and refusals are retried). */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const host = o.host ?? '127.0.0.1';
  const retryDelay = o.retryDelayMs ?? 50;
  const result: LoadResult = {
    startedAt: performance.now(),
    finishedAt: 0,
    accepted: 0,
    latenciesMs: [],
    refusedConnections: 0,
    softFailures: 0,
    errorSamples: [],
    setupMs: [],
  };
  let next = 0;
  const retry: number[] = [];
  // Past this many failures something is broken: stop rather than spin.
  const failureBudget = o.messages * 20 + 1_000;
  let failures = 0;
  const take = (): number | undefined => (retry.length ? retry.pop() : next < o.messages ? next++ : undefined);
  const note = (e: unknown) => {
    failures++;
    const err = e as { message?: string; response?: string };
    if (result.errorSamples.length < 5) result.errorSamples.push(String(err.response ?? err.message ?? e));
    if (failures > failureBudget) throw new LoadAborted(`load generator gave up after ${failures} failures: ${result.errorSamples.join(' | ')}`);
  };
  const from = 'bench@example.org';

  const worker = async (): Promise<void> => {
    let session: Session | null = null;
    try {
      for (;;) {
        const i = take();
        if (i === undefined) return;
        if (o.ratePerSecond) {
          const wait = result.startedAt + (i * 1000) / o.ratePerSecond - performance.now();
          if (wait > 0) await sleep(wait);
        }
        if (!session || !session.alive) {
          if (session) session.conn.close();
          session = null;
          try {
            const opening = performance.now();
            session = await openSession(o.port, host, o.tls ?? false);
            result.setupMs.push(performance.now() - opening);
          } catch (e) {
            result.refusedConnections++;
            note(e);
            retry.push(i);
            await sleep(retryDelay);
            continue;
          }
        }
        const index = (o.firstIndex ?? 0) + i;
        const to = (o.recipient ?? recipientFor)(index);
        try {
          const latency = await sendOne(session, from, to, buildMessage(o.size, index, o.tag, to));
          result.accepted++;
          result.latenciesMs.push(latency);
          result.finishedAt = performance.now();
        } catch (e) {
          result.softFailures++;
          note(e);
          retry.push(i);
          session.conn.close();
          session = null;
          await sleep(retryDelay);
          continue;
        }
        if (o.mode === 'per-message') {
          await quit(session);
          session = null;
        }
      }
    } finally {
      if (session) await quit(session);
    }
  };

  const workers: Promise<void>[] = [];
  for (let s = 0; s < o.sessions; s++) workers.push(worker());
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return result;
}
