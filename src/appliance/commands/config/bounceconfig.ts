// `bounceconfig`: list, create, edit and delete bounce profiles, and the global SETUP (a
// configuration command: changes go to the session's pending copy until `commit`). Declared on
// the command kit; the table's rules and operations are src/model/tables/bounce-profiles.ts.
import { DEFAULT_PROFILE_NAME, resolveProfile, BOUNCE_KEYS } from '../../../model/bounce-profile.js';
import { parseYesNo } from '../../../model/answers.js';
import type { ApplianceConfig } from '../../../model/config.js';
import {
  createProfile,
  deleteProfile,
  deleteRefusal,
  editProfile,
  findProfile,
  nameRefusal,
  profileNames,
  renameProfile,
  setBounceAll,
  storedRefusal,
  withSettings,
} from '../../../model/tables/bounce-profiles.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, recordIf, UsageError } from '../../kit/config-command.js';
import { askNumbered, askText, askYesNo, numberedLines } from '../../kit/dialog.js';
import { askProfileSettings } from './bounce-profile-dialog.js';

/** SETUP's one question (the reference's driver looks for "bounce all enqueued messages bound for a domain"). */
export const SETUP_QUESTION = 'Do you want to bounce all enqueued messages bound for a domain when its host is found down?';

// ----- interactive -----

function dialogFor(config: ApplianceConfig, name: string, creating: boolean) {
  return {
    isDefault: name === DEFAULT_PROFILE_NAME,
    creating,
    own: creating ? {} : { ...config.bounceProfiles[name] },
    base: resolveProfile(config.bounceProfiles, undefined),
  };
}

async function newDialog(io: CommandIO): Promise<void> {
  const name = await askText(io, 'Please create a name for the profile:', { check: (n) => nameRefusal(io.pending.config, n) });
  const settings = await askProfileSettings(io, dialogFor(io.pending.config, name, true));
  io.pending.record(createProfile(name, settings));
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

async function editDialog(io: CommandIO): Promise<void> {
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
  if (newName !== name) io.pending.record(renameProfile(name, newName));
  recordIf(io, editProfile(newName, d.own, after));
}

async function deleteDialog(io: CommandIO): Promise<void> {
  const name = await pickProfile(io, 'delete', (n) => deleteRefusal(io.pending.config, n));
  if (!name) return;
  // The appliance deletes on the default answer (its drivers answer the confirmation with Enter).
  if (await askYesNo(io, `Are you sure you want to delete the profile "${name}"?`, true)) io.pending.record(deleteProfile(name));
}

async function setupDialog(io: CommandIO): Promise<void> {
  recordIf(io, setBounceAll(io.pending.config, await askYesNo(io, SETUP_QUESTION, io.pending.config.bounceAllWhenHostDown)));
}

// ----- batch -----

/** A profile named in a batch form, as stored. */
function namedProfile(config: ApplianceConfig, name: string | undefined): string {
  if (!name) throw new UsageError();
  const stored = findProfile(config, name);
  if (!stored) throw new CommandError(`There is no bounce profile named "${name}".`);
  return stored;
}

function refuseIf(refusal: string | undefined): void {
  if (refusal) throw new CommandError(refusal);
}

export const bounceconfig = configCommand({
  name: 'bounceconfig',
  summary: 'Configure bounce profiles.',
  about: `Lists the bounce profiles, then NEW / EDIT / DELETE / SETUP (an empty answer leaves).
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
Changes take effect with "commit".`,
  batchNotes: [
    `keys: ${BOUNCE_KEYS.join(', ')}`,
    '(host_initial_retry, host_max_retry_timeout and max_bounce_copy: Default only;',
    'bounce_template and delay_template only empty: there are no templates).',
    'Each value has the range of its question; quote values with blanks:',
    '  bounceconfig edit Default bounce_subject="Undeliverable mail"',
  ],
  banner: (io) => ['Current bounce profiles:', ...numberedLines(profileNames(io.pending.config))],
  operations: [
    {
      word: 'NEW',
      description: 'Create a new profile.',
      dialog: newDialog,
      batch: {
        usage: ['new <name> key=value ...'],
        changes: true,
        run(io, [name, ...settings]) {
          if (!name) throw new UsageError();
          const config = io.pending.config;
          refuseIf(nameRefusal(config, name));
          const stored = withSettings({}, parseAssignments(settings), false);
          refuseIf(storedRefusal(config, name, stored));
          io.pending.record(createProfile(name, stored));
        },
      },
    },
    {
      word: 'EDIT',
      description: 'Modify a profile.',
      dialog: editDialog,
      batch: {
        usage: ['edit <name> key=value ...      (value Default: inherit from Default)'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? Object.keys(io.pending.config.bounceProfiles) : []),
        run(io, [name, ...settings]) {
          const config = io.pending.config;
          const stored = namedProfile(config, name);
          if (settings.length === 0) throw new CommandError('Nothing to change: give key=value settings.');
          const before = config.bounceProfiles[stored];
          const after = withSettings(before, parseAssignments(settings), stored === DEFAULT_PROFILE_NAME);
          refuseIf(storedRefusal(config, stored, after));
          recordIf(io, editProfile(stored, before, after));
        },
      },
    },
    {
      word: 'DELETE',
      description: 'Remove a profile.',
      dialog: deleteDialog,
      batch: {
        usage: ['delete <name>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? Object.keys(io.pending.config.bounceProfiles) : []),
        run(io, [name, ...rest]) {
          const stored = namedProfile(io.pending.config, name);
          if (rest.length) throw new UsageError();
          refuseIf(deleteRefusal(io.pending.config, stored));
          io.pending.record(deleteProfile(stored));
        },
      },
    },
    {
      word: 'SETUP',
      description: 'Configure general bounce settings.',
      dialog: setupDialog,
      batch: {
        usage: ['setup <yes | no>'],
        changes: true,
        run(io, args) {
          const p = args.length === 1 ? parseYesNo(args[0]) : undefined;
          if (!p || 'error' in p) throw new UsageError();
          recordIf(io, setBounceAll(io.pending.config, p.value));
        },
      },
    },
  ],
});
