// listenerconfig's RCPTACCESS: the recipient access table of a Public listener — NEW / EDIT /
// DELETE / PRINT / CLEAR, ACCEPT or REJECT per entry with an optional custom reply (REJECT).
import type { ListenerConfig, RatAction, RatEntry, SmtpResponse } from '../../../model/config.js';
import { parseRatPattern, samePattern } from '../../../model/rat.js';
import { parseChoice, parseCommaList, type Parsed } from '../../../model/answers.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { askMenu, askNumbered, askValid, askYesNo } from '../../kit/dialog.js';
import { recordEdit } from './listenerconfig-changes.js';
import { askResponseText } from './listenerconfig-hat.js';
import { parseCode } from './listenerconfig-values.js';

export const RAT_TITLE = 'Recipient Access Table';
const ACTIONS: readonly RatAction[] = ['ACCEPT', 'REJECT'];
const ACTION_ITEMS = ['Accept', 'Reject'];

// ----- the changes -----

const describe = (e: RatEntry) => `${e.pattern} ${e.action}${e.response ? ` (${e.response.code} ${e.response.text.replaceAll('\n', ' / ')})` : ''}`;

/** Adds entries, or replaces the ones with the same address. */
export function recordSetEntries(io: CommandIO, listener: string, entries: RatEntry[], verb = 'added'): void {
  recordEdit(io, listener, `RAT ${verb} ${entries.map(describe).join(', ')}`, (lc) => {
    for (const entry of entries) {
      lc.rat = lc.rat.filter((e) => !samePattern(e.pattern, entry.pattern));
      lc.rat.push(structuredClone(entry));
    }
  });
}

export function recordDeleteEntry(io: CommandIO, listener: string, pattern: string): void {
  recordEdit(io, listener, `RAT deleted ${pattern}`, (lc) => {
    if (!lc.rat.some((e) => samePattern(e.pattern, pattern))) throw new CommandError(`the Recipient Access Table of ${lc.name} has no entry "${pattern}" any more`);
    lc.rat = lc.rat.filter((e) => !samePattern(e.pattern, pattern));
  });
}

export function recordClear(io: CommandIO, listener: string, action: RatAction): void {
  recordEdit(io, listener, `RAT cleared, ALL ${action}`, (lc) => {
    lc.rat = [{ pattern: 'ALL', action }];
  });
}

/** PRINT's lines: `<address> <ACTION>`, the action always the last word. */
export const ratLines = (lc: ListenerConfig): string[] => lc.rat.map((e) => `${e.pattern} ${e.action}`);

/** A comma list of RAT addresses, each checked. */
export function parsePatterns(text: string, existing?: readonly RatEntry[]): Parsed<string[]> {
  const p = parseCommaList(text, parseRatPattern);
  if ('error' in p) return text.trim() === '' ? { error: 'Please enter a value.' } : p;
  const dup = existing && p.value.find((v) => existing.some((e) => samePattern(e.pattern, v)));
  if (dup) return { error: `The address "${dup}" is already in the ${RAT_TITLE}: use EDIT to change it.` };
  return p;
}

// ----- the dialog -----

async function askAction(io: CommandIO, label: string, current: RatAction): Promise<RatAction> {
  const i = await askNumbered(io, label, ACTION_ITEMS, { defaultIndex: ACTIONS.indexOf(current) });
  return ACTIONS[i ?? ACTIONS.indexOf(current)];
}

/** `Would you like to specify a custom SMTP response?` (a REJECT entry's reply). */
async function askEntryResponse(io: CommandIO, action: RatAction, current: SmtpResponse | undefined): Promise<SmtpResponse | undefined> {
  if (!(await askYesNo(io, 'Would you like to specify a custom SMTP response?', current !== undefined))) return undefined;
  if (action === 'ACCEPT') {
    io.blank();
    io.print('Accepted recipients are always answered "250 Accepted": a custom response applies to rejected addresses only.');
    return undefined;
  }
  const code = await askValid(io, { label: 'Enter the SMTP code to use in the response. 550 is the standard code.', default: String(current?.code ?? 550) }, parseCode('reject'));
  return { code, text: await askResponseText(io, current?.text) };
}

const ADDRESS_HELP = [
  'Hostnames such as "example.com" are allowed.',
  'Partial hostnames such as ".example.com" are allowed.',
  'Usernames such as "postmaster@" are allowed.',
  'Full email addresses such as "joe@example.com" or "joe@[1.2.3.4]" are allowed.',
  'Separate multiple addresses with commas.',
];

async function newEntry(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const patterns = await askValid(io, { label: ['Enter the recipient address for this entry.', ...ADDRESS_HELP].join('\n') }, (a) => parsePatterns(a, lc.rat));
  const action = await askAction(io, 'Select the action to apply to this address:', 'ACCEPT');
  const response = await askEntryResponse(io, action, undefined);
  recordSetEntries(io, lc.name, patterns.map((pattern) => ({ pattern, action, ...(response ? { response } : {}) })));
}

/** An entry by its address (or its number in PRINT's order); an empty answer leaves. */
async function pickEntry(io: CommandIO, lc: ListenerConfig, label: string): Promise<RatEntry | undefined> {
  return askValid<RatEntry | undefined>(io, { label, choices: lc.rat.map((e) => e.pattern) }, (a) => {
    if (a === '') return { value: undefined };
    const byText = lc.rat.find((e) => samePattern(e.pattern, a));
    if (byText) return { value: byText };
    const n = parseChoice(a, lc.rat.map((e) => e.pattern));
    return 'value' in n ? { value: lc.rat[n.value] } : { error: `That value is not valid: the ${RAT_TITLE} has no entry "${a}".` };
  });
}

async function editEntry(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const entry = await pickEntry(io, lc, ['Enter the address to edit.', ...ratLines(lc).map((l, i) => `${i + 1}. ${l}`)].join('\n'));
  if (!entry) return;
  const action = await askAction(io, `What access for ${entry.pattern}?`, entry.action);
  const response = await askEntryResponse(io, action, action === entry.action ? entry.response : undefined);
  recordSetEntries(io, lc.name, [{ pattern: entry.pattern, action, ...(response ? { response } : {}) }], 'changed');
}

async function deleteEntry(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const entry = await pickEntry(io, lc, ['Enter the address to delete.', ...ratLines(lc).map((l, i) => `${i + 1}. ${l}`)].join('\n'));
  if (entry) recordDeleteEntry(io, lc.name, entry.pattern);
}

async function clearTable(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const action = await askAction(io, 'Choose the default access for all addresses (ALL):', 'REJECT');
  recordClear(io, lc.name, action);
}

const RAT_OPERATIONS = [
  { word: 'NEW', description: 'Create a new entry.' },
  { word: 'EDIT', description: 'Modify an entry.' },
  { word: 'DELETE', description: 'Remove an entry.' },
  { word: 'PRINT', description: 'Display all entries.' },
  { word: 'CLEAR', description: 'Remove all entries.' },
];
const RAT_UNMODELLED = ['IMPORT', 'EXPORT'];

function askRatMenu(io: CommandIO, empty: boolean): Promise<string | undefined> {
  const ops = empty ? RAT_OPERATIONS.filter((o) => o.word !== 'EDIT' && o.word !== 'DELETE') : RAT_OPERATIONS;
  return askMenu(io, 'Choose the operation you want to perform:', ops, {
    words: RAT_UNMODELLED,
    why: (w) => `${w}: the ${RAT_TITLE} is edited here, not through files, in this simulator.`,
  });
}

export async function rcptAccessMenu(io: CommandIO, current: () => ListenerConfig | undefined): Promise<void> {
  const first = current();
  if (first?.type === 'Private') {
    io.blank();
    io.print(`${first.name} is a Private listener: it relays mail for any recipient from its relay hosts and has no ${RAT_TITLE}.`);
    return;
  }
  for (;;) {
    const lc = current();
    if (!lc) return;
    io.blank();
    io.print(RAT_TITLE, '', `There are currently ${lc.rat.length} ${lc.rat.length === 1 ? 'entry' : 'entries'} in the ${RAT_TITLE}.`);
    const op = await askRatMenu(io, lc.rat.length === 0);
    if (op === undefined) return;
    if (op === 'NEW') await newEntry(io, lc);
    else if (op === 'EDIT') await editEntry(io, lc);
    else if (op === 'DELETE') await deleteEntry(io, lc);
    else if (op === 'CLEAR') await clearTable(io, lc);
    else {
      io.blank();
      io.print(...ratLines(lc));
    }
  }
}
