// The training sandbox: the engine together with its built-in backend mail server and a
// traffic injector, so an operator can take the backend down, send mail and run time faster.
import nodemailer from 'nodemailer';
import type { Clock } from '../model/clock.js';
import type { EngineApi } from '../api/engine-api.js';
import type { BackendMode, BackendServer } from './backend.js';

export interface InjectProgress {
  done: number;
  accepted: number;
  refused: number;
  total: number;
  /** Refusals by the reply that refused them (`452 4.3.1 ...`, or the connection error). */
  refusals: Record<string, number>;
}

/** The sender of the injected test mail: its DSNs come back to this address's mailbox. */
export const SANDBOX_SENDER = 'trainer@sandbox.example.org';
const SENDER_DOMAIN = SANDBOX_SENDER.slice(SANDBOX_SENDER.indexOf('@'));

/** What the backend says of itself in each mode (`sim backend`, the mail log). */
export const BACKEND_MODES: Record<BackendMode, string> = {
  up: 'up: accepting mail',
  down: 'down: refusing connections',
  tempfail: 'failing temporarily: answering 451 4.3.0 to every recipient',
  reject: 'rejecting: answering 550 5.1.1 to every recipient',
};

/** How long `settle` waits at most for the engine to finish what a clock jump made due (wall ms). */
const SETTLE_MS = 10_000;
/** The pause between two looks at an idle engine (wall ms). */
const SETTLE_PAUSE_MS = 20;

/** One refusal as the injector reports it: the reply's first line, addresses left out (so equal replies count together). */
export function refusalOf(e: unknown): string {
  const err = e as { response?: unknown; code?: unknown; message?: unknown };
  const response = typeof err.response === 'string' && /^\d{3}/.test(err.response) ? err.response : undefined;
  const text = response ?? `${typeof err.code === 'string' ? `${err.code}: ` : ''}${String(err.message ?? e)}`;
  return text
    .split(/\r?\n/)[0]
    .replace(/<[^>]*>/g, '<...>')
    .trim();
}

/** Where the sandbox's test senders reach the first listener (a wildcard address through loopback). */
export function firstListenerTarget(api: EngineApi): { host: string; port: number } | undefined {
  const l = api.listenerViews()[0];
  return l ? { host: l.host === '0.0.0.0' ? '127.0.0.1' : l.host, port: l.port } : undefined;
}

/** What the `sim` commands and the status bar see of the sandbox. */
export interface SandboxControls {
  readonly backend: BackendServer;
  /** The engine's clock: the sandbox may move it and change its speed (the appliance may not). */
  readonly clock: Pick<Clock, 'now' | 'scale' | 'advance' | 'setScale'>;
  backendMode(): BackendMode;
  setBackendMode(mode: BackendMode): Promise<void>;
  /** Resolves once the engine has done what is due now (a clock jump's retries and probes), or after a bound. */
  settle(): Promise<void>;
  /** Sends `count` test messages through the listener; reports progress as it goes. */
  inject(count: number, domain: string, onProgress?: (p: InjectProgress) => void, signal?: AbortSignal): Promise<InjectProgress>;
}

/** The engine's parts the sandbox drives; given by the engine when it starts. */
export interface SandboxSeat {
  api: EngineApi;
  clock: Clock;
  /** The mail log, for the sandbox's own lines. */
  log: { info(line: string): void };
  /** Resolves when nothing is running or due (Engine.idle). */
  idle?: () => Promise<void>;
}

export class Sandbox implements SandboxControls {
  #seq = 0;
  #seat: SandboxSeat | null = null;
  constructor(readonly backend: BackendServer) {
    // The sender's own domain is not the company's server: its DSNs arrive whatever the mode
    // (only a closed port keeps them queued), so a trainee can read them in `sim mailbox`.
    backend.modeExempt = (rcpt) => rcpt.endsWith(SENDER_DOMAIN);
  }

  #early: string[] = [];

  /** The engine takes its seat (Engine.start does this once it runs). */
  attach(seat: SandboxSeat): void {
    this.#seat = seat;
    this.backend.now = () => seat.clock.now();
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
    this.#engine.log.info(`Sandbox: backend mail server is ${BACKEND_MODES[mode]}`);
  }

  async settle(): Promise<void> {
    const { idle, api } = this.#engine;
    if (!idle) return;
    const until = Date.now() + SETTLE_MS;
    // Idle twice in a row with the queue unchanged: work that one step starts after another
    // (a bounce, then its DSN, then the DSN's first attempt) has had its turn too.
    const gauges = () => JSON.stringify(api.gauges());
    let before = '';
    while (Date.now() < until) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, until - Date.now())))]);
      clearTimeout(timer);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS));
      const now = gauges();
      if (now === before) return;
      before = now;
    }
  }

  async inject(count: number, domain: string, onProgress?: (p: InjectProgress) => void, signal?: AbortSignal): Promise<InjectProgress> {
    const target = firstListenerTarget(this.#engine.api);
    if (!target) throw new Error('There are no listeners to send through.');
    const transport = nodemailer.createTransport({
      pool: true,
      host: target.host,
      port: target.port,
      secure: false,
      ignoreTLS: true,
      maxConnections: 5,
      maxMessages: Infinity,
    });
    const progress: InjectProgress = { done: 0, accepted: 0, refused: 0, total: count, refusals: {} };
    let next = 0;
    const worker = async () => {
      while (next < count && !signal?.aborted) {
        const i = next++;
        const n = ++this.#seq;
        try {
          await transport.sendMail({
            from: SANDBOX_SENDER,
            to: `user${(n % 50) + 1}@${domain}`,
            subject: `Sandbox test message ${n}`,
            text: `Test message ${n} (${i + 1} of ${count}) injected by the sandbox.\n`,
          });
          progress.accepted++;
        } catch (e) {
          progress.refused++;
          const reply = refusalOf(e);
          progress.refusals[reply] = (progress.refusals[reply] ?? 0) + 1;
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
