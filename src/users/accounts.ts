// User accounts in a configuration: names, the rules for a new one, the listing, and who may be
// changed or removed. Pure (the passphrase hashes are made by the callers).
import type { ApplianceConfig, UserConfig } from '../model/config.js';
import { roleInfo } from './roles.js';

/** The built-in administrator: always present, never deleted, always an Administrator. */
export const BUILT_IN_ADMIN = 'admin';

export const INVALID_USERNAME =
  'Invalid username: use 1 to 32 lower-case letters, digits, "-", "_" or ".", starting with a letter or "_".';

export function findUser(config: Pick<ApplianceConfig, 'users'>, name: string): UserConfig | undefined {
  const n = name.trim().toLowerCase();
  return config.users.find((u) => u.name === n);
}

/** Why a new user name is refused, or undefined. */
export function usernameRefusal(config: Pick<ApplianceConfig, 'users'>, name: string): string | undefined {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(name)) return INVALID_USERNAME;
  if (findUser(config, name)) return `The user ${name} already exists.`;
  return undefined;
}

/** Why a user may not be deleted by `actor`, or undefined. */
export function deleteRefusal(name: string, actor: string): string | undefined {
  if (name === BUILT_IN_ADMIN) return `User ${name} cannot be deleted`;
  if (name === actor) return 'You cannot delete yourself';
  return undefined;
}

/** `userconfig`'s listing: one line per user, then the two-factor line the reference shows. */
export function userListing(users: readonly UserConfig[]): string[] {
  return [
    'Users:',
    ...users.map((u, i) => `${i + 1}. ${u.name} - ${u.fullName} (${roleInfo(u.role).name})${u.keys?.length ? `, ${u.keys.length} SSH key(s)` : ''}`),
    '',
    'Two-Factor Authentication: Disabled',
  ];
}

/** Every user name, for the passphrase rule "not a username or one of its variations". */
export const usernames = (config: Pick<ApplianceConfig, 'users'>): string[] => config.users.map((u) => u.name);
