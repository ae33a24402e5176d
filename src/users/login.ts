// Password and key logins for every front end that authenticates users itself (SSH, the web
// GUI): the account's scrypt check, the per-address lockout and the authentication log, kept in
// one place so that failures over SSH and over the web count together against one address.
import type { ApplianceConfig } from '../model/config.js';
import { findUser } from './accounts.js';
import type { AuditLog, LoginMethod, LoginVia } from './audit-log.js';
import { LoginLockout } from './lockout.js';
import { verifyPassphrase } from './passphrase.js';
import type { SessionUser } from './roles.js';

export type LoginOutcome = { ok: true; user: SessionUser } | { ok: false; locked: boolean };

export class Logins {
  readonly lockout: LoginLockout;

  constructor(
    readonly config: () => Readonly<ApplianceConfig>,
    readonly audit: AuditLog,
    now: () => number = Date.now,
  ) {
    this.lockout = new LoginLockout(now);
  }

  /** Whether the address is locked out now; a refused attempt is logged. */
  refusedLocked(name: string, from: string): boolean {
    if (!this.lockout.locked(from)) return false;
    this.audit.refusedLocked(name, from);
    return true;
  }

  /** A user name and passphrase from `from`: the user, or a failure (counted towards the lockout). */
  async password(name: string, passphrase: string, from: string, via: LoginVia): Promise<LoginOutcome> {
    if (this.refusedLocked(name, from)) return { ok: false, locked: true };
    const stored = findUser(this.config(), name);
    // verifyPassphrase spends the same time for a missing user.
    const good = await verifyPassphrase(passphrase, stored?.passwordHash);
    if (!good || !stored) {
      this.failed(name, from, 'password');
      return { ok: false, locked: false };
    }
    return { ok: true, user: this.succeeded(name, from, 'password', via)! };
  }

  /** A login the front end has verified itself (an SSH key): logged, the address's failures forgotten. */
  succeeded(name: string, from: string, method: LoginMethod, via: LoginVia): SessionUser | undefined {
    const stored = findUser(this.config(), name);
    if (!stored) return undefined;
    const user: SessionUser = { name: stored.name, role: stored.role, from };
    this.lockout.succeeded(from);
    this.audit.loggedIn(user, method, via);
    return user;
  }

  /** A failed attempt: logged, and counted (five lock the address out). */
  failed(name: string, from: string, method: string): void {
    this.audit.loginFailed(name, from, method);
    if (this.lockout.failed(from)) this.audit.lockedOut(from, Math.round(this.lockout.lockMs / 1000), this.lockout.maxFailures);
  }
}
