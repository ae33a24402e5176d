// The appliance's audit logs: `logs/authentication` (logins, failures, lockouts, logouts),
// `logs/cli_logs` (every command line with its user) and `logs/gui_logs` (every change asked
// for in the web GUI, with its user, page and outcome), in the mail log's date style. Lines are
// appended in order, one file write at a time; a failed write costs a warning, not the session.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { formatApplianceDate } from '../model/format-date.js';
import { printable } from '../model/printable.js';
import type { SessionUser } from './roles.js';

export interface AuditLogOptions {
  /** The logs directory (`<data dir>/logs`). */
  dir: string;
  /** The engine clock's now (the mail log's dates use it too). */
  now: () => number;
  warn: (text: string) => void;
}

/**
 * A command line with the passphrases of userconfig's batch forms replaced by `*****`:
 * `password=...` / `passphrase=...`, and the last word of `userconfig add`.
 */
export function redactPassphrases(line: string): string {
  return line
    .split(';')
    .map((piece) => {
      let p = piece.replace(/\b(password|passphrase)=("[^"]*"|'[^']*'|\S*)/gi, '$1=*****');
      if (/^\s*userconfig\s+add\s/i.test(p)) p = p.replace(/\S+(\s*)$/, '*****$1');
      return p;
    })
    .join(';');
}

/** How a user logged in: the appliance's wording for the connection. */
export type LoginMethod = 'password' | 'publickey';

/** The connection a user logged in over. */
export type LoginVia = 'SSH' | 'HTTP' | 'HTTPS';

export class AuditLog {
  #chain: Promise<void> = Promise.resolve();
  #warned = false;

  constructor(readonly options: AuditLogOptions) {}

  get authenticationFile(): string {
    return path.join(this.options.dir, 'authentication');
  }

  get cliFile(): string {
    return path.join(this.options.dir, 'cli_logs');
  }

  get guiFile(): string {
    return path.join(this.options.dir, 'gui_logs');
  }

  loggedIn(user: SessionUser, method: LoginMethod, via: LoginVia = 'SSH'): void {
    this.#auth('Info', `The user ${user.name} successfully logged on from ${user.from} using an ${via} connection (${method}).`);
  }

  loginFailed(name: string, from: string, method: string): void {
    this.#auth('Info', `An authentication attempt by the user ${name} from ${from} failed (${method}).`);
  }

  lockedOut(from: string, seconds: number, failures: number): void {
    this.#auth('Warning', `The address ${from} is locked out for ${seconds} seconds after ${failures} failed logins.`);
  }

  refusedLocked(name: string, from: string): void {
    this.#auth('Warning', `An authentication attempt by the user ${name} from ${from} was refused: the address is locked out.`);
  }

  accountLocked(name: string, minutes: number, failures: number): void {
    this.#auth('Warning', `The account ${name} is locked for ${minutes} minutes after ${failures} consecutive failed logins.`);
  }

  refusedAccountLocked(name: string, from: string): void {
    this.#auth('Warning', `An authentication attempt by the user ${name} from ${from} was refused: the account is locked.`);
  }

  loggedOut(user: SessionUser): void {
    this.#auth('Info', `The user ${user.name} logged out from ${user.from}.`);
  }

  /** A web GUI session ended by its idle timeout. */
  sessionExpired(user: SessionUser, idleMinutes: number): void {
    this.#auth('Info', `The web session of the user ${user.name} from ${user.from} expired after ${idleMinutes} minutes without activity.`);
  }

  /** A change asked for in the web GUI: the page, what was asked (passphrases masked) and how it ended. */
  guiChange(user: SessionUser, page: string, what: string, outcome: string): void {
    this.#write(this.guiFile, 'Info', `PID ${process.pid}: User ${user.name} (${user.from}) on page '${page}': ${redactPassphrases(what)} => ${outcome}`);
  }

  /** One command line as typed, with its user (AsyncOS's `User x entered '...'` line); passphrases masked. */
  command(user: SessionUser, line: string, prompt: string): void {
    const from = user.from === 'local' ? 'the local socket' : user.from;
    this.#write(this.cliFile, 'Info', `PID ${process.pid}: User ${user.name} (${from}) entered '${redactPassphrases(line)}'; prompt was '\\n${prompt}'`);
  }

  /** Resolves when every line so far is written (tests, shutdown). */
  flushed(): Promise<void> {
    return this.#chain;
  }

  #auth(level: string, text: string): void {
    this.#write(this.authenticationFile, level, text);
  }

  #write(file: string, level: string, text: string): void {
    // What was typed or sent is escaped: a CR/LF cannot start a forged line, an ESC cannot reach a reader's terminal.
    const line = `${formatApplianceDate(this.options.now())} ${level}: ${printable(text)}\n`;
    this.#chain = this.#chain
      .then(async () => {
        await mkdir(this.options.dir, { recursive: true });
        await appendFile(file, line, { mode: 0o600 });
      })
      .catch((e: Error) => {
        if (this.#warned) return;
        this.#warned = true;
        this.options.warn(`cannot write the audit log ${file}: ${e.message}`);
      });
  }
}
