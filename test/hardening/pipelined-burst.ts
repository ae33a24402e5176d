// A pipelined burst against a listener: MAIL, then thousands of RCPT TO (or another command) and
// RSET in one write, the replies counted as they come; then one ordinary message on the same
// session. The hardening test runs it once; the soak runs it while mail flows.
import { connect, type Socket } from 'node:net';

export interface BurstResult {
  /** Final reply lines received for the burst (MAIL, each command, RSET). */
  answered: number;
  /** Of them, 250 replies to the repeated command. */
  accepted: number;
  /** Of them, 4xx/5xx replies to the repeated command. */
  refused: number;
  /** The reply to the message sent after the burst on the same session. */
  afterwards: string;
  /** Milliseconds from the burst's write to its last reply. */
  ms: number;
}

/** Reads a socket's reply lines (the final line of each reply) as they arrive. */
class ReplyLines {
  #partial = '';
  #lines: string[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      const text = this.#partial + d.toString('latin1');
      const parts = text.split('\r\n');
      this.#partial = parts.pop() ?? '';
      for (const p of parts) if (/^\d{3}(?: |$)/.test(p)) this.#lines.push(p);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake?.();
    });
  }

  /**
   * The next `n` reply lines; fewer when the server closes first, or stops answering for
   * `silentMs` (a stalled session: only a failing run waits that long).
   */
  async take(n: number, silentMs = 30_000): Promise<string[]> {
    while (this.#lines.length < n && !this.closed) {
      const heard = await new Promise<boolean>((r) => {
        const t = setTimeout(() => r(false), silentMs);
        this.#wake = () => {
          clearTimeout(t);
          r(true);
        };
      });
      if (!heard) break;
    }
    return this.#lines.splice(0, n);
  }
}

/**
 * `count` copies of `command` (default `RCPT TO:<uN@example.com>`) after MAIL and before RSET, in
 * one write. `readAfterWrite`: the client reads nothing until its whole write has gone out (a
 * client that does not read while it writes: the server must keep reading meanwhile).
 */
export async function pipelinedBurst(port: number, count: number, o: { command?: string; readAfterWrite?: boolean } = {}): Promise<BurstResult> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const replies = new ReplyLines(socket);
  try {
    await replies.take(1);
    socket.write('EHLO burst.example.org\r\n');
    await replies.take(1);
    const lines = ['MAIL FROM:<alice@example.org>'];
    for (let i = 0; i < count; i++) lines.push(o.command ?? `RCPT TO:<u${i}@example.com>`);
    lines.push('RSET');
    const started = Date.now();
    if (o.readAfterWrite) socket.pause();
    socket.write(lines.join('\r\n') + '\r\n', () => socket.resume());
    const got = await replies.take(count + 2);
    const ms = Date.now() - started;
    const repeated = got.slice(1, 1 + count);
    socket.write('MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
    const [, , go] = await replies.take(3);
    let afterwards = go ?? '';
    if (go?.startsWith('354')) {
      socket.write('Subject: after the burst\r\n\r\nstill here\r\n.\r\n');
      afterwards = (await replies.take(1))[0] ?? '';
    }
    socket.write('QUIT\r\n');
    return {
      answered: got.length,
      accepted: repeated.filter((l) => l.startsWith('250')).length,
      refused: repeated.filter((l) => /^[45]/.test(l)).length,
      afterwards,
      ms,
    };
  } finally {
    socket.destroy();
  }
}
