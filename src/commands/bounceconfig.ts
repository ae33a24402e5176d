// `bounceconfig`: list, create, edit and delete bounce profiles (a configuration command:
// changes go to the session's pending copy until `commit`). Interactive menu or batch form.
import {
  BOUNCE_KEYS,
  checkProfile,
  DEFAULT_PROFILE_NAME,
  formatCount,
  HOST_LEVEL_KEYS,
  parseSetting,
  resolveProfile,
  validProfileName,
  type BounceKey,
  type StoredProfile,
} from '../bounce/profile.js';
import type { ApplianceConfig } from '../config/config.js';
import { INHERIT, isInherit } from './answers.js';
import { askProfileSettings } from './bounce-profile-dialog.js';
import type { Command, CommandIO } from './command.js';
import { CommandError } from './command.js';
import { parseAssignments } from './command-line.js';
import { askMenu, askNumbered, askText, askYesNo, numberedLines } from './dialog.js';

export const NAME_IN_USE = 'Profile name already in use';
export const DEFAULT_NOT_DELETABLE = 'The default profile may not be deleted';

const OPERATIONS = [
  { word: 'NEW', description: 'Create a new profile.' },
  { word: 'EDIT', description: 'Modify a profile.' },
  { word: 'DELETE', description: 'Remove a profile.' },
];

// ----- profiles in a configuration -----

/** Profile names, Default first, then in creation order. */
function profileNames(config: ApplianceConfig): string[] {
  const names = Object.keys(config.bounceProfiles).filter((n) => n !== DEFAULT_PROFILE_NAME);
  return [DEFAULT_PROFILE_NAME, ...names];
}

/** The stored name of a profile, matched case-insensitively. */
function findProfile(config: ApplianceConfig, name: string): string | undefined {
  return Object.keys(config.bounceProfiles).find((n) => n.toLowerCase() === name.toLowerCase());
}

/** Who uses a profile: a profile in use may not be deleted. */
function profileUsers(config: ApplianceConfig, name: string): string[] {
  const same = (p: string | undefined) => p !== undefined && p.toLowerCase() === name.toLowerCase();
  return [
    ...config.listeners.filter((l) => same(l.bounceProfile)).map((l) => `listener ${l.name}`),
    ...config.destinations.filter((d) => same(d.bounceProfile)).map((d) => `destination ${d.domain}`),
  ];
}

function deleteRefusal(config: ApplianceConfig, name: string): string | undefined {
  if (name.toLowerCase() === DEFAULT_PROFILE_NAME.toLowerCase()) return DEFAULT_NOT_DELETABLE;
  const users = profileUsers(config, name);
  if (users.length) return `The profile "${name}" is used by ${users.join(', ')}: give it another profile first.`;
  return undefined;
}

function nameRefusal(config: ApplianceConfig, name: string): string | undefined {
  return validProfileName(name) ?? (findProfile(config, name) ? NAME_IN_USE : undefined);
}

function describeValue(v: unknown): string {
  if (v === undefined) return INHERIT;
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number') return formatCount(v);
  return v ? 'Yes' : 'No';
}

/** Checks the cross-field rules of a profile as it would act. */
function checkStored(config: ApplianceConfig, name: string, stored: StoredProfile): void {
  const error = checkProfile(resolveProfile({ ...config.bounceProfiles, [name]: stored }, name));
  if (error) throw new CommandError(error);
}

// ----- the three changes, recorded in the session's pending configuration -----

function createProfile(io: CommandIO, name: string, stored: StoredProfile): void {
  io.pending.edit(`Created bounce profile "${name}".`, (config) => {
    const refusal = nameRefusal(config, name);
    if (refusal) throw new CommandError(refusal);
    checkStored(config, name, stored);
    config.bounceProfiles[name] = { ...stored };
  });
}

/** Records only the settings that changed, so concurrent edits of other settings survive. */
function editProfile(io: CommandIO, name: string, before: StoredProfile, after: StoredProfile): boolean {
  const changed = BOUNCE_KEYS.filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return false;
  const what = changed.map((k) => `${k} ${describeValue(before[k])} -> ${describeValue(after[k])}`).join(', ');
  io.pending.edit(`Edited bounce profile "${name}": ${what}.`, (config) => {
    const stored = findProfile(config, name);
    if (!stored) throw new CommandError(`the bounce profile "${name}" no longer exists`);
    const next = { ...config.bounceProfiles[stored] };
    for (const k of changed) {
      if (after[k] === undefined) delete next[k];
      else (next as Record<string, unknown>)[k] = after[k];
    }
    checkStored(config, stored, next);
    config.bounceProfiles[stored] = next;
  });
  return true;
}

function deleteProfile(io: CommandIO, name: string): void {
  io.pending.edit(`Deleted bounce profile "${name}".`, (config) => {
    const stored = findProfile(config, name);
    if (!stored) throw new CommandError(`the bounce profile "${name}" no longer exists`);
    const refusal = deleteRefusal(config, stored);
    if (refusal) throw new CommandError(refusal);
    delete config.bounceProfiles[stored];
  });
}

// ----- interactive -----

function dialogFor(config: ApplianceConfig, name: string, creating: boolean) {
  const isDefault = name === DEFAULT_PROFILE_NAME;
  return {
    isDefault,
    creating,
    own: creating ? {} : { ...config.bounceProfiles[name] },
    base: resolveProfile(config.bounceProfiles, undefined),
  };
}

async function newProfile(io: CommandIO): Promise<void> {
  const name = await askText(io, 'Please create a name for the profile:', { check: (n) => nameRefusal(io.pending.config, n) });
  const settings = await askProfileSettings(io, dialogFor(io.pending.config, name, true));
  createProfile(io, name, settings);
}

async function pickProfile(io: CommandIO, verb: string, refuse?: (name: string) => string | undefined): Promise<string | undefined> {
  const names = profileNames(io.pending.config);
  const i = await askNumbered(io, `Enter the name or number of the profile you wish to ${verb}.`, names, {
    showList: false,
    refuse: refuse && ((index) => refuse(names[index])),
  });
  return i === undefined ? undefined : names[i];
}

async function editInteractive(io: CommandIO): Promise<void> {
  const name = await pickProfile(io, 'edit');
  if (!name) return;
  const d = dialogFor(io.pending.config, name, false);
  const after = await askProfileSettings(io, d);
  editProfile(io, name, d.own, after);
}

async function deleteInteractive(io: CommandIO): Promise<void> {
  const name = await pickProfile(io, 'delete', (n) => deleteRefusal(io.pending.config, n));
  if (!name) return;
  if (await askYesNo(io, `Are you sure you want to delete the profile "${name}"?`, false)) deleteProfile(io, name);
}

async function menu(io: CommandIO): Promise<void> {
  for (;;) {
    io.blank();
    io.print('Current bounce profiles:', ...numberedLines(profileNames(io.pending.config)));
    const op = await askMenu(io, 'Choose the operation you want to perform:', OPERATIONS);
    if (op === undefined) return;
    if (op === 'NEW') await newProfile(io);
    else if (op === 'EDIT') await editInteractive(io);
    else await deleteInteractive(io);
  }
}

// ----- batch form -----

/** `key=value ...` onto a profile's stored values, with the same checks as the questions. */
function applyAssignments(stored: StoredProfile, args: readonly string[], isDefault: boolean): StoredProfile {
  const next = { ...stored };
  for (const { key, value } of parseAssignments(args)) {
    if (!(BOUNCE_KEYS as string[]).includes(key)) throw new CommandError(`Unknown setting "${key}": use ${BOUNCE_KEYS.join(', ')}.`);
    const k = key as BounceKey;
    if (HOST_LEVEL_KEYS.includes(k) && !isDefault) throw new CommandError(`${k} belongs to the Default profile only.`);
    if (!isDefault && isInherit(value)) {
      delete next[k];
      continue;
    }
    const p = parseSetting(k, value);
    if ('error' in p) throw new CommandError(`${k}: ${p.error}`);
    (next as Record<string, unknown>)[k] = p.value;
  }
  return next;
}

async function batch(io: CommandIO, args: string[]): Promise<void> {
  const [op, name, ...settings] = args;
  const verb = op.toLowerCase();
  if (!['new', 'edit', 'delete'].includes(verb)) throw new CommandError(`Unknown operation "${op}": use new, edit or delete.`);
  if (!name) throw new CommandError(`Usage: bounceconfig ${verb} <name>${verb === 'delete' ? '' : ' key=value ...'}`);
  const config = io.pending.config;
  if (verb === 'new') {
    const refusal = nameRefusal(config, name);
    if (refusal) throw new CommandError(refusal);
    const stored = applyAssignments({}, settings, false);
    checkStored(config, name, stored);
    createProfile(io, name, stored);
  } else {
    const stored = findProfile(config, name);
    if (!stored) throw new CommandError(`There is no bounce profile named "${name}".`);
    if (verb === 'delete') {
      if (settings.length) throw new CommandError('Usage: bounceconfig delete <name>');
      const refusal = deleteRefusal(config, stored);
      if (refusal) throw new CommandError(refusal);
      deleteProfile(io, stored);
    } else {
      if (settings.length === 0) throw new CommandError('Nothing to change: give key=value settings.');
      const before = config.bounceProfiles[stored];
      const after = applyAssignments(before, settings, stored === DEFAULT_PROFILE_NAME);
      checkStored(config, stored, after);
      if (!editProfile(io, stored, before, after)) {
        io.print('No changes.');
        return;
      }
    }
  }
  io.print(io.pending.descriptions.at(-1)!);
}

export const bounceconfig: Command = {
  name: 'bounceconfig',
  summary: 'Configure bounce profiles.',
  help: `bounceconfig - Configure bounce profiles.

Lists the bounce profiles, then NEW / EDIT / DELETE (an empty answer leaves). NEW asks
for a name, then: maximum retries (0-10,000, default 100), maximum seconds in the queue
(0-3,000,000, default 259200 = 72 h), initial and maximum retry wait (60-86,400, default
60 and 3600), whether to send bounces (DSN format, subject, parse the remote Status),
delay warnings (subject, interval, count) and an alternate bounce address. EDIT asks the
same with the current values; a profile other than Default may answer "Default" to
inherit a value. Editing Default also asks the retry waits for an unreachable host and the
largest part of the original message copied into a bounce. DELETE asks which and
confirms; the Default profile may not be deleted.
Changes take effect with "commit".

Batch:
  bounceconfig new <name> key=value ...
  bounceconfig edit <name> key=value ...      (value Default: inherit from Default)
  bounceconfig delete <name>
keys: ${BOUNCE_KEYS.join(', ')}
(host_initial_retry, host_max_retry_timeout and max_bounce_copy: Default only).
Each value has the range of its question; quote values with blanks:
  bounceconfig edit Default bounce_subject="Undeliverable mail"`,
  argWords: () => ['new', 'edit', 'delete'],
  async run(io, args) {
    if (args.length > 0) await batch(io, args);
    else await menu(io);
  },
};
