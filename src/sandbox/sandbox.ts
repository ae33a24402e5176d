// The training sandbox: the engine together with its built-in backend mail server and a
// traffic injector, so an operator can take the backend down, send mail and run time faster.
import nodemailer from 'nodemailer';
import type { Clock } from '../clock.js';
import type { EngineApi } from '../engine-api.js';
import type { MailLog } from '../log/mail-log.js';
import type { BackendMode, BackendServer } from './backend.js';

export interface InjectProgress {
  done: number;
  accepted: number;
  refused: number;
  total: number;
}

/** What the `sim` commands and the status bar see of the sandbox. */
export interface SandboxControls {
  readonly backend: BackendServer;
  /** The engine's clock: the sandbox may move it and change its speed (the appliance may not). */
  readonly clock: Pick<Clock, 'now' | 'scale' | 'advance' | 'setScale'>;
  backendMode(): BackendMode;
  setBackendMode(mode: BackendMode): Promise<void>;
  /** Sends `count` test messages through the listener; reports progress as it goes. */
  inject(count: number, domain: string, onProgress?: (p: InjectProgress) => void, signal?: AbortSignal): Promise<InjectProgress>;
}

/** The engine's parts the sandbox drives; given by the engine when it starts. */
export interface SandboxSeat {
  api: EngineApi;
  clock: Clock;
  log: MailLog;
}

export class Sandbox implements SandboxControls {
  #seq = 0;
  #seat: SandboxSeat | null = null;
  constructor(readonly backend: BackendServer) {}

  #early: string[] = [];

  /** The engine takes its seat (Engine.start does this once it runs). */
  attach(seat: SandboxSeat): void {
    this.#seat = seat;
    for (const line of this.#early.splice(0)) seat.log.info(`Warning: ${line}`);
  }

  /** A warning of the engine: into the mail log (kept until the engine runs, if it comes earlier). */
  note(line: string): void {
    if (this.#seat) this.#seat.log.info(`Warning: ${line}`);
    else this.#early.push(line);
  }

  get #engine(): SandboxSeat {
    if (!this.#seat) throw new Error('the sandbox is not attached to an engine yet');
    return this.#seat;
  }

  get clock(): Clock {
    return this.#engine.clock;
  }

  backendMode(): BackendMode {
    return this.backend.mode;
  }

  async setBackendMode(mode: BackendMode): Promise<void> {
    await this.backend.setMode(mode);
    this.#engine.log.info(`Sandbox: backend mail server is ${mode}`);
  }

  async inject(count: number, domain: string, onProgress?: (p: InjectProgress) => void, signal?: AbortSignal): Promise<InjectProgress> {
    const listener = this.#engine.api.listenerViews()[0];
    if (!listener) throw new Error('There are no listeners to send through.');
    const host = listener.host === '0.0.0.0' ? '127.0.0.1' : listener.host;
    const transport = nodemailer.createTransport({
      pool: true,
      host,
      port: listener.port,
      secure: false,
      ignoreTLS: true,
      maxConnections: 5,
      maxMessages: Infinity,
    });
    const progress: InjectProgress = { done: 0, accepted: 0, refused: 0, total: count };
    let next = 0;
    const worker = async () => {
      while (next < count && !signal?.aborted) {
        const i = next++;
        const n = ++this.#seq;
        try {
          await transport.sendMail({
            from: `trainer@sandbox.example.org`,
            to: `user${(n % 50) + 1}@${domain}`,
            subject: `Sandbox test message ${n}`,
            text: `Test message ${n} (${i + 1} of ${count}) injected by the sandbox.\n`,
          });
          progress.accepted++;
        } catch {
          progress.refused++;
        }
        progress.done++;
        onProgress?.({ ...progress });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(5, count) }, worker));
    } finally {
      transport.close();
    }
    return progress;
  }
}
