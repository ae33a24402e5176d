// A Public listener's recipient access table (RCPTACCESS): its entries as PRINT shows them, the
// addresses it takes, and its operations (add or change entries, delete one, clear) as changes. Pure.
import { parseCommaList, type Parsed } from '../answers.js';
import { refuse, type ConfigChange } from '../change.js';
import type { ListenerConfig, RatAction, RatEntry } from '../config.js';
import { parseRatPattern, samePattern } from '../rat.js';
import { editListener } from './listeners.js';

export const RAT_TITLE = 'Recipient Access Table';

/** In the order the dialogs list them (1. Accept, 2. Reject). */
export const RAT_ACTIONS: readonly RatAction[] = ['ACCEPT', 'REJECT'];

/** The code of a REJECT entry's custom response unless another is given. */
export const STANDARD_REJECT_CODE = 550;

/** PRINT's lines: `<address> <ACTION>`, the action always the last word. */
export const ratLines = (lc: ListenerConfig): string[] => lc.rat.map((e) => `${e.pattern} ${e.action}`);

/** The entry of an address (`pattern` as stored or typed), if the table has one. */
export const findEntry = (lc: ListenerConfig, pattern: string): RatEntry | undefined => lc.rat.find((e) => samePattern(e.pattern, pattern));

/** Why a listener has no table: only Public listeners check recipients. */
export const noRatOf = (name: string): string =>
  `${name} is a Private listener: it relays mail for any recipient from its relay hosts and has no ${RAT_TITLE}.`;

export const RESPONSE_ONLY_FOR_REJECT = 'A custom SMTP response applies to rejected addresses only: accepted recipients are always answered "250 Accepted".';

export const noEntry = (pattern: string): string => `That value is not valid: the ${RAT_TITLE} has no entry "${pattern}".`;

/** A comma list of addresses for new entries, each checked; with `existing`, one already in the table is refused. */
export function parsePatterns(text: string, existing?: readonly RatEntry[]): Parsed<string[]> {
  const p = parseCommaList(text, parseRatPattern);
  if ('error' in p) return text.trim() === '' ? { error: 'Please enter a value.' } : p;
  const dup = existing && p.value.find((v) => existing.some((e) => samePattern(e.pattern, v)));
  if (dup) return { error: `The address "${dup}" is already in the ${RAT_TITLE}: use EDIT to change it.` };
  return p;
}

// ----- the operations -----

const describe = (e: RatEntry) => `${e.pattern} ${e.action}${e.response ? ` (${e.response.code} ${e.response.text.replaceAll('\n', ' / ')})` : ''}`;

/** Adds entries (NEW, `rcptaccess add`), or with `changed` replaces the entry of the same address (EDIT). */
export function setRatEntries(listener: string, entries: readonly RatEntry[], verb: 'added' | 'changed' = 'added'): ConfigChange {
  const set = structuredClone(entries);
  return editListener(listener, `RAT ${verb} ${set.map(describe).join(', ')}`, (lc) => {
    if (lc.type === 'Private') refuse(noRatOf(lc.name));
    if (set.some((e) => e.action === 'ACCEPT' && e.response)) refuse(RESPONSE_ONLY_FOR_REJECT);
    for (const entry of set) {
      lc.rat = lc.rat.filter((e) => !samePattern(e.pattern, entry.pattern));
      lc.rat.push(structuredClone(entry));
    }
  });
}

export function deleteRatEntry(listener: string, pattern: string): ConfigChange {
  return editListener(listener, `RAT deleted ${pattern}`, (lc) => {
    if (!findEntry(lc, pattern)) refuse(`the ${RAT_TITLE} of ${lc.name} has no entry "${pattern}" any more`);
    lc.rat = lc.rat.filter((e) => !samePattern(e.pattern, pattern));
  });
}

/** CLEAR: the table becomes the one entry `ALL <action>`. */
export function clearRat(listener: string, action: RatAction): ConfigChange {
  return editListener(listener, `RAT cleared, ALL ${action}`, (lc) => {
    if (lc.type === 'Private') refuse(noRatOf(lc.name));
    lc.rat = [{ pattern: 'ALL', action }];
  });
}
