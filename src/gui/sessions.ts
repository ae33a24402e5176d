// Web GUI sessions: who is logged in behind a cookie, the session's CSRF token and idle timeout,
// and the CLI session it acts through — the same CliSession (role checks, cli_logs, its own
// PendingChanges) that a shell or SSH user gets, run in-process and fed whole command lines.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EngineApi } from '../api/engine-api.js';
import type { CommandRegistry } from '../appliance/kit/command.js';
import { CliSession } from '../appliance/control/session.js';
import type { PendingChanges } from '../appliance/control/pending-changes.js';
import type { AuditLog } from '../users/audit-log.js';
import type { SessionUser } from '../users/roles.js';
import type { Banner } from './page.js';

/** AsyncOS's default web session timeout. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;

/** What a command line run for the GUI did: its output lines (blank ones dropped) and its failure. */
export interface CommandOutcome {
  ok: boolean;
  lines: string[];
  error?: string;
}

/** A word as the CLI's tokenizer reads it back: bare when plain, else double-quoted with `"` and `\` escaped. */
export function cliWord(word: string): string {
  return /^[A-Za-z0-9_@.,:+/=*-]+$/.test(word) ? word : `"${word.replace(/["\\]/g, '\\$&')}"`;
}

export function commandLine(words: readonly string[]): string {
  return words.map(cliWord).join(' ');
}

const token = () => randomBytes(32).toString('base64url');

/** Constant-time comparison of a submitted token with the expected one. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class GuiSession {
  readonly id = token();
  /** The per-session token every form carries in its `CSRFKey` field. */
  readonly csrf = token();
  readonly cli: CliSession;
  lastSeen: number;
  /** A banner to show on the next page (after a POST's redirect). */
  flash: Banner | undefined;
  #output: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly user: SessionUser,
    engine: EngineApi,
    commands: CommandRegistry,
    audit: AuditLog,
    now: number,
  ) {
    this.lastSeen = now;
    this.cli = new CliSession(
      engine,
      commands,
      {
        print: (text) => this.#output.push(text),
        // Every GUI action gives the command its whole batch form: a question means no answer.
        ask: async () => ({ eof: true }),
      },
      0,
      { user, audit },
    );
    // Batch: no live lines, no pager stops.
    this.cli.interactive = false;
  }

  get pending(): PendingChanges {
    return this.cli.pending;
  }

  /**
   * Runs one command line as this session's user: the CLI's role check, its audit line, its
   * output. Runs one at a time (two tabs submitting at once wait for each other).
   */
  run(words: readonly string[]): Promise<CommandOutcome> {
    const next = this.#queue.then(async () => {
      this.#output = [];
      const r = await this.cli.run(commandLine(words));
      const lines = this.#output
        .join('')
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== '');
      return { ok: r.ok, lines, ...(r.error ? { error: r.error } : {}) };
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.cli.close();
  }
}

export interface GuiSessionsOptions {
  engine: EngineApi;
  commands: CommandRegistry;
  audit: AuditLog;
  idleTimeoutMs?: number;
  /** Wall clock (the idle timeout is about people, not simulated time). */
  now?: () => number;
}

export class GuiSessions {
  readonly #sessions = new Map<string, GuiSession>();
  readonly idleTimeoutMs: number;
  readonly now: () => number;
  readonly #sweep: NodeJS.Timeout;

  constructor(readonly options: GuiSessionsOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.#sweep = setInterval(() => this.#expireIdle(), Math.min(60_000, Math.max(1_000, this.idleTimeoutMs / 2)));
    this.#sweep.unref();
  }

  get count(): number {
    return this.#sessions.size;
  }

  /** The sessions open now, oldest first. */
  list(): GuiSession[] {
    return [...this.#sessions.values()];
  }

  create(user: SessionUser): GuiSession {
    const s = new GuiSession(user, this.options.engine, this.options.commands, this.options.audit, this.now());
    this.#sessions.set(s.id, s);
    return s;
  }

  /** The live session of a cookie, or undefined (unknown, or idle too long: then ended). `touch` counts the request as activity. */
  find(id: string | undefined, touch: boolean): GuiSession | undefined {
    if (!id) return undefined;
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (this.#idle(s)) {
      this.#end(s, 'expired');
      return undefined;
    }
    if (touch) s.lastSeen = this.now();
    return s;
  }

  /** Whether the session still lives (a live page's stream asks before each push). */
  alive(s: GuiSession): boolean {
    return this.find(s.id, false) === s;
  }

  logout(s: GuiSession): void {
    this.#end(s, 'logout');
  }

  /** Ends every session (the server stops). */
  closeAll(): void {
    clearInterval(this.#sweep);
    for (const s of [...this.#sessions.values()]) this.#end(s, 'logout');
  }

  #idle(s: GuiSession): boolean {
    return this.now() - s.lastSeen >= this.idleTimeoutMs;
  }

  #expireIdle(): void {
    for (const s of [...this.#sessions.values()]) if (this.#idle(s)) this.#end(s, 'expired');
  }

  #end(s: GuiSession, why: 'logout' | 'expired'): void {
    if (!this.#sessions.delete(s.id)) return;
    s.close();
    if (why === 'expired') this.options.audit.sessionExpired(s.user, Math.round(this.idleTimeoutMs / 60_000));
    else this.options.audit.loggedOut(s.user);
  }
}
