// `tophosts`: the 20 recipient hosts with the most active recipients (or another column).
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { matchChoice, parseChoice } from '../../../model/answers.js';
import { askValid, numberedLines } from '../../kit/dialog.js';
import { formatTopHosts, SORT_COLUMNS, topHosts, type SortColumn } from './tophosts-table.js';

const SORT_ITEMS = SORT_COLUMNS.map((c) => c.label);
/** Each column is picked by its number, its menu text or its word. */
const SORT_CHOICES = SORT_COLUMNS.map((c) => [c.label, c.word]);

/** A column by number (1-5), menu text or its word (`active`, `connections`, `delivered`, `hard`, `soft`). */
export function sortColumnArg(arg: string): SortColumn | undefined {
  const i = matchChoice(arg, SORT_CHOICES);
  return i === undefined ? undefined : SORT_COLUMNS[i];
}

export const tophosts: Command = {
  name: 'tophosts',
  access: 'look',
  summary: 'Display the top hosts by queue size.',
  help: `tophosts - Display the top hosts by queue size.

Asks how to sort (default 1):
  1. Active Recipients        recipients queued for the host now
  2. Connections Out          open delivery connections now
  3. Delivered Recipients     since start or the last resetcounters
  4. Hard Bounced Recipients  since start or the last resetcounters
  5. Soft Bounced Events      since start or the last resetcounters
and shows the 20 recipient hosts (domains) first by that column. A "*" after the rank
marks a host that was down at its last delivery attempt.

Batch: tophosts <1-5 | active | connections | delivered | hard | soft>`,
  argWords: () => SORT_COLUMNS.map((c) => c.word),
  async run(io, args) {
    let column: SortColumn | undefined;
    if (args.length > 0) {
      column = sortColumnArg(args.join(' '));
      if (!column) throw new CommandError(`Unknown sort column "${args.join(' ')}": use 1-5 or ${SORT_COLUMNS.map((c) => c.word).join(', ')}.`);
    } else {
      const label = ['Sort results by:', ...numberedLines(SORT_ITEMS)].join('\n');
      column = await askValid<SortColumn>(io, { label, default: '1', choices: SORT_COLUMNS.map((c) => c.word) }, (a) => {
        const p = parseChoice(a, SORT_CHOICES);
        return 'error' in p ? p : { value: SORT_COLUMNS[p.value] };
      });
    }
    io.blank();
    io.print(...formatTopHosts(io.engine.now(), topHosts(io.engine.hostRows(), column)));
  },
};
