// System Administration > Users: the appliance's users (name, full name, role), Add / Edit /
// Delete on the users table's operations (createUser, editUser, deleteUser in
// src/users/accounts.ts) with its rules, for users who may manage users; every change asks the
// acting user's own passphrase, as `userconfig` does, and a new passphrase follows the
// appliance's rules (typed twice, or generated) and is stored as a scrypt hash.
/** @jsxImportSource hono/jsx */
import { printable } from '../../model/printable.js';
import { refuse } from '../../model/change.js';
import type { UserRole } from '../../model/config.js';
import { choiceField, textField, withCheck } from '../../model/field.js';
import { createUser, deleteRefusal, deleteUser, editUser, findUser, fullNameRefusal, roleRefusal, usernameRefusal, usernames } from '../../users/accounts.js';
import {
  generatePassphrase,
  hashPassphrase,
  isOwnPassphrase,
  PASSPHRASE_RULE,
  PASSPHRASE_SEQUENCE,
  PASSPHRASE_USERNAME,
  passphraseRefusal,
  PASSPHRASES_DIFFER,
  WRONG_PASSPHRASE,
} from '../../users/passphrase.js';
import { ACCESS_REFUSED, roleInfo, ROLES, singularName } from '../../users/roles.js';
import type { FormField, ShownWhen } from '../forms.js';
import { failure, type Action } from '../page.js';
import { FieldRefusal, tablePage } from '../table-page.js';
import { Box, PostForm } from '../widgets.js';

export const USERS_PATH = '/system_administration/users';
export const NO_CUSTOM_ROLES = 'Custom roles are not simulated: choose a predefined role.';
export const NO_PASSPHRASE_RESET = 'Resetting passphrases by mail is not simulated: edit a user to give them a new passphrase.';
export const NO_EXPIRY = 'Passphrase expiry is not simulated: passphrases here do not expire.';
export const FIXED_RULES = 'The passphrase rules are fixed in this simulator.';
export const NO_EXTERNAL_AUTH = "External authentication (LDAP, RADIUS, SAML) is not simulated: the users are the appliance's own.";
export const GENERATE_FIRST = 'Click Generate to get a passphrase first.';

const PREDEFINED = 'Predefined';
const CUSTOM = 'Custom';
const MANUAL = 'Enter Passphrase';
const GENERATED = 'Generate Passphrase';
const KEEP = 'No Change';
const CHANGE = 'Change';

const roleField = choiceField(ROLES.map((r) => ({ label: singularName(r), value: r.id })));

/** Only users who may manage users; the others are refused as the CLI refuses them. */
const refusedAction =
  (why: string): Action =>
  async (ctx) => ({ banner: failure(ctx.may('users') ? why : ACCESS_REFUSED) });

/** The passphrase fields: on an edit, shown only while the passphrase is to change. */
function passphraseFields(editing: boolean): FormField[] {
  const when = (option: string): ShownWhen[] => [
    ...(editing ? [{ name: 'passphrase_change', values: [CHANGE] }] : []),
    { name: 'password_option', values: [option] },
  ];
  return [
    ...(editing
      ? [{ name: 'passphrase_change', label: 'Passphrase', kind: 'radio', options: [KEEP, CHANGE], optionIds: ['no_change', 'change'] } as const]
      : []),
    {
      name: 'password_option',
      label: editing ? 'New Passphrase' : 'Passphrase',
      kind: 'radio',
      options: [MANUAL, GENERATED],
      optionIds: ['manual', 'sys_gen'],
      ...(editing ? { shownWhen: { name: 'passphrase_change', values: [CHANGE] } } : {}),
    },
    {
      name: 'passwdv',
      label: 'Passphrase',
      kind: 'password',
      shownWhen: when(MANUAL),
      hint: `${PASSPHRASE_RULE} ${PASSPHRASE_SEQUENCE} ${PASSPHRASE_USERNAME}`,
    },
    { name: 'repasswd', label: 'Retype Passphrase', kind: 'password', shownWhen: when(MANUAL) },
    {
      name: 'sysgen',
      label: 'Generated Passphrase',
      shownWhen: when(GENERATED),
      generate: { button: 'Generate', values: Array.from({ length: 5 }, generatePassphrase) },
      hint: 'Note it down: it is shown only here.',
    },
  ];
}

export const usersPage = tablePage({
  place: { tab: 'System Administration', item: 'Users' },
  path: USERS_PATH,
  access: 'users',
  caption: 'Users',
  noun: 'User',
  addLabel: 'Add User...',
  columns: [
    { select: 'control_all_box' },
    { name: 'User Name' },
    { header: 'Full Name' },
    { header: 'User Role' },
    { header: 'Account Status' },
    { header: 'Passphrase Expires' },
    { deleteIcon: true },
  ],
  above: (_config, _at, ctx) => (
    <PostForm ctx={ctx} action={ctx.url(USERS_PATH)}>
      <Box caption="Local User Account & Passphrase Settings">
        <p>
          {PASSPHRASE_RULE} {PASSPHRASE_SEQUENCE} {PASSPHRASE_USERNAME}
        </p>
        <input type="submit" id="EditPolicy" name="EditPolicy" value="Edit Settings..." />
      </Box>
      <Box caption="External Authentication">
        <p>External authentication is disabled.</p>
        <input type="submit" id="user" name="user" value="Enable..." />
      </Box>
      <Box caption="Two-Factor Authentication">
        <p>Two-Factor Authentication is disabled.</p>
      </Box>
    </PostForm>
  ),
  actions: { EditPolicy: refusedAction(FIXED_RULES), user: refusedAction(NO_EXTERNAL_AUTH) },
  buttons: [
    { name: 'ResetPasswords', value: 'Reset Passwords', change: () => refuse(NO_PASSPHRASE_RESET) },
    { name: 'EnforceChange', value: 'Enforce Passphrase Change', change: () => refuse(NO_EXPIRY) },
  ],
  rows: (config, at) =>
    config.users.map((u) => ({
      key: u.name,
      removable: deleteRefusal(u.name, at.user.name) === undefined,
      cells: { 'Full Name': printable(u.fullName), 'User Role': singularName(roleInfo(u.role)), 'Account Status': 'Active', 'Passphrase Expires': 'n/a' },
    })),
  form(config, key) {
    const user = key === undefined ? undefined : findUser(config, key);
    if (key !== undefined && !user) return undefined;
    const editing = user !== undefined;
    const fields: FormField[] = [
      editing
        ? { name: 'userName', label: 'User Name', readOnly: true }
        : {
            name: 'userName',
            label: 'User Name',
            field: withCheck({ parse: (t) => ({ value: t.trim().toLowerCase() }), format: (v: string) => v }, (n) => usernameRefusal(config, n)),
          },
      { name: 'fullName', label: 'Full Name', field: textField(fullNameRefusal) },
      { name: 'role_type', label: 'User Role', kind: 'radio', options: [PREDEFINED, CUSTOM], optionIds: ['role_predefined', 'role_custom'] },
      {
        name: 'group',
        label: 'Predefined Role',
        kind: 'select',
        options: roleField.choices,
        field: roleField,
        shownWhen: { name: 'role_type', values: [PREDEFINED] },
      },
      ...passphraseFields(editing),
      { name: 'old_pwd', label: 'Your Passphrase', kind: 'password', hint: 'Every change to the users asks your own passphrase.' },
    ];
    return {
      fields,
      values: {
        userName: user?.name ?? '',
        fullName: user?.fullName ?? '',
        role_type: PREDEFINED,
        group: roleField.format(user?.role ?? 'operator'),
        passphrase_change: KEEP,
        password_option: MANUAL,
        sysgen: '',
      },
    };
  },
  async change(values, config, key, at) {
    if (!(await isOwnPassphrase(at.engine.config().users, at.user, String(values.old_pwd ?? '')))) throw new FieldRefusal('old_pwd', WRONG_PASSPHRASE);
    const before = key === undefined ? undefined : (findUser(config, key) ?? refuse(`the user ${key} no longer exists`));
    const name = before?.name ?? (values.userName as string);
    if (values.role_type === CUSTOM) throw new FieldRefusal('role_type', NO_CUSTOM_ROLES);
    const role = values.group as UserRole;
    const roleRefused = roleRefusal(name, role);
    if (roleRefused) throw new FieldRefusal('group', roleRefused);
    let passwordHash: string | undefined;
    if (!before || values.passphrase_change === CHANGE) {
      const generated = values.password_option === GENERATED;
      const field = generated ? 'sysgen' : 'passwdv';
      const typed = String(values[field] ?? '');
      if (generated && typed === '') throw new FieldRefusal('sysgen', GENERATE_FIRST);
      const refusal = passphraseRefusal(typed, [...usernames(config), name]);
      if (refusal) throw new FieldRefusal(field, refusal);
      if (!generated && typed !== values.repasswd) throw new FieldRefusal('repasswd', PASSPHRASES_DIFFER);
      passwordHash = await hashPassphrase(typed);
    }
    const fullName = values.fullName as string;
    if (!before) return createUser({ name, fullName, role, passwordHash });
    return editUser(name, {
      fullName: fullName !== before.fullName ? fullName : undefined,
      role: role !== before.role ? role : undefined,
      passwordHash,
    });
  },
  remove: (key, at) => deleteUser(key, at.user.name),
});
