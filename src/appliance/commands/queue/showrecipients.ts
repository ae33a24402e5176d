// `showrecipients`: the queued recipients of a host, a sender or the whole queue, a table
// that stops after each screenful in the interactive shell and prints in full in batch.
import type { Command } from '../../kit/command.js';
import { askSelection, SELECTION_SYNTAX, selectionArgs } from './recipient-selection.js';
import { RECIPIENT_HEADER, recipientRow, recipientSummary } from './recipient-table.js';

/** Rows per screenful in the interactive shell. */
export const PAGE_ROWS = 20;

export const showrecipients: Command = {
  name: 'showrecipients',
  access: 'look',
  summary: 'Show messages from the queue by recipient host, Envelope From address, or all messages.',
  help: `showrecipients - Show messages from the queue by recipient host, Envelope From address, or all messages.

Asks how to choose them:
  1. By recipient host.           the recipients queued for one host (domain)
  2. By Envelope From address.    the recipients of the messages from one sender (<> = null
                                  sender); asks whether the match is case sensitive (default No)
  3. All.                         every queued recipient (the default)
and lists them in MID order: MID, message size, envelope sender, recipient, delivery
attempts so far, and when the next attempt is due with the last reply from the host.
The interactive shell stops at -Press Any Key For More- each screenful (q or Ctrl-C
ends the listing); batch and -c print the whole list.

Batch: showrecipients ${SELECTION_SYNTAX}   (sender matches ignore case)`,
  argWords: () => ['host', 'sender', 'all'],
  async run(io, args) {
    const selector = args.length > 0 ? selectionArgs('showrecipients', args) : await askSelection(io, { verb: 'show', defaultIndex: 2, askCase: true });
    const now = io.engine.now();
    // Batch prints everything in one go; a person gets a screenful at a time.
    const limit = io.interactive ? PAGE_ROWS : Infinity;
    let page = await io.engine.queuedRecipients(selector, { offset: 0, limit });
    io.blank();
    io.print(recipientSummary(selector, page.total), '', RECIPIENT_HEADER);
    let shown = 0;
    for (;;) {
      if (page.rows.length > 0) io.print(...page.rows.map((r) => recipientRow(r, now)));
      shown += page.rows.length;
      if (page.rows.length === 0 || shown >= page.total) return;
      if (!(await io.more())) return;
      page = await io.engine.queuedRecipients(selector, { offset: shown, limit });
    }
  },
};
