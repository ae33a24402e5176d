// One CLI session: runs command lines against the engine with the session's own pending
// configuration, asks the terminal the dialogs' questions, and keeps the appliance's output
// style (a blank line before each paragraph and question). Knows nothing about sockets.
import { printable, printableLines } from '../../model/printable.js';
import { CommandError, DialogAborted, extraArgsRefusal, type CommandIO, type CommandRegistry, type Question } from '../kit/command.js';
import { unknownCommandLine } from '../kit/unknown-command.js';
import { splitCommands, tokenize } from '../kit/command-line.js';
import { Refusal } from '../../model/change.js';
import { completeLine } from '../kit/completion.js';
import { systemStatus } from '../../model/system-status.js';
import type { EngineApi } from '../../api/engine-api.js';
import type { AuditLog } from '../../users/audit-log.js';
import { ACCESS_REFUSED, currentRole, LOCAL_OWNER, mayRun, type SessionUser } from '../../users/roles.js';
import { OutputPager, type Screen } from './output-pager.js';
import { PendingChanges } from './pending-changes.js';
import { enterCommandMode, modePrompt } from './cluster-mode.js';
import type { AskParams, AskResult, RunResult, StatusParams } from './protocol.js';

/** What a session needs from its terminal (the socket connection, or a test). */
export interface SessionTerminal {
  print(text: string): void;
  ask(params: AskParams): Promise<AskResult>;
  status?(params: StatusParams): void;
  /** The open question is taken back (`withdraw`): nothing typed is lost. */
  withdraw?(): void;
}

/** The appliance's pager stop. */
export const PAGER_PROMPT = '-Press Any Key For More-';

/** Who the session is for, and where its command lines are recorded. */
export interface SessionIdentity {
  /** Absent: the control socket's user, the data dir owner acting as `admin` (LOCAL_OWNER). */
  user?: SessionUser;
  /** `logs/cli_logs`: every line run, with its user. */
  audit?: AuditLog;
}

interface Outcome {
  ok: boolean;
  error?: string;
  /** Ctrl-C: the rest of the line is not run either. */
  interrupted?: boolean;
}

export class CliSession {
  readonly pending: PendingChanges;
  #running: AbortController | null = null;
  /** A line is being run (between its commands too). */
  #lineRunning = false;
  #ended = false;
  #closed = false;
  /** The last line written was blank (or the command has written nothing yet after its own blank). */
  #atBlank = false;
  #blankWanted = false;
  #printed = false;
  /** Set from the terminal's `hello`: whether Ctrl-C can end a live stream (rate, tail). */
  interactive = true;
  /** Pager stops in long listings (`setttymode` turns them off). */
  paging = true;
  /** `-c`: a line of several commands labels each one's output with the command (the prompt and it). */
  echoCommands = false;
  /** The terminal's output area, when the front end told it: long output pages at it, help wraps to it. */
  #screen: Screen | undefined;
  readonly #pager = new OutputPager(
    (text) => this.terminal.print(text),
    () => this.#pagerStop(),
  );
  #pagerAbort: AbortController | null = null;
  /** Width of the live line shown (io.progress), 0 when none; what #atBlank was before it. */
  #progressWidth = 0;
  #progressAtBlank = false;
  readonly user: SessionUser;
  readonly #audit: AuditLog | undefined;
  /** Simulated ms the session began: the status bar shows the alerts raised since. */
  readonly #since: number;

  constructor(
    readonly engine: EngineApi,
    readonly commands: CommandRegistry,
    readonly terminal: SessionTerminal,
    readonly id = 0,
    identity: SessionIdentity = {},
  ) {
    this.pending = new PendingChanges(engine);
    this.user = identity.user ?? LOCAL_OWNER;
    this.#audit = identity.audit;
    this.#since = engine.now();
  }

  get prompt(): string {
    // In a cluster the prompt names the level this session edits: `(Cluster NAME)> `.
    return modePrompt(this.engine, this.pending) ?? `${this.engine.hostname}> `;
  }

  get busy(): boolean {
    return this.#lineRunning;
  }

  /** Runs one typed line (several commands when joined by `;`). */
  async run(line: string): Promise<RunResult> {
    if (this.#closed) return { ok: false, error: 'The session is closed.', prompt: this.prompt };
    if (this.#lineRunning) return { ok: false, error: 'A command is already running in this session.', prompt: this.prompt };
    let pieces: string[];
    try {
      pieces = splitCommands(line);
    } catch (e) {
      const error = (e as Error).message;
      this.#out(`\n${error}\n\n`);
      return { ok: false, error, prompt: this.prompt };
    }
    this.#audit?.command(this.user, line, this.prompt);
    const failures: string[] = [];
    // The typed line ends the previous output; commands joined by `;` share the blank lines between them.
    this.#atBlank = false;
    this.#lineRunning = true;
    // The typed line is the first row of the new screenful.
    this.#pager.restart(1);
    try {
      for (const piece of pieces) {
        if (this.echoCommands && pieces.length > 1) this.#say(`${this.prompt}${printable(piece.trim())}`);
        const outcome = await this.#runOne(piece);
        if (!outcome.ok && outcome.error) failures.push(outcome.error);
        if (outcome.interrupted || this.#ended || this.#closed) break;
      }
      await this.#pager.finish();
    } finally {
      this.#lineRunning = false;
    }
    this.pushStatus();
    return { ok: failures.length === 0, error: failures[0], exit: this.#ended || undefined, prompt: this.prompt };
  }

  /** Ctrl-C: aborts the running command's dialog or wait. */
  interrupt(): void {
    // A live stream inside a command (workqueue RATE) ends; the command goes on.
    const scoped = this.#scoped;
    if (scoped) scoped.abort(new DialogAborted('interrupt'));
    else this.#running?.abort(new DialogAborted('interrupt'));
    this.#pagerAbort?.abort(new DialogAborted('interrupt'));
  }

  /** The scope Ctrl-C ends instead of the command (io.interruptible). */
  #scoped: AbortController | null = null;

  /** The front end's output area (rows and columns), or undefined: no pager, no wrapping. */
  setScreen(screen: Screen | undefined): void {
    this.#screen = screen;
    this.#pager.screen = screen;
  }

  get #pagerOn(): boolean {
    return this.interactive && this.paging && this.#screen !== undefined;
  }

  /** Output to the terminal, through the pager when it is on. */
  #out(text: string): void {
    if (this.#pagerOn) this.#pager.write(text);
    else this.terminal.print(text);
  }

  complete(line: string): string[] {
    return completeLine(line, { engine: this.engine, pending: this.pending, commands: this.commands });
  }

  /** The connection is gone: a running dialog is abandoned, pending changes are dropped. */
  close(): void {
    this.#closed = true;
    this.#running?.abort(new DialogAborted('closed'));
    this.#pagerAbort?.abort(new DialogAborted('closed'));
    this.pending.clear();
  }

  status(): StatusParams {
    const e = this.engine;
    const g = e.gauges();
    return {
      hostname: e.hostname,
      prompt: this.prompt,
      systemStatus: systemStatus(e.operational()),
      pendingChanges: this.pending.descriptions.length,
      queuedMessages: g.queuedMessages,
      activeRecipients: g.activeRecipients,
      connectionsIn: g.connectionsIn,
      connectionsOut: g.connectionsOut,
      hostsDown: g.hostsDown,
      storageUsedPercent: g.storageUsedPercent,
      ...this.#alertStatus(),
      ...(e.sandbox
        ? {
            clock: { now: e.sandbox.clock.now(), scale: e.sandbox.clock.scale },
            backend: e.sandbox.backendMode(),
            ...(e.diagnostics.warningCount ? { warnings: e.diagnostics.warningCount, lastWarning: e.diagnostics.warnings.at(-1) } : {}),
          }
        : {}),
    };
  }

  /** The alerts raised since the session began: how many, and the newest. */
  #alertStatus(): Pick<StatusParams, 'alerts' | 'lastAlert'> {
    const raised = this.engine.alerts().filter((a) => a.at >= this.#since);
    if (raised.length === 0) return {};
    const [last] = raised;
    return { alerts: raised.length, lastAlert: { severity: last.severity, subject: last.subject } };
  }

  pushStatus(): void {
    if (!this.#closed) this.terminal.status?.(this.status());
  }

  async #runOne(text: string): Promise<Outcome> {
    const controller = new AbortController();
    this.#running = controller;
    this.#blankWanted = true;
    this.#printed = false;
    let name = '';
    // Whether an abandoned dialog could have changed something (a look-only command cannot).
    let changes = true;
    try {
      const words = tokenize(text);
      name = (words[0] ?? '').toLowerCase();
      const command = this.commands.find(name);
      if (!command) throw new CommandError(unknownCommandLine(words[0], this.commands));
      changes = command.access !== 'look';
      // The role is read now, not at login: a commit may have changed it meanwhile.
      if (!mayRun(currentRole(this.engine.config().users, this.user), command.access ?? 'act')) throw new CommandError(ACCESS_REFUSED);
      const extra = extraArgsRefusal(command, words.length - 1);
      if (extra) throw new CommandError(extra);
      const io = this.#io(controller.signal);
      // In a cluster, a command bound to another mode offers to switch first.
      if (!(await enterCommandMode(io, command.name, words.length > 1))) return { ok: true };
      await command.run(io, words.slice(1));
      return { ok: true };
    } catch (e) {
      return this.#failed(e, name, changes);
    } finally {
      this.#running = null;
      this.#endProgress();
      if (this.#printed && !this.#atBlank && !this.#closed) {
        this.#out('\n');
        this.#atBlank = true;
      }
    }
  }

  #failed(e: unknown, name: string, changes: boolean): Outcome {
    if (e instanceof DialogAborted) {
      if (e.why === 'closed') return { ok: false, error: e.message };
      if (changes) this.#say('-- Changes not recorded.');
      if (e.why === 'eof') return { ok: false, error: `${name}: end of input in the middle of the dialog${changes ? '; nothing was changed' : ''}` };
      return { ok: false, error: `${name}: interrupted`, interrupted: true };
    }
    if (e instanceof Refusal) {
      // A refusal may repeat what was typed (`Unknown command: ...`): its control characters are shown escaped.
      const line = printableLines(e.message);
      this.#say(line);
      return { ok: false, error: line };
    }
    // A bug, not a user error: one line for the user, the stack for whoever runs the engine.
    const err = e as Error;
    this.engine.diagnostics.bug(`command "${name}"`, e);
    const line = printableLines(`Internal error in ${printable(name)}: ${err?.message ?? String(e)}`);
    this.#say(line);
    return { ok: false, error: line };
  }

  #say(line: string): void {
    if (this.#closed) return;
    this.#blankWanted = true;
    this.#emit(`${line}\n`);
  }

  #emit(text: string): void {
    if (this.#closed) return;
    this.#endProgress();
    const out = this.#blankWanted && !this.#atBlank ? `\n${text}` : text;
    this.#blankWanted = false;
    this.#printed = true;
    this.#atBlank = out.endsWith('\n\n') || out === '\n';
    this.#out(out);
  }

  /** io.progress: one live line, rewritten in place after a carriage return (interactive sessions only). */
  #progress(line: string): void {
    if (!this.interactive || this.#closed) return;
    let lead = '';
    if (this.#progressWidth === 0) {
      if (this.#blankWanted && !this.#atBlank) lead = '\n';
      this.#blankWanted = false;
      this.#progressAtBlank = lead !== '' || this.#atBlank;
    }
    const text = line.replace(/[\r\n]/g, ' ');
    // Padding covers what is left of a longer previous line on a plain terminal.
    this.#out(`${lead}\r${text}${' '.repeat(Math.max(0, this.#progressWidth - text.length))}`);
    this.#progressWidth = Math.max(1, text.length);
    this.#printed = true;
    this.#atBlank = false;
  }

  /** Blanks the live line (the cursor back at its start) before anything else is written. */
  #endProgress(): void {
    if (this.#progressWidth === 0) return;
    const width = this.#progressWidth;
    this.#progressWidth = 0;
    this.#atBlank = this.#progressAtBlank;
    if (!this.#closed) this.#out(`\r${' '.repeat(width)}\r`);
  }

  #io(signal: AbortSignal): CommandIO {
    const session = this;
    return {
      engine: this.engine,
      pending: this.pending,
      commands: this.commands,
      signal,
      interactive: this.interactive,
      print: (...lines: string[]) => session.#emit(`${lines.join('\n')}\n`),
      progress: (line: string) => session.#progress(line),
      columns: this.interactive ? this.#screen?.columns : undefined,
      blank: () => {
        session.#blankWanted = true;
      },
      ask: (q: Question) => session.#ask(q, signal),
      more: () => (session.#pagerOn ? session.#pager.drained() : session.#more(signal)),
      endSession: () => {
        session.#ended = true;
      },
      user: this.user,
      setPaging: (on: boolean) => {
        session.paging = on;
      },
      stream: () => session.#pager.stream(),
      interruptible: async <T>(run: (scope: AbortSignal) => Promise<T>): Promise<T> => {
        const scope = new AbortController();
        // The session going away still ends it.
        const onCommandAborted = () => scope.abort(signal.reason);
        signal.addEventListener('abort', onCommandAborted, { once: true });
        session.#scoped = scope;
        try {
          return await run(scope.signal);
        } finally {
          session.#scoped = null;
          signal.removeEventListener('abort', onCommandAborted);
        }
      },
    };
  }

  async #ask(q: Question, signal: AbortSignal): Promise<string> {
    if (signal.aborted) throw signal.reason;
    this.#endProgress();
    // The question comes after all the output before it (the reader may be paging through it).
    await this.#pager.drained();
    // A line of a conversation (prompt ''): no blank lines around it, as the other side writes.
    const conversation = q.prompt === '';
    if (this.#blankWanted && !this.#atBlank && !conversation) this.#out('\n');
    this.#blankWanted = false;
    this.#printed = true;
    this.#atBlank = false;
    const params: AskParams = {
      label: q.label,
      prompt: q.prompt ?? `[${q.default ?? ''}]> `,
      attempt: q.attempt ?? 1,
      ...(q.default !== undefined ? { default: q.default } : {}),
      ...(q.choices ? { choices: q.choices } : {}),
      ...(q.secret ? { secret: true } : {}),
    };
    const r = await this.#askTerminal(params, signal, q.withdrawOn);
    this.#pager.restart(1);
    // What follows an answer starts a new paragraph.
    this.#blankWanted = !conversation;
    if (typeof r.answer === 'string') return r.answer;
    if (r.interrupt === true) throw new DialogAborted('interrupt');
    throw new DialogAborted('eof');
  }

  /**
   * The terminal's reply, or the abort's reason (Ctrl-C, session closed); `withdrawOn` takes the
   * question back from the terminal (what was typed stays for the next reader).
   */
  async #askTerminal(params: AskParams, signal: AbortSignal, withdrawOn?: AbortSignal): Promise<Partial<Record<string, unknown>>> {
    const reply = await new Promise<AskResult>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      const onWithdraw = () => {
        this.terminal.withdraw?.();
        reject(new DialogAborted('withdrawn'));
      };
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        withdrawOn?.removeEventListener('abort', onWithdraw);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (withdrawOn?.aborted) return onWithdraw();
      withdrawOn?.addEventListener('abort', onWithdraw, { once: true });
      this.terminal.ask(params).then(
        (r) => {
          done();
          resolve(r);
        },
        () => {
          done();
          reject(signal.aborted ? signal.reason : new DialogAborted('closed'));
        },
      );
    });
    // The terminal is another process: anything but an answer or an interrupt counts as end of input.
    return (typeof reply === 'object' && reply !== null ? reply : {}) as Partial<Record<string, unknown>>;
  }

  /** The pager's stop when the screen is full: true to go on; q, Ctrl-C or a closed session stop. */
  async #pagerStop(): Promise<boolean> {
    if (this.#closed) return false;
    const controller = new AbortController();
    this.#pagerAbort = controller;
    try {
      return await this.#askPager(controller.signal);
    } catch {
      return false;
    } finally {
      this.#pagerAbort = null;
    }
  }

  /** The pager stop between screenfuls of a front end that did not tell its size; a batch session never stops. */
  async #more(signal: AbortSignal): Promise<boolean> {
    if (!this.interactive || !this.paging) return true;
    if (signal.aborted) return false;
    this.#endProgress();
    this.#blankWanted = false;
    this.#printed = true;
    this.#atBlank = false;
    try {
      return await this.#askPager(signal);
    } catch (e) {
      // Ctrl-C at the pager ends the listing, not the session; a closed session ends the command.
      if (e instanceof DialogAborted && e.why === 'interrupt') return false;
      throw e;
    }
  }

  /** Asks -Press Any Key For More-: true to go on, false when the reader typed `q` (or gave no answer). */
  async #askPager(signal: AbortSignal): Promise<boolean> {
    const r = await this.#askTerminal({ label: '', prompt: PAGER_PROMPT, attempt: 1, pause: true }, signal);
    return typeof r.answer === 'string' && !/^q/i.test(r.answer.trim());
  }
}
