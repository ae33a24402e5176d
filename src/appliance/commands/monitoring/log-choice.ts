// The logs `tail` and `grep` can read (only the mail log here) and the appliance's numbered
// "Currently configured logs" list they ask from.
import type { CommandIO } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { askNumbered } from '../../kit/dialog.js';

export interface LogEntry {
  name: string;
  type: string;
  retrieval: string;
}

export const LOGS: readonly LogEntry[] = [{ name: 'mail_logs', type: 'Text Mail Logs', retrieval: 'Manual Download' }];

/** The list items: `"mail_logs" Type: "Text Mail Logs" Retrieval: Manual Download`. */
export const logListItems = (): string[] => LOGS.map((l) => `"${l.name}" Type: "${l.type}" Retrieval: ${l.retrieval}`);
const LIST_ITEMS = logListItems();

/** A log named on the command line; `failure` is the appliance's error (`Unable to tail`, `Unable to grep`). */
export function logNamed(name: string, failure: string): LogEntry {
  const log = LOGS.find((l) => l.name === name.toLowerCase());
  if (!log) throw new CommandError(`${failure}: no log named "${name}" (the logs here: ${LOGS.map((l) => l.name).join(', ')}).`);
  return log;
}

/** The numbered list, picked by number or name; an empty answer ends the command with `failure` (or, `defaultFirst`, picks the first). */
export async function askLog(io: CommandIO, question: string, failure: string, options: { defaultFirst?: boolean } = {}): Promise<LogEntry> {
  const label = ['Currently configured logs:', ...LIST_ITEMS.map((t, i) => `${i + 1}. ${t}`), question].join('\n');
  const i = await askNumbered(
    io,
    label,
    LOGS.map((l) => l.name),
    { showList: false, ...(options.defaultFirst ? { defaultIndex: 0 } : {}) },
  );
  if (i === undefined) throw new CommandError(`${failure}: no log chosen.`);
  return LOGS[i];
}
