// `tophosts`: the 20 recipient hosts with the most active recipients (or another column).
import type { Command } from './command.js';
import { CommandError } from './command.js';
import { askValid, matchNumbered, numberedLines, UNKNOWN_OPTION } from './dialog.js';
import { formatTopHosts, SORT_COLUMNS, topHosts, type HostRow, type SortColumn } from './tophosts-table.js';
import type { Engine } from '../engine.js';

const SORT_ITEMS = SORT_COLUMNS.map((c) => c.label);

/** A column by number (1-5), menu text or its word (`active`, `connections`, `delivered`, `hard`, `soft`). */
export function sortColumnArg(arg: string): SortColumn | undefined {
  const byWord = SORT_COLUMNS.find((c) => c.word === arg.toLowerCase());
  if (byWord) return byWord;
  const i = matchNumbered(arg, SORT_ITEMS);
  return i === undefined ? undefined : SORT_COLUMNS[i];
}

function hostRows(engine: Engine): HostRow[] {
  const rows: HostRow[] = [];
  for (const dest of engine.scheduler.destinations.values()) {
    const c = dest.counters;
    rows.push({
      domain: dest.domain,
      down: dest.down,
      activeRecipients: c.activeRecipients,
      connectionsOut: c.connectionsOut,
      deliveredRecipients: c.deliveredRecipients,
      softBouncedEvents: c.softBouncedEvents,
      hardBouncedRecipients: c.hardBouncedRecipients,
    });
  }
  return rows;
}

export const tophosts: Command = {
  name: 'tophosts',
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
        const c = sortColumnArg(a);
        return c ? { value: c } : { error: UNKNOWN_OPTION };
      });
    }
    io.blank();
    io.print(...formatTopHosts(io.engine.clock.now(), topHosts(hostRows(io.engine), column)));
  },
};
