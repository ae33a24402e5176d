// `telnet`: talk to a host and port from the appliance — most often SMTP to the backend mail
// server, to see whether it answers and what it says. What the connection did is said as a
// telnet client says it (refused, timed out, no such host); once connected, each line typed is
// sent (CR LF) and what the host sends is shown, until it closes the connection, end of input or
// Ctrl-C. In batch, each line waits for the host's complete SMTP reply to the previous one (so a
// transcript reads in order); -c connects, shows the greeting and closes.
import type { RemoteConnection } from '../../../api/engine-api.js';
import { sourceInterfaces } from '../../../model/source-interfaces.js';
import { CommandError, DialogAborted, type Command, type CommandIO } from '../../kit/command.js';
import { askInteger, askNumbered, askText } from '../../kit/dialog.js';
import { numberArg } from '../../kit/live.js';

/** How long batch waits for the host's reply before it sends the next line anyway (a host that is not an SMTP server). */
export const REPLY_WAIT_MS = 10_000;

/** The host and port of the default route's first destination (the backend), if it has one. */
function backend(io: CommandIO): { host: string; port: number } | undefined {
  const routes = io.engine.config().routes;
  const route = routes.find((r) => r.domain.toUpperCase() === 'ALL') ?? routes[0];
  const first = route?.hosts[0];
  return first ? { host: first.host, port: first.port } : undefined;
}

/** What the host sent, shown a whole line at a time; and whether its last line ends an SMTP reply. */
class Screen {
  #partial = '';
  #replied = false;
  #wake: (() => void) | null = null;

  constructor(readonly io: CommandIO) {}

  data(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop()!;
    const whole = lines.map((l) => l.replace(/\r$/, ''));
    if (whole.length === 0) return;
    this.io.print(...whole);
    // An SMTP reply ends at a line `NNN text` (a `NNN-text` line has more to come).
    const last = whole.at(-1)!;
    if (!/^\d{3}-/.test(last)) {
      this.#replied = true;
      // 221 (after QUIT) and 421 close the connection: the next line waits for that.
      this.#closing = /^[24]21[ \t]/.test(`${last} `);
      // After 354 the message's lines get no reply until its final `.`.
      this.inData = /^354[ \t]/.test(`${last} `);
    }
    this.#wake?.();
  }

  #closing = false;
  /** The host waits for a message's lines (after 354): they are sent without waiting. */
  inData = false;

  /** What is left of a last line without its line end. */
  flush(): void {
    if (this.#partial !== '') this.io.print(this.#partial.replace(/\r$/, ''));
    this.#partial = '';
  }

  /** Resolves when the host finished a reply since the last call — and closed, after a closing one — or the wait is over. */
  async reply(closed: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, REPLY_WAIT_MS)));
    if (!this.#replied) {
      await Promise.race([new Promise<void>((resolve) => (this.#wake = resolve)), closed, deadline]);
      this.#wake = null;
    }
    if (this.#closing) await Promise.race([closed, deadline]);
    clearTimeout(timer);
    this.#replied = false;
    this.#closing = false;
  }
}

/** The conversation: lines typed go to the host until it closes, end of input or Ctrl-C. */
async function converse(io: CommandIO, conn: RemoteConnection): Promise<void> {
  const screen = new Screen(io);
  conn.onData((text) => screen.data(text));
  const gone = new AbortController();
  let closedBy: 'remote' | 'local' | undefined;
  const closed = conn.closed.then((by) => {
    closedBy = by;
    gone.abort();
  });
  try {
    for (;;) {
      // A script's next line waits for the answer to its last one; a person types when they like.
      if (!io.interactive && !screen.inData) await screen.reply(closed);
      if (gone.signal.aborted) break;
      const line = await io.ask({ label: '', prompt: '', withdrawOn: gone.signal });
      conn.send(`${line}\r\n`);
      // The message's end: its reply is waited for again.
      if (screen.inData && line === '.') screen.inData = false;
    }
  } catch (e) {
    if (!(e instanceof DialogAborted)) throw e;
    // Closed by the host (the line was taken back), or end of input / Ctrl-C here.
  } finally {
    conn.close();
  }
  await closed;
  screen.flush();
  io.print(closedBy === 'remote' ? 'Connection closed by foreign host.' : 'Connection closed.');
}

async function connect(io: CommandIO, host: string, port: number, localAddress: string | undefined): Promise<void> {
  io.blank();
  io.print(`Trying ${host}...`);
  const outcome = await io.engine.connectTo({ host, port }, localAddress ? { localAddress } : {});
  if ('failed' in outcome) {
    if (outcome.failed === 'unresolved') throw new CommandError(outcome.message);
    io.print(`telnet: connect to address ${outcome.address ?? host}: ${outcome.message}`);
    throw new CommandError(`telnet: Unable to connect to remote host: ${outcome.message}`);
  }
  io.print(`Connected to ${outcome.address}.`, "Escape character is '^]'.");
  await converse(io, outcome.connected);
}

export const telnet: Command = {
  name: 'telnet',
  summary: 'Connect to a remote host.',
  help: `telnet - Connect to a remote host.

Asks which interface to connect from (Auto, or an address of this appliance), the remote
host (default: the default route's first host, the backend mail server) and port (default:
that host's), then connects: "Trying <host>...", and either "Connected to <address>." with
the host's output, or what the connection did — "telnet: connect to address <a>: Connection
refused" (nothing listens there: the backend is down), "Operation timed out" (no answer in
30 s), "<host>: hostname nor servname provided, or not known" (no such name) — ending with
"telnet: Unable to connect to remote host". Connected, each line typed is sent to the host (CR
LF at its end) and what it sends is shown, until it closes the connection ("Connection closed
by foreign host."), Ctrl-C or Ctrl-D ("Connection closed."). In batch each line is sent once
the host's SMTP reply to the previous one is complete (a message's lines after DATA's 354 go
at once, up to its "." line).

Batch: telnet <host> [port]      (default port 25; the following lines are the conversation)`,
  async run(io, args) {
    if (args.length > 0) {
      if (args.length > 2) throw new CommandError(`Invalid arguments when processing telnet: ${args.join(' ')} (use: telnet <host> [port])`);
      await connect(io, args[0], args[1] === undefined ? 25 : numberArg(args[1], 'port', 1, 65_535), undefined);
      return;
    }
    const interfaces = sourceInterfaces(io.engine.config());
    const i = await askNumbered(
      io,
      'Please select which interface you want to use.',
      interfaces.map((s) => s.label),
      { defaultIndex: 0 },
    );
    const to = backend(io);
    const host = await askText(io, 'Enter the remote hostname or IP address.', {
      default: to?.host,
      check: (t) => (t.trim() === '' ? 'You must enter a hostname or IP address.' : undefined),
    });
    const port = await askInteger(io, 'Enter the remote port.', { min: 1, max: 65_535, default: to && to.host === host ? to.port : 25 });
    await connect(io, host.trim(), port, interfaces[i ?? 0].address);
  },
};
