// `userconfig`: list, create, edit and delete user accounts and set their passphrases (a
// configuration command: changes wait in the session's pending copy until `commit`).
// Administrators only. Declared on the command kit; the table's rules and operations are src/users/accounts.ts.
import type { UserRole } from '../../../model/config.js';
import {
  accountLockFailures,
  accountLockLine,
  createUser,
  deleteRefusal,
  deleteUser,
  editUser,
  findUser,
  fullNameRefusal,
  MAX_ACCOUNT_LOCK_FAILURES,
  roleRefusal,
  setAccountLockFailures,
  userListing,
  usernameRefusal,
  usernames,
} from '../../../users/accounts.js';
import { generatePassphrase, hashPassphrase, passphraseRefusal } from '../../../users/passphrase.js';
import { formatPublicKey, parsePublicKey } from '../../../users/public-key.js';
import { parseRole, ROLES } from '../../../users/roles.js';
import { CommandError, parsedArg, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, recordIf, runMenu, UsageError } from '../../kit/config-command.js';
import { askInteger, askNumbered, askText, askYesNo } from '../../kit/dialog.js';
import { parseInteger } from '../../../model/answers.js';
import { askNewPassphrase, confirmOwnPassphrase } from './passphrase-dialog.js';

// ----- interactive -----

/** POLICY: whether, and after how many consecutive failed logins, an account is locked. */
async function policyDialog(io: CommandIO): Promise<void> {
  const current = accountLockFailures(io.pending.config);
  io.blank();
  io.print(accountLockLine(io.pending.config));
  const lock = await askYesNo(io, 'Do you want to lock a user account after consecutive failed login attempts?', current > 0);
  const failures = lock
    ? await askInteger(io, `Enter the number of failed login attempts that lock an account (1-${MAX_ACCOUNT_LOCK_FAILURES}).`, {
        min: 1,
        max: MAX_ACCOUNT_LOCK_FAILURES,
        default: current || 5,
      })
    : 0;
  recordIf(io, setAccountLockFailures(io.pending.config, failures));
}

async function askRole(io: CommandIO, name: string, current?: UserRole): Promise<UserRole> {
  const items = ROLES.map((r) => `${r.name} - ${r.description}`);
  const def = current ? ROLES.findIndex((r) => r.id === current) : 0;
  const i = await askNumbered(io, `Assign a role to "${name}":`, items, { defaultIndex: def, refuse: (index) => roleRefusal(name, ROLES[index].id) });
  return ROLES[i ?? def].id;
}

function askFullName(io: CommandIO, name: string, current?: string): Promise<string> {
  return askText(io, `Enter the full name for ${name}.`, { default: current, check: fullNameRefusal });
}

async function pickUser(io: CommandIO, verb: string, refuse?: (name: string) => string | undefined): Promise<string | undefined> {
  const names = usernames(io.pending.config);
  const i = await askNumbered(io, `Enter the username or number to ${verb}.`, names, {
    showList: false,
    refuse: refuse && ((index) => refuse(names[index])),
  });
  return i === undefined ? undefined : names[i];
}

async function newDialog(io: CommandIO): Promise<void> {
  await confirmOwnPassphrase(io);
  const name = await askText(io, 'Enter the new username.', { check: (n) => usernameRefusal(io.pending.config, n.toLowerCase()) });
  const user = name.toLowerCase();
  const fullName = await askFullName(io, user);
  const role = await askRole(io, user);
  const passphrase = await askNewPassphrase(io, { user });
  io.pending.record(createUser({ name: user, fullName, role, passwordHash: await hashPassphrase(passphrase!) }));
}

async function editDialog(io: CommandIO): Promise<void> {
  const name = await pickUser(io, 'edit');
  if (!name) return;
  await confirmOwnPassphrase(io);
  const before = findUser(io.pending.config, name)!;
  const fullName = await askFullName(io, name, before.fullName);
  const role = await askRole(io, name, before.role);
  const passphrase = await askNewPassphrase(io, { user: name, mayKeep: true });
  recordIf(
    io,
    editUser(name, {
      fullName: fullName !== before.fullName ? fullName : undefined,
      role: role !== before.role ? role : undefined,
      passwordHash: passphrase ? await hashPassphrase(passphrase) : undefined,
    }),
  );
}

async function deleteDialog(io: CommandIO): Promise<void> {
  const name = await pickUser(io, 'delete', (n) => deleteRefusal(n, io.user.name));
  if (!name) return;
  await confirmOwnPassphrase(io);
  if (await askYesNo(io, `Are you sure you want to delete "${name}"?`, false)) io.pending.record(deleteUser(name, io.user.name));
}

async function assignDialog(io: CommandIO): Promise<void> {
  const name = await pickUser(io, 'change');
  if (!name) return;
  await confirmOwnPassphrase(io);
  const passphrase = await askNewPassphrase(io, { user: name });
  recordIf(io, editUser(name, { passwordHash: await hashPassphrase(passphrase!) }));
}

/** PASSPHRASE: its operation (ASSIGN) is asked once, then the user. */
function passphraseDialog(io: CommandIO): Promise<void> {
  return runMenu(io, { once: true, operations: [{ word: 'ASSIGN', description: 'Assign a new passphrase to a user.', dialog: assignDialog }] });
}

// ----- batch -----

function roleArg(text: string): UserRole {
  const role = parseRole(text);
  if (!role) throw new CommandError(`Unknown role "${text}": use ${ROLES.map((r) => r.name).join(', ')} (or admin, operator, readonly, guest).`);
  return role;
}

function refuseIf(refusal: string | undefined): void {
  if (refusal) throw new CommandError(refusal);
}

function passphraseArg(io: CommandIO, name: string, text: string): string {
  refuseIf(passphraseRefusal(text, [...usernames(io.pending.config), name]));
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
  refuseIf(usernameRefusal(io.pending.config, user) ?? fullNameRefusal(fullName));
  let typed = passphrase === undefined ? undefined : passphraseArg(io, user, passphrase);
  if (typed === undefined && key === undefined) {
    typed = generatePassphrase();
    io.print(`This is the system generated passphrase for ${user}: ${typed}`);
  }
  io.pending.record(
    createUser({ name: user, fullName, role, ...(typed ? { passwordHash: await hashPassphrase(typed) } : {}), ...(key ? { keys: [key] } : {}) }),
  );
}

/** The `key=value` settings of `new` and `edit` (`passphrase=` and `full_name=` are taken too). */
function userSettings(args: readonly string[]): Map<string, string> {
  const values = new Map(parseAssignments(args).map(({ key, value }) => [key === 'passphrase' ? 'password' : key === 'full_name' ? 'fullname' : key, value]));
  for (const key of values.keys()) {
    if (!['role', 'password', 'key', 'fullname'].includes(key)) throw new CommandError(`Unknown setting "${key}": use role, password, key or fullname.`);
  }
  return values;
}

const keySetting = (values: Map<string, string>) => (values.has('key') && values.get('key') !== '' ? keyArg(values.get('key')!) : undefined);

async function batchEdit(io: CommandIO, [name, ...args]: string[]): Promise<void> {
  if (!name) throw new UsageError();
  const values = userSettings(args);
  const role = values.has('role') ? roleArg(values.get('role')!) : undefined;
  const key = keySetting(values);
  const user = name.toLowerCase();
  if (!findUser(io.pending.config, user)) throw new CommandError(`No user named ${user}.`);
  if (role) refuseIf(roleRefusal(user, role));
  const fullName = values.get('fullname');
  if (fullName !== undefined) refuseIf(fullNameRefusal(fullName));
  const password = values.get('password');
  recordIf(
    io,
    editUser(user, {
      fullName,
      role,
      passwordHash: password === undefined ? undefined : await hashPassphrase(passphraseArg(io, user, password)),
      addKey: key,
      clearKeys: values.get('key') === '' || undefined,
    }),
  );
}

export const userconfig = configCommand({
  name: 'userconfig',
  access: 'users',
  summary: 'Manage user accounts and their roles.',
  title: 'Manage user accounts and their roles (Administrators only; needs commit).',
  about: `Lists the users, then NEW, EDIT, DELETE or PASSPHRASE. Every change asks for your own
passphrase first ("Enter your Passphrase to make changes:"). Roles: ${ROLES.map((r) => r.name).join(', ')}.
The user admin cannot be deleted and stays in Administrators; you cannot delete yourself.
Passphrases: 8 to 128 characters with an upper-case letter, a digit and a special character,
no three repeated or sequential characters, not a user name.`,
  banner: (io) => userListing(io.pending.config.users),
  operations: [
    {
      word: 'ADD',
      description: "Add an account (the reference's positional form).",
      batch: {
        usage: ['add <user> <full_name> <group> <password>'],
        changes: true,
        async run(io, args) {
          if (args.length !== 4) throw new UsageError();
          const [name, fullName, group, password] = args;
          await batchNew(io, name, fullName, roleArg(group), password, undefined);
        },
      },
    },
    {
      word: 'NEW',
      description: 'Create a new account.',
      dialog: newDialog,
      batch: {
        usage: ['new <user> role=<role> [password=<p>] [key="<OpenSSH public key>"] [fullname=<name>]'],
        changes: true,
        async run(io, [name, ...args]) {
          if (!name) throw new UsageError();
          const values = userSettings(args);
          const role = values.has('role') ? roleArg(values.get('role')!) : undefined;
          const key = keySetting(values);
          if (!role) throw new CommandError('userconfig new: role=<role> is required.');
          await batchNew(io, name, values.get('fullname') ?? name.toLowerCase(), role, values.get('password'), key);
        },
      },
    },
    {
      word: 'EDIT',
      description: 'Modify an account.',
      dialog: editDialog,
      batch: {
        usage: ['edit <user> [role=<role>] [password=<p>] [key="<key>"] [fullname=<name>]   (key="" removes the keys)'],
        changes: true,
        run: batchEdit,
      },
    },
    {
      word: 'DELETE',
      description: 'Remove an account.',
      dialog: deleteDialog,
      batch: {
        usage: ['delete <user>'],
        changes: true,
        run(io, args) {
          if (args.length !== 1) throw new UsageError();
          const user = args[0].toLowerCase();
          refuseIf(deleteRefusal(user, io.user.name) ?? (findUser(io.pending.config, user) ? undefined : `No user named ${user}.`));
          io.pending.record(deleteUser(user, io.user.name));
        },
      },
    },
    { word: 'PASSPHRASE', description: 'Change the passphrase for a user.', dialog: passphraseDialog },
    {
      word: 'POLICY',
      description: 'Lock accounts after consecutive failed logins (the default: after 5).',
      dialog: policyDialog,
      batch: {
        usage: [`policy accountlock=<1-${MAX_ACCOUNT_LOCK_FAILURES}|never>`],
        changes: true,
        run(io, args) {
          const m = args.length === 1 ? /^accountlock=(.+)$/i.exec(args[0]) : null;
          if (!m) throw new UsageError();
          const value = m[1].toLowerCase();
          const failures = value === 'never' ? 0 : parsedArg(parseInteger(value, 1, MAX_ACCOUNT_LOCK_FAILURES), 'accountlock');
          recordIf(io, setAccountLockFailures(io.pending.config, failures));
        },
      },
    },
  ],
});
