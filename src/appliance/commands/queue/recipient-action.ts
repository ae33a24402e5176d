// `deleterecipients` and `bouncerecipients`: the shared run of an action on the queued
// recipients of a host, a sender or the whole queue, after the appliance's confirmation
// (batch arguments skip it), with its result line.
import type { RecipientSelector } from '../../../api/engine-api.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { askYesNo } from '../../kit/dialog.js';
import { askSelection, describeSelection, selectionArgs } from './recipient-selection.js';

export interface RecipientAction {
  command: string;
  /** `delete`, `bounce`. */
  verb: string;
  /** Menu default (index). */
  defaultIndex: number;
  act(io: CommandIO, selector: RecipientSelector): Promise<number>;
  /** The result line for n > 0, and for nothing done. */
  done(n: number): string;
  none: string;
  /** Lines after a result with n > 0 (bouncerecipients' suspended-delivery note). */
  after?(io: CommandIO, n: number): string[];
}

export const NO_RECORD_OF_HOST = 'No record of that host.';

export async function runRecipientAction(io: CommandIO, args: string[], a: RecipientAction): Promise<void> {
  let selector: RecipientSelector;
  if (args.length > 0) {
    selector = selectionArgs(a.command, args);
  } else {
    selector = await askSelection(io, { verb: a.verb, defaultIndex: a.defaultIndex });
    const sure = await askYesNo(io, `Are you sure you want to ${a.verb} all messages ${describeSelection(selector)}?`, false);
    if (!sure) {
      io.blank();
      io.print(a.none);
      return;
    }
  }
  io.blank();
  // A failure, as hoststatus's `No record of host:` is (exit status 1 in batch and -c).
  if (selector.kind === 'host' && !io.engine.hostStatus(selector.host)) throw new CommandError(NO_RECORD_OF_HOST);
  const n = await a.act(io, selector);
  io.print(n > 0 ? a.done(n) : a.none);
  if (n > 0) for (const line of a.after?.(io, n) ?? []) io.print(line);
}
