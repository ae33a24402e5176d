// A TCP proxy in front of the test backend that misbehaves on purpose, one fault mode at a
// time: connections closed at once, a 421 or a garbage greeting, a greeting that never comes,
// a reset in the middle of DATA, a reset right after the final dot (the backend has the
// message, the engine never hears its 250), and slow links. For the backend fault soak.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyFault = 'pass' | 'close-at-connect' | 'greeting-421' | 'garbage-greeting' | 'stall-greeting' | 'reset-in-data' | 'reset-after-dot' | 'slow';

export class FaultProxy {
  fault: ProxyFault = 'pass';
  /** Connections the current faults acted on. */
  injected = 0;
  port = 0;
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();

  constructor(readonly backendPort: number) {}

  async start(): Promise<number> {
    this.#server = createServer((client) => this.#handle(client));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server!.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  #track(s: Socket): Socket {
    this.#sockets.add(s);
    s.on('close', () => this.#sockets.delete(s));
    s.on('error', () => undefined);
    return s;
  }

  #handle(client: Socket): void {
    this.#track(client);
    const fault = this.fault;
    if (fault === 'close-at-connect') {
      this.injected++;
      client.destroy();
      return;
    }
    if (fault === 'greeting-421') {
      this.injected++;
      client.end('421 4.3.2 proxy.example.com Service not available\r\n');
      return;
    }
    if (fault === 'garbage-greeting') {
      this.injected++;
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (fault === 'stall-greeting') {
      // Say nothing; the engine's greeting timeout ends it (the socket is closed after 5 s anyway).
      this.injected++;
      setTimeout(() => client.destroy(), 5_000).unref();
      return;
    }
    if (fault === 'slow') this.injected++;
    const server = this.#track(connect(this.backendPort, '127.0.0.1'));
    server.on('close', () => client.destroy());
    client.on('close', () => server.destroy());
    let inData = false;
    let acted = false;
    /** After the final dot (reset-after-dot): the backend's next reply is swallowed, the link cut. */
    let cutOnReply = false;
    const act = () => {
      if (acted) return;
      acted = true;
      this.injected++;
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (fault === 'reset-in-data' && inData) return act();
      if (fault === 'reset-after-dot' && inData && /\r\n\.\r\n$/.test(text)) {
        // The message reaches the backend; its 250 never reaches the engine.
        cutOnReply = true;
        server.write(chunk);
        return;
      }
      if (/^DATA\r\n$/im.test(text)) inData = true;
      this.#forward(server, chunk, fault);
    });
    server.on('data', (chunk: Buffer) => (cutOnReply ? act() : this.#forward(client, chunk, fault)));
  }

  #forward(to: Socket, chunk: Buffer, fault: ProxyFault): void {
    if (fault === 'slow') {
      setTimeout(() => to.write(chunk), 30);
    } else {
      to.write(chunk);
    }
  }
}
