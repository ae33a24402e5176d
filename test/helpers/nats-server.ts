// A real nats-server (Debian's package) with JetStream for the cluster tests: on loopback, a port
// the server picks (then kept across restarts), its store in a temp dir. Killed and restarted
// on the same store to cut the cluster's store and bring it back.
import { spawn, type ChildProcess } from 'node:child_process';
import { removeDir, tempDir } from './harness.js';

export class NatsServer {
  #child: ChildProcess | undefined;
  #port = -1;

  private constructor(readonly storeDir: string) {}

  static async start(): Promise<NatsServer> {
    const server = new NatsServer(await tempDir('esa-nats-'));
    await server.#spawn();
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.#port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async #spawn(): Promise<void> {
    const child = spawn('nats-server', ['-js', '-sd', this.storeDir, '-a', '127.0.0.1', '-p', String(this.#port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    this.#port = await new Promise<number>((resolve, reject) => {
      let port = 0;
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /Listening for client connections on [\d.]+:(\d+)/.exec(err);
        if (m) port = Number(m[1]);
        if (port && /Server is ready/.test(err)) resolve(port);
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${err}`)));
    });
    child.stderr!.resume();
    this.#child = child;
  }

  /** SIGKILL: the store is cut at once, as a crash would. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts again on the same port and store. */
  async restart(): Promise<void> {
    await this.kill();
    await this.#spawn();
  }

  async stop(): Promise<void> {
    await this.kill();
    await removeDir(this.storeDir);
  }
}
