// `userconfig`: list, create, edit and delete user accounts and set their passphrases (a
// configuration command: changes wait in the session's pending copy until `commit`).
// Administrators only. Interactive menu, or the batch forms of the reference and of cli-commands.md.
import type { UserConfig, UserRole } from '../../../model/config.js';
import { BUILT_IN_ADMIN, deleteRefusal, findUser, userListing, usernameRefusal, usernames } from '../../../users/accounts.js';
import { generatePassphrase, hashPassphrase, passphraseRefusal } from '../../../users/passphrase.js';
import { formatPublicKey, parsePublicKey } from '../../../users/public-key.js';
import { parseRole, ROLES, roleInfo } from '../../../users/roles.js';
import { CommandError, type Command, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { askMenu, askNumbered, askText, askYesNo } from '../../kit/dialog.js';
import { askNewPassphrase, confirmOwnPassphrase } from './passphrase-dialog.js';

const OPERATIONS = [
  { word: 'NEW', description: 'Create a new account.' },
  { word: 'EDIT', description: 'Modify an account.' },
  { word: 'DELETE', description: 'Remove an account.' },
  { word: 'PASSPHRASE', description: 'Change the passphrase for a user.' },
];

const ADMIN_STAYS = `The user ${BUILT_IN_ADMIN} must remain in Administrators.`;

// ----- the changes, recorded in the session's pending configuration -----

/** The password hash is made before the change is recorded: replaying it at commit needs no waiting. */
function addUser(io: CommandIO, user: UserConfig): void {
  io.pending.edit(`Created user "${user.name}" (${roleInfo(user.role).name}).`, (config) => {
    const refusal = usernameRefusal(config, user.name);
    if (refusal) throw new CommandError(refusal);
    config.users.push(structuredClone(user));
  });
}

interface UserEdit {
  fullName?: string;
  role?: UserRole;
  passwordHash?: string;
  addKey?: string;
  clearKeys?: boolean;
}

function describeEdit(e: UserEdit): string {
  const parts = [
    e.fullName !== undefined ? `full name "${e.fullName}"` : '',
    e.role ? `role ${roleInfo(e.role).name}` : '',
    e.passwordHash ? 'new passphrase' : '',
    e.clearKeys ? 'SSH keys removed' : '',
    e.addKey ? 'SSH key added' : '',
  ].filter(Boolean);
  return parts.join(', ');
}

function editUser(io: CommandIO, name: string, e: UserEdit): boolean {
  const what = describeEdit(e);
  if (!what) return false;
  io.pending.edit(`Edited user "${name}": ${what}.`, (config) => {
    const user = findUser(config, name);
    if (!user) throw new CommandError(`the user ${name} no longer exists`);
    if (e.role && name === BUILT_IN_ADMIN && e.role !== 'admin') throw new CommandError(ADMIN_STAYS);
    if (e.fullName !== undefined) user.fullName = e.fullName;
    if (e.role) user.role = e.role;
    if (e.passwordHash) user.passwordHash = e.passwordHash;
    if (e.clearKeys) user.keys = [];
    if (e.addKey) user.keys = [...(user.keys ?? []).filter((k) => k !== e.addKey), e.addKey];
  });
  return true;
}

function removeUser(io: CommandIO, name: string): void {
  const actor = io.user.name;
  io.pending.edit(`Deleted user "${name}".`, (config) => {
    const refusal = deleteRefusal(name, actor);
    if (refusal) throw new CommandError(refusal);
    if (!findUser(config, name)) throw new CommandError(`the user ${name} no longer exists`);
    config.users = config.users.filter((u) => u.name !== name);
  });
}

// ----- interactive -----

async function askRole(io: CommandIO, name: string, current?: UserRole): Promise<UserRole> {
  const items = ROLES.map((r) => `${r.name} - ${r.description}`);
  const def = current ? ROLES.findIndex((r) => r.id === current) : 0;
  const i = await askNumbered(io, `Assign a role to "${name}":`, items, {
    defaultIndex: def,
    refuse: (index) => (name === BUILT_IN_ADMIN && ROLES[index].id !== 'admin' ? ADMIN_STAYS : undefined),
  });
  return ROLES[i ?? def].id;
}

async function askFullName(io: CommandIO, name: string, current?: string): Promise<string> {
  return askText(io, `Enter the full name for ${name}.`, {
    default: current,
    check: (t) => (t.trim() === '' ? 'You must enter a full name.' : undefined),
  });
}

async function pickUser(io: CommandIO, verb: string, refuse?: (name: string) => string | undefined): Promise<string | undefined> {
  const names = io.pending.config.users.map((u) => u.name);
  const i = await askNumbered(io, `Enter the username or number to ${verb}.`, names, {
    showList: false,
    refuse: refuse && ((index) => refuse(names[index])),
  });
  return i === undefined ? undefined : names[i];
}

async function newInteractive(io: CommandIO): Promise<void> {
  await confirmOwnPassphrase(io);
  const name = await askText(io, 'Enter the new username.', { check: (n) => usernameRefusal(io.pending.config, n.toLowerCase()) });
  const user = name.toLowerCase();
  const fullName = await askFullName(io, user);
  const role = await askRole(io, user);
  const passphrase = await askNewPassphrase(io, { user });
  addUser(io, { name: user, fullName, role, passwordHash: await hashPassphrase(passphrase!) });
}

async function editInteractive(io: CommandIO): Promise<void> {
  const name = await pickUser(io, 'edit');
  if (!name) return;
  await confirmOwnPassphrase(io);
  const before = findUser(io.pending.config, name)!;
  const fullName = await askFullName(io, name, before.fullName);
  const role = await askRole(io, name, before.role);
  const passphrase = await askNewPassphrase(io, { user: name, mayKeep: true });
  editUser(io, name, {
    fullName: fullName !== before.fullName ? fullName : undefined,
    role: role !== before.role ? role : undefined,
    passwordHash: passphrase ? await hashPassphrase(passphrase) : undefined,
  });
}

async function deleteInteractive(io: CommandIO): Promise<void> {
  const name = await pickUser(io, 'delete', (n) => deleteRefusal(n, io.user.name));
  if (!name) return;
  await confirmOwnPassphrase(io);
  if (await askYesNo(io, `Are you sure you want to delete "${name}"?`, false)) removeUser(io, name);
}

async function passphraseInteractive(io: CommandIO): Promise<void> {
  const op = await askMenu(io, 'Choose the operation you want to perform:', [{ word: 'ASSIGN', description: 'Assign a new passphrase to a user.' }]);
  if (!op) return;
  const name = await pickUser(io, 'change');
  if (!name) return;
  await confirmOwnPassphrase(io);
  const passphrase = await askNewPassphrase(io, { user: name });
  editUser(io, name, { passwordHash: await hashPassphrase(passphrase!) });
}

async function menu(io: CommandIO): Promise<void> {
  for (;;) {
    io.blank();
    io.print(...userListing(io.pending.config.users));
    const op = await askMenu(io, 'Choose the operation you want to perform:', OPERATIONS);
    if (op === undefined) return;
    if (op === 'NEW') await newInteractive(io);
    else if (op === 'EDIT') await editInteractive(io);
    else if (op === 'DELETE') await deleteInteractive(io);
    else await passphraseInteractive(io);
  }
}

// ----- batch forms -----

function roleArg(text: string): UserRole {
  const role = parseRole(text);
  if (!role) throw new CommandError(`Unknown role "${text}": use ${ROLES.map((r) => r.name).join(', ')} (or admin, operator, readonly, guest).`);
  return role;
}

function passphraseArg(io: CommandIO, name: string, text: string): string {
  const refusal = passphraseRefusal(text, [...usernames(io.pending.config), name]);
  if (refusal) throw new CommandError(refusal);
  return text;
}

function keyArg(text: string): string {
  const key = parsePublicKey(text);
  if ('error' in key) throw new CommandError(key.error);
  return formatPublicKey(key);
}

/** A new account; without a passphrase and a key, one is generated and shown once. */
async function batchNew(io: CommandIO, name: string, fullName: string, role: UserRole, passphrase: string | undefined, key: string | undefined): Promise<void> {
  const user = name.toLowerCase();
  const refusal = usernameRefusal(io.pending.config, user);
  if (refusal) throw new CommandError(refusal);
  let typed = passphrase === undefined ? undefined : passphraseArg(io, user, passphrase);
  if (typed === undefined && key === undefined) {
    typed = generatePassphrase();
    io.print(`This is the system generated passphrase for ${user}: ${typed}`);
  }
  addUser(io, { name: user, fullName, role, ...(typed ? { passwordHash: await hashPassphrase(typed) } : {}), ...(key ? { keys: [key] } : {}) });
  io.print(io.pending.lastChange!);
}

async function batch(io: CommandIO, args: string[]): Promise<void> {
  const [op, name, ...rest] = args;
  const verb = op.toLowerCase();
  if (verb === 'delete') {
    if (!name || rest.length) throw new CommandError('Usage: userconfig delete <user>');
    const user = name.toLowerCase();
    const refusal = deleteRefusal(user, io.user.name) ?? (findUser(io.pending.config, user) ? undefined : `No user named ${user}.`);
    if (refusal) throw new CommandError(refusal);
    removeUser(io, user);
    io.print(io.pending.lastChange!);
    return;
  }
  if (verb === 'add') {
    // The reference's positional form: userconfig add <user> <full_name> <group> <password>.
    if (rest.length !== 3) throw new CommandError('Usage: userconfig add <user> <full_name> <group> <password>');
    await batchNew(io, name, rest[0], roleArg(rest[1]), rest[2], undefined);
    return;
  }
  if (verb !== 'new' && verb !== 'edit') throw new CommandError(`Unknown operation "${op}": use add, new, edit or delete.`);
  if (!name) throw new CommandError(`Usage: userconfig ${verb} <user> role=<role> [password=<passphrase>] [key="<OpenSSH public key>"] [fullname=<name>]`);
  const values = new Map(parseAssignments(rest).map(({ key, value }) => [key === 'passphrase' ? 'password' : key === 'full_name' ? 'fullname' : key, value]));
  for (const key of values.keys()) {
    if (!['role', 'password', 'key', 'fullname'].includes(key)) throw new CommandError(`Unknown setting "${key}": use role, password, key or fullname.`);
  }
  const role = values.has('role') ? roleArg(values.get('role')!) : undefined;
  const key = values.has('key') && values.get('key') !== '' ? keyArg(values.get('key')!) : undefined;
  const user = name.toLowerCase();
  if (verb === 'new') {
    if (!role) throw new CommandError('userconfig new: role=<role> is required.');
    await batchNew(io, user, values.get('fullname') ?? user, role, values.get('password'), key);
    return;
  }
  const before = findUser(io.pending.config, user);
  if (!before) throw new CommandError(`No user named ${user}.`);
  if (role && user === BUILT_IN_ADMIN && role !== 'admin') throw new CommandError(ADMIN_STAYS);
  const password = values.get('password');
  const changed = editUser(io, user, {
    fullName: values.get('fullname'),
    role,
    passwordHash: password === undefined ? undefined : await hashPassphrase(passphraseArg(io, user, password)),
    addKey: key,
    clearKeys: values.get('key') === '' || undefined,
  });
  io.print(changed ? io.pending.lastChange! : 'No changes.');
}

export const userconfig: Command = {
  name: 'userconfig',
  access: 'users',
  summary: 'Manage user accounts and their roles.',
  help: `userconfig - Manage user accounts and their roles (Administrators only; needs commit).

Lists the users, then NEW, EDIT, DELETE or PASSPHRASE. Every change asks for your own
passphrase first ("Enter your Passphrase to make changes:"). Roles: ${ROLES.map((r) => r.name).join(', ')}.
The user admin cannot be deleted and stays in Administrators; you cannot delete yourself.
Passphrases: 8 to 128 characters with an upper-case letter, a digit and a special character,
no three repeated or sequential characters, not a user name.

Batch:
  userconfig add <user> <full_name> <group> <password>
  userconfig new <user> role=<role> [password=<p>] [key="<OpenSSH public key>"] [fullname=<name>]
  userconfig edit <user> [role=<role>] [password=<p>] [key="<key>"] [fullname=<name>]   (key="" removes the keys)
  userconfig delete <user>`,
  argWords: () => ['add', 'new', 'edit', 'delete'],
  async run(io, args) {
    if (args.length) await batch(io, args);
    else await menu(io);
  },
};
