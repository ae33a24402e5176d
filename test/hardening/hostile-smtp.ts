// Hostile SMTP clients against a listener on loopback, each returning counts: a
// slowloris, broken pipelining, malformed input, oversized mail. The hardening tests run them
// once; a soak can run `hostileSmtpRound` against a live engine as often as it likes.
import { connect, type Socket } from 'node:net';
import { SmtpTalk } from '../helpers/smtp-talk.js';

export interface SlowlorisResult {
  /** Connections the listener greeted with 220 (and that now hold a slot, trickling). */
  held: number;
  /** Connections refused at once (421). */
  refused: number;
  /** The trickling sockets, to close with `release()`. */
  release(): void;
}

/** Reads the first reply line of a raw socket ('' if it closes first). */
function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (text: string) => {
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      resolve(text);
    };
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) done(buf.slice(0, nl));
    };
    const onClose = () => done(buf);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/**
 * Opens `count` connections from `localAddress` (another loopback address than a real sender's,
 * so a per-address limit can tell them apart), waits for each greeting, then sends the first
 * bytes of an EHLO and never finishes it: each greeted connection holds a listener slot.
 */
export async function slowloris(port: number, count: number, localAddress = '127.0.0.2'): Promise<SlowlorisResult> {
  const sockets: Socket[] = [];
  const greetings = await Promise.all(
    Array.from({ length: count }, () => {
      const socket = connect({ port, host: '127.0.0.1', localAddress });
      socket.on('error', () => undefined);
      sockets.push(socket);
      return firstLine(socket).then((greeting) => {
        if (greeting.startsWith('220')) socket.write('EH');
        return greeting;
      });
    }),
  );
  return {
    held: greetings.filter((g) => g.startsWith('220')).length,
    refused: greetings.filter((g) => g.startsWith('421')).length,
    release: () => sockets.forEach((s) => s.destroy()),
  };
}

/** One message from a well-behaved client (from `localAddress`, if given); returns the final reply (or the refusal). */
export async function realSender(port: number, to = 'bob@example.com', localAddress?: string): Promise<string> {
  const t = await SmtpTalk.open(port, '127.0.0.1', localAddress);
  try {
    const greeting = await t.reply();
    if (!greeting.startsWith('220')) return greeting;
    await t.command('EHLO real.example.org');
    const mail = await t.command('MAIL FROM:<alice@example.org>');
    if (!mail.startsWith('250')) return mail;
    const rcpt = await t.command(`RCPT TO:<${to}>`);
    if (!rcpt.startsWith('250')) return rcpt;
    return await t.data('Subject: real\r\n\r\nhello\r\n');
  } finally {
    t.close();
  }
}

/** MAIL, RCPT, DATA and the content in one write, without waiting for the 354; returns the reply to DATA. */
export async function brokenPipelining(port: number, to = 'bob@example.com'): Promise<{ dataReply: string; closed: boolean }> {
  const t = await SmtpTalk.open(port);
  try {
    await t.reply();
    await t.command('EHLO pipe.example.org');
    t.socket.write(`MAIL FROM:<alice@example.org>\r\nRCPT TO:<${to}>\r\nDATA\r\nSubject: early\r\n\r\nsent before the 354\r\n.\r\n`);
    await t.reply();
    await t.reply();
    const dataReply = await t.reply();
    // After the refusal the server closes: the next read is the end of the stream.
    const next = await t.reply();
    return { dataReply, closed: next === '' && t.closed };
  } finally {
    t.close();
  }
}

/** Lines no client should send; each must get a 5xx and leave the session usable. */
export const MALFORMED_LINES = [
  'MAIL FROM:alice@example.org',
  'MAIL FROM:<alice@example.org',
  'RCPT TO:<>',
  'RCPT TO:<bob@example.com> NOTIFY=BOGUS',
  'DATA extra',
  'HELO',
  'X'.repeat(2_000),
  '\u0000\u0001\u0002',
  'MAIL FROM:<a@b> SIZE=abc',
  'VRFY',
];

export interface MalformedResult {
  sent: number;
  /** Replies per class (`5xx`, `4xx`, ...). */
  replies: Record<string, number>;
  /** After them all, the session still carries a message (250). */
  stillUsable: boolean;
}

/** Sends each malformed line on one session (RSET between), then a proper message. */
export async function malformedInput(port: number): Promise<MalformedResult> {
  const t = await SmtpTalk.open(port);
  const replies: Record<string, number> = {};
  try {
    await t.reply();
    await t.command('EHLO bad.example.org');
    for (const l of MALFORMED_LINES) {
      const r = await t.command(l);
      const cls = `${r.charAt(0) || '?'}xx`;
      replies[cls] = (replies[cls] ?? 0) + 1;
      await t.command('RSET');
    }
    await t.command('MAIL FROM:<alice@example.org>');
    await t.command('RCPT TO:<bob@example.com>');
    const final = await t.data('Subject: after the noise\r\n\r\nok\r\n');
    return { sent: MALFORMED_LINES.length, replies, stillUsable: final.startsWith('250') };
  } finally {
    t.close();
  }
}

/**
 * One message whose content is written straight to the socket in `blocks` (big ones: no
 * SMTP library buffers them), then ".": returns the final reply, or DATA's when it is no 354.
 */
export async function streamedMail(port: number, blocks: Iterable<Buffer>, replyTimeoutMs = 30_000): Promise<string> {
  const t = await SmtpTalk.open(port);
  try {
    await t.reply();
    await t.command('EHLO big.example.org');
    await t.command('MAIL FROM:<alice@example.org>');
    await t.command('RCPT TO:<bob@example.com>');
    const go = await t.command('DATA');
    if (!go.startsWith('354')) return go;
    for (const block of blocks) {
      if (!t.socket.write(block)) await new Promise((r) => t.socket.once('drain', r));
    }
    t.socket.write('.\r\n');
    return await t.reply(replyTimeoutMs);
  } finally {
    t.close();
  }
}

/** One message of `bytes` bytes of content; returns the final reply. */
export function oversizedMail(port: number, bytes: number): Promise<string> {
  const block = Buffer.from(('x'.repeat(998) + '\r\n').repeat(64));
  return streamedMail(
    port,
    Array.from({ length: Math.ceil(bytes / block.length) }, () => block),
  );
}

export interface HostileRound {
  /** Hostile inputs tried in this round (connections and sessions). */
  tried: number;
  slowloris: { held: number; refused: number };
  /** A well-behaved sender's reply while the slowloris held its slots. */
  realSenderDuringSlowloris: string;
  pipelining: { dataReply: string; closed: boolean };
  malformed: MalformedResult;
  oversized: string;
}

/**
 * The hostile set once against a listener (the soak's abuse step): returns what each got.
 * `maxMessageSize` sizes the oversized message just past the listener's limit.
 */
export async function hostileSmtpRound(port: number, o: { slowlorisConnections?: number; maxMessageSize?: number } = {}): Promise<HostileRound> {
  const count = o.slowlorisConnections ?? 50;
  const loris = await slowloris(port, count);
  try {
    const realSenderDuringSlowloris = await realSender(port);
    const pipelining = await brokenPipelining(port);
    const malformed = await malformedInput(port);
    const oversized = await oversizedMail(port, (o.maxMessageSize ?? 10 * 1024 * 1024) + 64 * 1024);
    return {
      tried: count + 1 + malformed.sent + 1,
      slowloris: { held: loris.held, refused: loris.refused },
      realSenderDuringSlowloris,
      pipelining,
      malformed,
      oversized,
    };
  } finally {
    loris.release();
  }
}
