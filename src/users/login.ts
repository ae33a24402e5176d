// Password and key logins for every front end that authenticates users itself (SSH, the web
// GUI): the account's scrypt check, the two lockouts — per client address, and per account
// whatever the addresses (failures spread over many addresses still lock the account) — and the
// authentication log, kept in one place so that failures over SSH and over the web count together.
import type { ApplianceConfig } from '../model/config.js';
import { accountLockFailures, findUser } from './accounts.js';
import type { AuditLog, LoginMethod, LoginVia } from './audit-log.js';
import { ACCOUNT_LOCK_MS, LoginLockout } from './lockout.js';
import { printable } from '../model/printable.js';
import { verifyPassphrase } from './passphrase.js';
import type { SessionUser } from './roles.js';

/** Why a login is refused before its passphrase is checked: the address, or the account, is locked. */
export interface LockState {
  kind: 'address' | 'account';
  /** The address, or the user name. */
  key: string;
  /** How much longer. */
  ms: number;
}

export type LoginOutcome = { ok: true; user: SessionUser } | { ok: false; locked: boolean; lock?: LockState };

export interface AccountLockSettings {
  /** How long a locked account stays locked (default ACCOUNT_LOCK_MS). The number of failures is the configuration's (userconfig POLICY). */
  lockMs?: number;
}

/** What a refused client is told (the SSH banner, the web login page): which lock, and for how long. */
export function lockNotice(lock: LockState): string {
  const seconds = Math.max(1, Math.ceil(lock.ms / 1000));
  if (lock.kind === 'address') return `Too many failed logins from ${lock.key}: logins from this address are refused for ${seconds} more seconds.`;
  const minutes = Math.ceil(seconds / 60);
  return `The account ${printable(lock.key)} is locked after too many failed logins: its passphrase logins are refused for ${minutes} more minute${minutes === 1 ? '' : 's'}.`;
}

export class Logins {
  readonly lockout: LoginLockout;
  /** Failures per account (by the name tried, whether or not it exists: a lock says nothing about which names do). */
  readonly accounts: LoginLockout;

  constructor(
    readonly config: () => Readonly<ApplianceConfig>,
    readonly audit: AuditLog,
    now: () => number = Date.now,
    account: AccountLockSettings = {},
  ) {
    this.lockout = new LoginLockout(now);
    this.accounts = new LoginLockout(now, () => accountLockFailures(this.config()), account.lockMs ?? ACCOUNT_LOCK_MS);
  }

  /** The lock a passphrase login of `name` from `from` meets now, if any (the address's first). */
  lockFor(name: string, from: string): LockState | undefined {
    if (this.lockout.locked(from)) return { kind: 'address', key: from, ms: this.lockout.lockedForMs(from) };
    const account = accountKey(name);
    if (this.accounts.locked(account)) return { kind: 'account', key: account, ms: this.accounts.lockedForMs(account) };
    return undefined;
  }

  /** Whether the address is locked out now; a refused attempt is logged. */
  refusedLocked(name: string, from: string): boolean {
    if (!this.lockout.locked(from)) return false;
    this.audit.refusedLocked(name, from);
    return true;
  }

  /** A user name and passphrase from `from`: the user, or a failure (counted towards both lockouts). */
  async password(name: string, passphrase: string, from: string, via: LoginVia): Promise<LoginOutcome> {
    const lock = this.lockFor(name, from);
    if (lock) {
      if (lock.kind === 'address') this.audit.refusedLocked(name, from);
      else this.audit.refusedAccountLocked(name, from);
      return { ok: false, locked: true, lock };
    }
    const stored = findUser(this.config(), name);
    // verifyPassphrase spends the same time for a missing user.
    const good = await verifyPassphrase(passphrase, stored?.passwordHash);
    if (!good || !stored) {
      this.failed(name, from, 'password');
      return { ok: false, locked: false };
    }
    return { ok: true, user: this.succeeded(name, from, 'password', via)! };
  }

  /** A login the front end has verified itself (an SSH key): logged, the address's and the account's failures forgotten. */
  succeeded(name: string, from: string, method: LoginMethod, via: LoginVia): SessionUser | undefined {
    const stored = findUser(this.config(), name);
    if (!stored) return undefined;
    const user: SessionUser = { name: stored.name, role: stored.role, from };
    this.lockout.succeeded(from);
    this.accounts.succeeded(accountKey(name));
    this.audit.loggedIn(user, method, via);
    return user;
  }

  /** A failed attempt: logged, and counted (five lock the address out; the account's own run locks the account). */
  failed(name: string, from: string, method: string): void {
    this.audit.loginFailed(name, from, method);
    if (this.lockout.failed(from)) this.audit.lockedOut(from, Math.round(this.lockout.lockMs / 1000), this.lockout.maxFailures);
    const account = accountKey(name);
    if (this.accounts.failed(account)) this.audit.accountLocked(account, Math.round(this.accounts.lockMs / 60_000), this.accounts.maxFailures);
  }
}

/** Names are compared as the users table stores them. */
const accountKey = (name: string) => name.trim().toLowerCase();
