// Which queued recipients a queue command is about: the appliance's menu (by recipient host,
// by Envelope From address, all), its follow-up question, and the same choice as batch words.
import type { RecipientSelector } from '../../../api/engine-api.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { askNumbered, askText, askYesNo } from '../../kit/dialog.js';

/** The menu's items, in the appliance's fixed order (drivers type 1, 2, 3). */
export const SELECTION_ITEMS = ['By recipient host.', 'By Envelope From address.', 'All.'] as const;

/** What the help of deleterecipients and bouncerecipients says about their questions. */
export const CONFIRMED_SELECTION_HELP = `Asks how to choose them:
  1. By recipient host.           the recipients queued for one host (domain)
  2. By Envelope From address.    the recipients of the messages from one sender (<> = null sender)
  3. All.                         every queued recipient
then for the host or the address, and for a confirmation (default No).`;

/** What `help` says about the batch words. */
export const SELECTION_SYNTAX = 'host <hostname> | sender <address> | all';

/** `<>` (or an empty address) is the null sender of DSNs. */
function senderOf(text: string): string {
  const t = text.trim();
  return t === '<>' ? '' : t.replace(/^<(.*)>$/, '$1');
}

const required = (what: string) => (text: string) => (text.trim() === '' ? `You must enter ${what}.` : undefined);

export interface SelectionDialog {
  /** `show`, `delete`, `bounce`: the verb of the menu's and the questions' text. */
  verb: string;
  /** Index of the menu's default item. */
  defaultIndex: number;
  /** Asks whether the sender match is case-sensitive (showrecipients). */
  askCase?: boolean;
}

/** The menu (an empty answer takes its default) and the host or sender question. */
export async function askSelection(io: CommandIO, d: SelectionDialog): Promise<RecipientSelector> {
  const index = await askNumbered(io, `Please select how you would like to ${d.verb} messages:`, SELECTION_ITEMS, { defaultIndex: d.defaultIndex });
  if (index === 0) {
    const host = await askText(io, `Please enter the hostname for the messages you wish to ${d.verb}.`, { check: required('a hostname') });
    return { kind: 'host', host: host.trim().toLowerCase() };
  }
  if (index === 1) {
    const sender = await askText(io, `Please enter the Envelope From address for the messages you wish to ${d.verb}.`, {
      check: required('an address, or <> for the null sender'),
    });
    const caseSensitive = d.askCase ? await askYesNo(io, 'Do you want the search to be case sensitive?', false) : false;
    return { kind: 'sender', sender: senderOf(sender), caseSensitive };
  }
  return { kind: 'all' };
}

/** `host <h>`, `sender <addr>`, `all` (words in any case); a one-line error otherwise. */
export function selectionArgs(command: string, args: readonly string[]): RecipientSelector {
  const [word, value, ...rest] = args;
  const kind = word?.toLowerCase();
  if (kind === 'all' && value === undefined) return { kind: 'all' };
  if (kind === 'host' && value !== undefined && rest.length === 0) return { kind: 'host', host: value.toLowerCase() };
  if (kind === 'sender' && value !== undefined && rest.length === 0) return { kind: 'sender', sender: senderOf(value) };
  throw new CommandError(`Usage: ${command} ${SELECTION_SYNTAX}`);
}

/** The selection as the confirmation question names it: `being delivered to "h"`, `from "a"`, `in the queue`. */
export function describeSelection(s: RecipientSelector): string {
  if (s.kind === 'host') return `being delivered to "${s.host}"`;
  if (s.kind === 'sender') return `from "${s.sender === '' ? '<>' : s.sender}"`;
  return 'in the queue';
}
