// A minimal client of the engine's control socket (JSON-RPC 2.0, one message a line), to time
// the engine's own round trip for `status`, `tophosts` and `showrecipients` without a client
// process start-up. Questions are answered with their defaults, like `esa shell -c`; a pager
// session (a 24-row screen) stops long listings at the first pager stop, as `q` would.
import net from 'node:net';

interface RpcMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

export class ControlClient {
  #socket: net.Socket;
  #buffer = '';
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Output printed by the engine since the last run. */
  output = '';
  /** performance.now() when the first table row (`MID size ...`) of the last run was printed. */
  firstRowAt = 0;
  /** Messages queued, as the status the engine pushed after the last run said. */
  queuedMessages: number | undefined;
  readonly #pager: boolean;

  private constructor(socket: net.Socket, pager: boolean) {
    this.#pager = pager;
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('close', () => {
      for (const p of this.#pending.values()) p.reject(new Error('the control socket closed'));
      this.#pending.clear();
    });
    socket.on('error', () => undefined);
  }

  static async connect(socketPath: string, o: { pager?: boolean } = {}): Promise<ControlClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(socketPath);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const client = new ControlClient(socket, o.pager ?? false);
    await client.call('hello', o.pager ? { client: 'bench-pager', interactive: true, screen: { rows: 24, columns: 120 } } : { client: 'bench' });
    return client;
  }

  call(method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++;
    const line = JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n';
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.write(line);
    });
  }

  /** Runs a command line; resolves with the milliseconds until its result arrived. */
  async time(line: string): Promise<{ ms: number; ok: boolean; output: string }> {
    this.output = '';
    this.firstRowAt = 0;
    const t = performance.now();
    const result = (await this.call('run', { line })) as { ok: boolean };
    return { ms: performance.now() - t, ok: result.ok, output: this.output };
  }

  /**
   * Messages in the engine's queue, from the status it pushes after each command (`setttymode`
   * prints nothing). The spool's files do not tell: some are placed ahead for upcoming messages.
   */
  async queued(): Promise<number> {
    this.queuedMessages = undefined;
    await this.call('run', { line: 'setttymode 0 1' });
    if (this.queuedMessages === undefined) throw new Error('the engine pushed no status after a command');
    return this.queuedMessages;
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let msg: RpcMessage;
      try {
        msg = JSON.parse(line) as RpcMessage;
      } catch {
        continue;
      }
      this.#onMessage(msg);
    }
  }

  #onMessage(msg: RpcMessage): void {
    if (msg.method) {
      if (msg.method === 'status') this.queuedMessages = (msg.params as { queuedMessages?: number }).queuedMessages;
      if (msg.method === 'print') {
        const text = (msg.params as { text?: string }).text ?? '';
        this.output += text;
        if (!this.firstRowAt && /^\d+ +\d+ /m.test(text)) this.firstRowAt = performance.now();
      }
      if (msg.method === 'ask' && msg.id !== undefined) {
        // Take the default, as -c does; a question asked again gets end of input; a pager stop: q.
        const q = msg.params as { attempt?: number; pause?: boolean };
        const result = q.pause && this.#pager ? { answer: 'q' } : (q.attempt ?? 1) > 1 ? { eof: true } : { answer: '' };
        this.#socket.write(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }) + '\n');
      }
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  }
}
