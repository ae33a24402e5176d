// `bounceconfig`: list, create, edit and delete bounce profiles (a configuration command:
// changes go to the session's pending copy until `commit`). Interactive menu or batch form.
import {
  BOUNCE_KEYS,
  checkProfile,
  DEFAULT_PROFILE_NAME,
  HOST_LEVEL_KEYS,
  parseSetting,
  resolveProfile,
  validProfileName,
  type BounceKey,
  type StoredProfile,
} from '../../../model/bounce-profile.js';
import type { ApplianceConfig } from '../../../model/config.js';
import { formatCount } from '../../../model/format-count.js';
import { INHERIT, isInherit, parseYesNo } from '../../../model/answers.js';
import { askProfileSettings } from './bounce-profile-dialog.js';
import type { Command, CommandIO } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { askMenu, askNumbered, askText, askYesNo, numberedLines } from '../../kit/dialog.js';

export const NAME_IN_USE = 'Profile name already in use';
export const DEFAULT_NOT_DELETABLE = 'The default profile may not be deleted';
export const NAME_START = 'The bounce profile name must start with a letter or underscore.';
/** SETUP's one question (the reference's driver looks for "bounce all enqueued messages bound for a domain"). */
export const SETUP_QUESTION = 'Do you want to bounce all enqueued messages bound for a domain when its host is found down?';

const OPERATIONS = [
  { word: 'NEW', description: 'Create a new profile.' },
  { word: 'EDIT', description: 'Modify a profile.' },
  { word: 'DELETE', description: 'Remove a profile.' },
  { word: 'SETUP', description: 'Configure general bounce settings.' },
];

/** Notification templates (bounce_template, delay_template): the sandbox has none. */
const TEMPLATE_KEYS = ['bounce_template', 'delay_template'];

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

/** Why a name may not be given to a profile (`self`: the profile being renamed may keep its own). */
function nameRefusal(config: ApplianceConfig, name: string, self?: string): string | undefined {
  if (!/^[A-Za-z_]/.test(name)) return NAME_START;
  // The listing is parsed as "N. name": no dots or blanks in a name.
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return 'Valid characters are letters, digits, "_" and "-".';
  const invalid = validProfileName(name);
  if (invalid) return invalid;
  const holder = findProfile(config, name);
  return holder !== undefined && holder !== self ? NAME_IN_USE : undefined;
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

/**
 * A rename moves the profile's settings and every listener and destination that uses it; mail
 * queued under the old name keeps the profile (`bounceProfileRenames`, followed by delivery).
 */
function renameProfile(io: CommandIO, from: string, to: string): void {
  io.pending.edit(`Renamed bounce profile "${from}" to "${to}".`, (config) => {
    const stored = findProfile(config, from);
    if (!stored) throw new CommandError(`the bounce profile "${from}" no longer exists`);
    const refusal = nameRefusal(config, to, stored);
    if (refusal) throw new CommandError(refusal);
    // Rebuilt in the same order, so the profile keeps its number in the listing.
    config.bounceProfiles = Object.fromEntries(Object.entries(config.bounceProfiles).map(([n, p]) => [n === stored ? to : n, p]));
    const same = (p: string | undefined) => p !== undefined && p.toLowerCase() === stored.toLowerCase();
    for (const l of config.listeners) if (same(l.bounceProfile)) l.bounceProfile = to;
    for (const d of config.destinations) if (same(d.bounceProfile)) d.bounceProfile = to;
    config.bounceProfileRenames = withRename(config.bounceProfileRenames, stored, to);
  });
}

function setupChange(io: CommandIO, bounceAll: boolean): boolean {
  if (io.pending.config.bounceAllWhenHostDown === bounceAll) return false;
  io.pending.edit(`Bounce all queued mail of a domain whose host is down: ${bounceAll ? 'Yes' : 'No'}.`, (config) => {
    config.bounceAllWhenHostDown = bounceAll;
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
    // Mail queued under its name or one of its old names acts by Default from now on.
    const renames = config.bounceProfileRenames;
    if (renames) config.bounceProfileRenames = Object.fromEntries(Object.entries(renames).filter(([old, now]) => old !== stored && now !== stored));
  });
}

/** The renames with `from` → `to` added: older names of `from` follow it; `to` is a profile's name now, not an old one. */
function withRename(renames: Record<string, string> | undefined, from: string, to: string): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [old, now] of Object.entries(renames ?? {})) if (old !== to) next[old] = now === from ? to : now;
  next[from] = to;
  return next;
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

/** Picks a profile by its number in the listing shown above the menu (or by its name). */
async function pickProfile(io: CommandIO, verb: string, refuse?: (name: string) => string | undefined): Promise<string | undefined> {
  const names = profileNames(io.pending.config);
  const i = await askNumbered(io, `Enter the number of the profile to ${verb}:`, names, {
    showList: false,
    refuse: refuse && ((index) => refuse(names[index])),
  });
  return i === undefined ? undefined : names[i];
}

async function editInteractive(io: CommandIO): Promise<void> {
  const name = await pickProfile(io, 'edit');
  if (!name) return;
  const d = dialogFor(io.pending.config, name, false);
  let newName = name;
  if (!d.isDefault) {
    newName = await askText(io, 'Please enter a new name for the profile:', { default: name, check: (n) => nameRefusal(io.pending.config, n, name) });
    io.blank();
    io.print('A value this profile does not set is inherited from the Default profile: Enter keeps it so, "D" makes a set value inherited again.');
  }
  const after = await askProfileSettings(io, d);
  // Recorded only once the whole dialog is answered: an abort leaves nothing behind.
  if (newName !== name) renameProfile(io, name, newName);
  editProfile(io, newName, d.own, after);
}

async function deleteInteractive(io: CommandIO): Promise<void> {
  const name = await pickProfile(io, 'delete', (n) => deleteRefusal(io.pending.config, n));
  if (!name) return;
  if (await askYesNo(io, `Are you sure you want to delete the profile "${name}"?`, false)) deleteProfile(io, name);
}

async function setupInteractive(io: CommandIO): Promise<void> {
  setupChange(io, await askYesNo(io, SETUP_QUESTION, io.pending.config.bounceAllWhenHostDown));
}

async function menu(io: CommandIO): Promise<void> {
  for (;;) {
    io.blank();
    io.print('Current bounce profiles:', ...numberedLines(profileNames(io.pending.config)));
    const op = await askMenu(io, 'Choose the operation you want to perform:', OPERATIONS);
    if (op === undefined) return;
    if (op === 'NEW') await newProfile(io);
    else if (op === 'EDIT') await editInteractive(io);
    else if (op === 'DELETE') await deleteInteractive(io);
    else await setupInteractive(io);
  }
}

// ----- batch form -----

/** `key=value ...` onto a profile's stored values, with the same checks as the questions. */
function applyAssignments(stored: StoredProfile, args: readonly string[], isDefault: boolean): StoredProfile {
  const next = { ...stored };
  for (const { key, value } of parseAssignments(args)) {
    if (TEMPLATE_KEYS.includes(key)) {
      // No templates exist here: only "none" (an empty value) can be given.
      if (value.trim() === '' || value.trim() === "''") continue;
      throw new CommandError(`${key}: no notification templates are configured on this appliance.`);
    }
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
  if (!['new', 'edit', 'delete', 'setup'].includes(verb)) throw new CommandError(`Unknown operation "${op}": use new, edit, delete or setup.`);
  if (verb === 'setup') {
    const p = name === undefined || settings.length ? undefined : parseYesNo(name);
    if (!p || 'error' in p) throw new CommandError('Usage: bounceconfig setup <yes | no>');
    if (!setupChange(io, p.value)) {
      io.print('No changes.');
      return;
    }
    io.print(io.pending.lastChange!);
    return;
  }
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
  io.print(io.pending.lastChange!);
}

export const bounceconfig: Command = {
  name: 'bounceconfig',
  summary: 'Configure bounce profiles.',
  help: `bounceconfig - Configure bounce profiles.

Lists the bounce profiles, then NEW / EDIT / DELETE / SETUP (an empty answer leaves).
NEW asks for a name, then: maximum retries (0-10,000, default 100), maximum seconds in
the queue (0-3,000,000, default 259200 = 72 h), initial and maximum retry wait
(60-86,400, default 60 and 3600), whether to send bounces (DSN format, subject, parse
the remote Status), delay warnings (subject, interval, count), an alternate bounce
address and whether bounces are signed (stored; nothing is signed here).
EDIT asks for the profile's number, a new name (not for Default), then the same
questions with the values the profile acts with; a profile other than Default may
answer "D" (Default) to inherit a value. Editing Default also asks the retry waits for
an unreachable host and the largest part of the original message (in bytes) copied
into a bounce. DELETE asks for the number and confirms; Default may not be deleted.
SETUP: whether a host found down hard-bounces all mail queued for its domain at once.
Changes take effect with "commit".

Batch:
  bounceconfig new <name> key=value ...
  bounceconfig edit <name> key=value ...      (value Default: inherit from Default)
  bounceconfig delete <name>
  bounceconfig setup <yes | no>
keys: ${BOUNCE_KEYS.join(', ')}
(host_initial_retry, host_max_retry_timeout and max_bounce_copy: Default only;
bounce_template and delay_template only empty: there are no templates).
Each value has the range of its question; quote values with blanks:
  bounceconfig edit Default bounce_subject="Undeliverable mail"`,
  argWords: () => ['new', 'edit', 'delete', 'setup'],
  laterWords: (io, before) => (before.length === 1 && /^(edit|delete)$/i.test(before[0]) ? Object.keys(io.pending.config.bounceProfiles) : []),
  async run(io, args) {
    if (args.length > 0) await batch(io, args);
    else await menu(io);
  },
};
