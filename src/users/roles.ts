// The appliance's roles and what each may do: every command declares the access it needs
// (look, act, manage users) and the CLI session checks it against the user's role. Pure.
import type { UserConfig, UserRole } from '../model/config.js';

/** What a command needs: `look` (status, reports), `act` (change or act on mail), `users` (manage accounts). */
export type Access = 'look' | 'act' | 'users';

export interface RoleInfo {
  id: UserRole;
  /** The name the appliance shows (userconfig's role list). */
  name: string;
  description: string;
  may: readonly Access[];
}

/** In the reference's order: userconfig's role list numbers them 1 to 6. */
export const ROLES: readonly RoleInfo[] = [
  { id: 'admin', name: 'Administrators', description: 'Administrators have full access to all settings of the system.', may: ['look', 'act', 'users'] },
  { id: 'operator', name: 'Operators', description: 'Operators are restricted from creating new user accounts.', may: ['look', 'act'] },
  { id: 'readonly', name: 'Read-Only Operators', description: 'Read-Only operators may only view settings and status information.', may: ['look'] },
  { id: 'guest', name: 'Guests', description: 'Guest users may only view status information.', may: ['look'] },
  // What esa-sim lets them do (it has no upgrades, feature keys or quarantines to restrict them to).
  { id: 'technician', name: 'Technicians', description: 'Technicians are restricted from creating new user accounts.', may: ['look', 'act'] },
  { id: 'helpdesk', name: 'Help Desk Users', description: 'Help Desk Users may only view status information and the queue.', may: ['look'] },
];

export const ACCESS_REFUSED = 'You are not in the correct access group to use this command.';

export function roleInfo(id: UserRole): RoleInfo {
  return ROLES.find((r) => r.id === id) ?? ROLES[3];
}

/** A role as one user has it (`Administrator`, `Read-Only Operator`): the GUI's Predefined Role names; parseRole reads them. */
export const singularName = (r: RoleInfo): string => r.name.replace(/s$/, '');

export function mayRun(role: UserRole, access: Access): boolean {
  return roleInfo(role).may.includes(access);
}

/**
 * A role from what a user typed: its id (`admin`), its name or the name in the singular
 * (`Administrators`, `Read-Only Operator`), case-insensitive; undefined when none fits.
 */
export function parseRole(text: string): UserRole | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  for (const r of ROLES) {
    const name = r.name.toLowerCase().replace(/[\s_-]+/g, '');
    if (t === r.id || t === name || t === name.replace(/s$/, '')) return r.id;
  }
  return undefined;
}

/** Who runs a session: the user logged in, and from where. */
export interface SessionUser {
  name: string;
  /** The role at login; the session reads the current one from the configuration for each command. */
  role: UserRole;
  /** `local` (the control socket) or the client's address. */
  from: string;
}

/**
 * The control socket's user: whoever can open the socket owns the data dir, and acts as the
 * built-in `admin`. No client can claim more: this is the most a session can be.
 */
export const LOCAL_OWNER: SessionUser = { name: 'admin', role: 'admin', from: 'local' };

/**
 * The role a user has now: the configuration's (a commit may have changed it since the login);
 * a user deleted meanwhile keeps only `look`, the local owner stays admin.
 */
export function currentRole(users: readonly UserConfig[], user: SessionUser): UserRole {
  const stored = users.find((u) => u.name === user.name);
  if (stored) return stored.role;
  return user.from === 'local' ? user.role : 'guest';
}
