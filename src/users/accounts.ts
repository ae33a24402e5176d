// The users table of a configuration: names, the rules for an account (its name, full name and
// role, who may be removed), the listing, and the operations on the table (create, edit, delete,
// a new passphrase) as changes every front end records — `userconfig`, `passwd`, the web GUI.
// Pure: passphrase hashes are made by the callers before a change is built.
import { refuse, type ConfigChange } from '../model/change.js';
import type { ApplianceConfig, UserConfig, UserRole } from '../model/config.js';
import { printable } from '../model/printable.js';
import { roleInfo } from './roles.js';

/** The built-in administrator: always present, never deleted, always an Administrator. */
export const BUILT_IN_ADMIN = 'admin';

export const INVALID_USERNAME = 'Invalid username: use 1 to 32 lower-case letters, digits, "-", "_" or ".", starting with a letter or "_".';
export const FULL_NAME_REQUIRED = 'You must enter a full name.';
export const ADMIN_STAYS = `The user ${BUILT_IN_ADMIN} must remain in Administrators.`;

type Users = Pick<ApplianceConfig, 'users'>;

/** The appliance's default: an account is locked after five consecutive failed logins. */
export const DEFAULT_ACCOUNT_LOCK_FAILURES = 5;
export const MAX_ACCOUNT_LOCK_FAILURES = 60;

/** Consecutive failed logins that lock an account; 0: never. */
export const accountLockFailures = (config: Pick<ApplianceConfig, 'accountLockFailures'>): number =>
  config.accountLockFailures ?? DEFAULT_ACCOUNT_LOCK_FAILURES;

/** The policy line of userconfig's listing. */
export function accountLockLine(config: Pick<ApplianceConfig, 'accountLockFailures'>): string {
  const n = accountLockFailures(config);
  return n === 0 ? 'Account lock: never' : `Account lock: after ${n} consecutive failed login${n === 1 ? '' : 's'}`;
}

// ----- reading the table -----

export function findUser(config: Users, name: string): UserConfig | undefined {
  const n = name.trim().toLowerCase();
  return config.users.find((u) => u.name === n);
}

/** Every user name, for the passphrase rule "not a username or one of its variations". */
export const usernames = (config: Users): string[] => config.users.map((u) => u.name);

/** `userconfig`'s listing: one line per user, then the two-factor line the reference shows. */
export function userListing(users: readonly UserConfig[]): string[] {
  return [
    'Users:',
    ...users.map((u, i) => `${i + 1}. ${u.name} - ${printable(u.fullName)} (${roleInfo(u.role).name})${u.keys?.length ? `, ${u.keys.length} SSH key(s)` : ''}`),
    '',
    'Two-Factor Authentication: Disabled',
  ];
}

// ----- the rules -----

/** Why a new user name is refused, or undefined. */
export function usernameRefusal(config: Users, name: string): string | undefined {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(name)) return INVALID_USERNAME;
  if (findUser(config, name)) return `The user ${name} already exists.`;
  return undefined;
}

export const fullNameRefusal = (fullName: string): string | undefined => (fullName.trim() === '' ? FULL_NAME_REQUIRED : undefined);

/** Why a user may not have a role: the built-in admin stays an Administrator. */
export const roleRefusal = (name: string, role: UserRole): string | undefined => (name === BUILT_IN_ADMIN && role !== 'admin' ? ADMIN_STAYS : undefined);

/** Why a user may not be deleted by `actor`, or undefined. */
export function deleteRefusal(name: string, actor: string): string | undefined {
  if (name === BUILT_IN_ADMIN) return `User ${name} cannot be deleted`;
  if (name === actor) return 'You cannot delete yourself';
  return undefined;
}

function refuseIf(refusal: string | undefined): void {
  if (refusal) refuse(refusal);
}

const existing = (config: Users, name: string): UserConfig => findUser(config, name) ?? refuse(`the user ${name} no longer exists`);

// ----- the operations -----

export function createUser(user: UserConfig): ConfigChange {
  const made = structuredClone(user);
  return {
    description: `Created user "${made.name}" (${roleInfo(made.role).name}).`,
    apply(config) {
      refuseIf(usernameRefusal(config, made.name) ?? fullNameRefusal(made.fullName) ?? roleRefusal(made.name, made.role));
      config.users.push(structuredClone(made));
    },
  };
}

/** What an edit changes; absent: kept. */
export interface UserEdit {
  fullName?: string;
  role?: UserRole;
  passwordHash?: string;
  /** An OpenSSH public key added (in its stored form). */
  addKey?: string;
  /** Every SSH key removed (before `addKey` is added). */
  clearKeys?: boolean;
}

function describeEdit(e: UserEdit): string {
  return [
    e.fullName !== undefined ? `full name "${printable(e.fullName)}"` : '',
    e.role ? `role ${roleInfo(e.role).name}` : '',
    e.passwordHash ? 'new passphrase' : '',
    e.clearKeys ? 'SSH keys removed' : '',
    e.addKey ? 'SSH key added' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Undefined when the edit changes nothing. */
export function editUser(name: string, e: UserEdit): ConfigChange | undefined {
  const what = describeEdit(e);
  if (!what) return undefined;
  return {
    description: `Edited user "${name}": ${what}.`,
    apply(config) {
      const user = existing(config, name);
      if (e.fullName !== undefined) refuseIf(fullNameRefusal(e.fullName));
      if (e.role) refuseIf(roleRefusal(name, e.role));
      if (e.fullName !== undefined) user.fullName = e.fullName;
      if (e.role) user.role = e.role;
      if (e.passwordHash) user.passwordHash = e.passwordHash;
      if (e.clearKeys) user.keys = [];
      if (e.addKey) user.keys = [...(user.keys ?? []).filter((k) => k !== e.addKey), e.addKey];
    },
  };
}

/** `actor`: the user who deletes (nobody deletes themselves). */
export function deleteUser(name: string, actor: string): ConfigChange {
  return {
    description: `Deleted user "${name}".`,
    apply(config) {
      refuseIf(deleteRefusal(name, actor));
      existing(config, name);
      config.users = config.users.filter((u) => u.name !== name);
    },
  };
}

/** POLICY: how many consecutive failed logins lock an account (1 to 60), or 0 for never; undefined when unchanged. */
export function setAccountLockFailures(config: Pick<ApplianceConfig, 'accountLockFailures'>, failures: number): ConfigChange | undefined {
  if (failures === accountLockFailures(config)) return undefined;
  return {
    description: failures === 0 ? 'Accounts are no longer locked after failed logins.' : `Accounts are locked after ${failures} consecutive failed logins.`,
    apply(draft) {
      if (!Number.isInteger(failures) || failures < 0 || failures > MAX_ACCOUNT_LOCK_FAILURES)
        refuse(`The value must be from 1 to ${MAX_ACCOUNT_LOCK_FAILURES} (0: never).`);
      draft.accountLockFailures = failures;
    },
  };
}

/** `passwd`: a user's own new passphrase. */
export function changePassphrase(name: string, passwordHash: string): ConfigChange {
  return {
    description: `Changed the passphrase of "${name}".`,
    apply(config) {
      existing(config, name).passwordHash = passwordHash;
    },
  };
}
