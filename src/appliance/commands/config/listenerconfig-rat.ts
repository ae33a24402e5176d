// listenerconfig's RCPTACCESS: the recipient access table of a Public listener — its menu (NEW /
// EDIT / DELETE / PRINT / CLEAR) and its batch form (`rcptaccess add|delete|clear|print`).
import { parseChoice } from '../../../model/answers.js';
import type { ListenerConfig, RatAction, RatEntry, SmtpResponse } from '../../../model/config.js';
import { parseRatPattern } from '../../../model/rat.js';
import {
  clearRat,
  deleteRatEntry,
  findEntry,
  noEntry,
  noRatOf,
  parsePatterns,
  RAT_ACTIONS,
  RAT_TITLE,
  ratLines,
  setRatEntries,
  STANDARD_REJECT_CODE,
} from '../../../model/tables/recipient-access.js';
import { codeField } from '../../../model/tables/host-access.js';
import { invalidValue, settingValue } from '../../../model/tables/listener-settings.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { runMenu } from '../../kit/config-command.js';
import { askNumbered, askValid, askYesNo, numberedLines } from '../../kit/dialog.js';
import { askCustomResponse } from './listenerconfig-hat.js';

const ACTION_ITEMS = ['Accept', 'Reject'];

const ADDRESS_HELP = [
  'Hostnames such as "example.com" are allowed.',
  'Partial hostnames such as ".example.com" are allowed.',
  'Usernames such as "postmaster@" are allowed.',
  'Full email addresses such as "joe@example.com" or "joe@[1.2.3.4]" are allowed.',
  'Separate multiple addresses with commas.',
];

/** NEW's question for the domains a Public listener accepts mail for. */
export const ACCEPT_QUESTION = ['Enter the domain names or specific email addresses you want to accept mail for.', ...ADDRESS_HELP].join('\n');

const entry = (pattern: string, action: RatAction, response: SmtpResponse | undefined): RatEntry => ({ pattern, action, ...(response ? { response } : {}) });

// ----- the dialog -----

async function askAction(io: CommandIO, label: string, current: RatAction): Promise<RatAction> {
  const i = await askNumbered(io, label, ACTION_ITEMS, { defaultIndex: RAT_ACTIONS.indexOf(current) });
  return RAT_ACTIONS[i ?? RAT_ACTIONS.indexOf(current)];
}

/** `Would you like to specify a custom SMTP response?` (a REJECT entry's reply). */
async function askEntryResponse(io: CommandIO, action: RatAction, current: SmtpResponse | undefined): Promise<SmtpResponse | undefined> {
  if (!(await askYesNo(io, 'Would you like to specify a custom SMTP response?', current !== undefined))) return undefined;
  if (action === 'ACCEPT') {
    io.blank();
    io.print('Accepted recipients are always answered "250 Accepted": a custom response applies to rejected addresses only.');
    return undefined;
  }
  return askCustomResponse(io, 'rejection', STANDARD_REJECT_CODE, current);
}

async function newEntry(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const patterns = await askValid(io, { label: ['Enter the recipient address for this entry.', ...ADDRESS_HELP].join('\n') }, (a) => parsePatterns(a, lc.rat));
  const action = await askAction(io, 'Select the action to apply to this address:', 'ACCEPT');
  const response = await askEntryResponse(io, action, undefined);
  io.pending.record(
    setRatEntries(
      lc.name,
      patterns.map((pattern) => entry(pattern, action, response)),
    ),
  );
}

/** An entry by its address (or its number in PRINT's order); an empty answer leaves. */
async function pickEntry(io: CommandIO, lc: ListenerConfig, verb: string): Promise<RatEntry | undefined> {
  const label = [`Enter the address to ${verb}.`, ...numberedLines(ratLines(lc))].join('\n');
  return askValid<RatEntry | undefined>(io, { label, choices: lc.rat.map((e) => e.pattern) }, (a) => {
    if (a === '') return { value: undefined };
    const byText = findEntry(lc, a);
    if (byText) return { value: byText };
    const n = parseChoice(
      a,
      lc.rat.map((e) => e.pattern),
    );
    return 'value' in n ? { value: lc.rat[n.value] } : { error: noEntry(a) };
  });
}

async function editEntry(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const picked = await pickEntry(io, lc, 'edit');
  if (!picked) return;
  const action = await askAction(io, `What access for ${picked.pattern}?`, picked.action);
  const response = await askEntryResponse(io, action, action === picked.action ? picked.response : undefined);
  io.pending.record(setRatEntries(lc.name, [entry(picked.pattern, action, response)], 'changed'));
}

async function deleteEntry(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const picked = await pickEntry(io, lc, 'delete');
  if (picked) io.pending.record(deleteRatEntry(lc.name, picked.pattern));
}

async function clearTable(io: CommandIO, lc: ListenerConfig): Promise<void> {
  io.pending.record(clearRat(lc.name, await askAction(io, 'Choose the default access for all addresses (ALL):', 'REJECT')));
}

/** RCPTACCESS: the entry count, then the menu, while the listener exists; a Private listener has no table. */
export async function rcptAccessMenu(io: CommandIO, current: () => ListenerConfig | undefined): Promise<void> {
  const first = current();
  if (first?.type === 'Private') {
    io.blank();
    io.print(noRatOf(first.name));
    return;
  }
  const on = (run: (io: CommandIO, lc: ListenerConfig) => Promise<void>) => () => run(io, current()!);
  const hasEntries = () => current()!.rat.length > 0;
  await runMenu(io, {
    banner: () => {
      const count = current()!.rat.length;
      return [RAT_TITLE, '', `There are currently ${count} ${count === 1 ? 'entry' : 'entries'} in the ${RAT_TITLE}.`];
    },
    while: () => current() !== undefined,
    operations: [
      { word: 'NEW', description: 'Create a new entry.', dialog: on(newEntry) },
      { word: 'EDIT', description: 'Modify an entry.', offered: hasEntries, dialog: on(editEntry) },
      { word: 'DELETE', description: 'Remove an entry.', offered: hasEntries, dialog: on(deleteEntry) },
      {
        word: 'PRINT',
        description: 'Display all entries.',
        async dialog() {
          io.blank();
          io.print(...ratLines(current()!));
        },
      },
      { word: 'CLEAR', description: 'Remove all entries.', dialog: on(clearTable) },
    ],
    unmodelled: { words: ['IMPORT', 'EXPORT'], why: (w) => `${w}: the ${RAT_TITLE} is edited here, not through files, in this simulator.` },
  });
}

// ----- batch -----

/** The action word of a batch form (`accept` or `reject`); `what` is said when it is neither. */
function actionArg(word: string | undefined, what: string): RatAction {
  const a = (word ?? '').toUpperCase();
  return a === 'ACCEPT' || a === 'REJECT' ? a : invalidValue('action', what);
}

/** `listenerconfig edit <name> rcptaccess add|delete|clear|print ...`; prints the change recorded, or the table. */
export function rcptAccessBatch(io: CommandIO, lc: ListenerConfig, args: readonly string[]): void {
  const [op, ...rest] = args;
  const verb = (op ?? '').toLowerCase();
  if (verb === 'print') {
    io.print(...ratLines(lc), '', RAT_TITLE);
    return;
  }
  if (lc.type === 'Private') throw new CommandError(`${lc.name} is a Private listener: it has no ${RAT_TITLE}.`);
  if (verb === 'add') {
    const [addresses, action, code, ...text] = rest;
    const patterns = settingValue('address', parsePatterns(addresses ?? '', lc.rat));
    const a = actionArg(action, 'use accept or reject.');
    let response: SmtpResponse | undefined;
    if (code !== undefined) {
      if (a === 'ACCEPT') invalidValue('code', 'a custom response applies to rejected addresses only.');
      if (text.length === 0) invalidValue('text', 'give the response text after the code.');
      response = { code: settingValue('code', codeField('rejection').parse(code)), text: text.join(' ') };
    }
    io.pending.record(
      setRatEntries(
        lc.name,
        patterns.map((pattern) => entry(pattern, a, response)),
      ),
    );
  } else if (verb === 'delete') {
    const pattern = settingValue('address', parseRatPattern(rest[0] ?? ''));
    if (!findEntry(lc, pattern)) throw new CommandError(noEntry(pattern));
    io.pending.record(deleteRatEntry(lc.name, pattern));
  } else if (verb === 'clear') {
    io.pending.record(clearRat(lc.name, actionArg(rest[0], 'use accept or reject (the access for ALL).')));
  } else {
    throw new CommandError('Usage: listenerconfig edit <name> rcptaccess add|delete|clear|print ...');
  }
  io.print(io.pending.lastChange!);
}
