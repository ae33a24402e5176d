// The training sandbox: the engine together with its built-in backend mail server and a
// traffic injector, so an operator can take the backend down, send mail and run time faster.
import nodemailer from 'nodemailer';
import type { Clock, PlayOptions, PlayReport } from '../model/clock.js';
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

/** How long `settle` waits at most for the engine to finish what is due now (wall ms). */
const SETTLE_MS = 30_000;
/**
 * How long a clock jump may take in real time (ms): past it, the rest of the jump passes at
 * once (and the jump says so). A 72-hour jump over 10,000 messages queued for a down host
 * takes about a second; one where they all expire, 20 s (docs/sandbox.md, "How a jump plays").
 */
export const JUMP_WALL_BUDGET_MS = 120_000;

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
  /** The engine's clock: the sandbox may change its speed (the appliance may not); `jump` moves it. */
  readonly clock: Pick<Clock, 'now' | 'scale' | 'setScale'>;
  backendMode(): BackendMode;
  setBackendMode(mode: BackendMode): Promise<void>;
  /** A line of the sandbox's own in the mail log (`Sandbox: ...`). */
  logLine(text: string): void;
  /** Resolves once the engine has done what is due now (deliveries of mail just sent, their DSNs), or after a bound. */
  settle(): Promise<void>;
  /**
   * Simulated time passes `ms`: the engine's timers (retries, host probes, expiry, delay
   * warnings, suspend delays) fire in order, each at its own time, and what each started is
   * done before the clock moves on; bounded in real time (JUMP_WALL_BUDGET_MS).
   */
  jump(ms: number, options?: PlayOptions): Promise<PlayReport>;
  /** Sends `count` test messages through the listener; reports progress as it goes. */
  inject(count: number, domain: string, onProgress?: (p: InjectProgress) => void, signal?: AbortSignal): Promise<InjectProgress>;
}

/** The engine's parts the sandbox drives; given by the engine when it starts. */
export interface SandboxSeat {
  api: EngineApi;
  clock: Clock;
  /** The mail log, for the sandbox's own lines. */
  log: { info(line: string): void };
  /** Resolves when nothing is running or due (Engine.idle; lingering connections may stay). */
  idle?: () => Promise<void>;
  /** Moves the clock as time passes, timer by timer (SimClock.play, settled by Engine.idle). */
  play?: (ms: number, options?: PlayOptions) => Promise<PlayReport>;
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
    this.logLine(`backend mail server is ${BACKEND_MODES[mode]}`);
  }

  logLine(text: string): void {
    this.#engine.log.info(`Sandbox: ${text}`);
  }

  async settle(): Promise<void> {
    const { idle } = this.#engine;
    if (!idle) return;
    // The engine's idle covers what one step starts after another (a bounce, its DSN, the DSN's
    // first attempt); the bound keeps a connection that never answers from holding the shell.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)))]);
    clearTimeout(timer);
  }

  async jump(ms: number, options: PlayOptions = {}): Promise<PlayReport> {
    const seat = this.#engine;
    if (!seat.play) throw new Error('this engine cannot play its clock');
    return seat.play(ms, { wallBudgetMs: JUMP_WALL_BUDGET_MS, ...options });
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
