// A raw SMTP client for asserting exact reply lines (greetings, 421s, syntax errors) that a
// full client library would hide.
import { connect, type Socket } from 'node:net';

export class SmtpTalk {
  #buffer = '';
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.#buffer += d;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  /** `localAddress`: the client's own address (another loopback address, say 127.0.0.2). */
  static open(port: number, host = '127.0.0.1', localAddress?: string): Promise<SmtpTalk> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host, localAddress }, () => resolve(new SmtpTalk(s)));
      s.once('error', reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next complete reply (all lines of a multi-line reply), or '' when the server closed. */
  async reply(timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-.*\r\n)*\d{3}(?: .*)?\r\n/.exec(this.#buffer);
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length);
        return m[0].replace(/\r\n$/, '');
      }
      if (this.closed) return '';
      if (Date.now() > until) throw new Error(`no SMTP reply within ${timeoutMs} ms (have: ${JSON.stringify(this.#buffer)})`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async command(line: string): Promise<string> {
    this.socket.write(line + '\r\n');
    return this.reply();
  }

  /** Sends a whole message after DATA's 354 and returns the final reply. */
  async data(content: string): Promise<string> {
    const go = await this.command('DATA');
    if (!go.startsWith('354')) return go;
    const body = content.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(body + (body.endsWith('\r\n') ? '' : '\r\n') + '.\r\n');
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}
