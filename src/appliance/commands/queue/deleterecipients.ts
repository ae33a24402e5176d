// `deleterecipients`: removes the queued recipients of a host, a sender or the whole queue,
// without any DSN (they count as Deleted Recipients).
import type { Command } from '../../kit/command.js';
import { runRecipientAction } from './recipient-action.js';
import { CONFIRMED_SELECTION_HELP, SELECTION_SYNTAX } from './recipient-selection.js';

export const deleterecipients: Command = {
  name: 'deleterecipients',
  summary: 'Delete messages in the queue.',
  help: `deleterecipients - Delete messages in the queue.

${CONFIRMED_SELECTION_HELP} The recipients
are removed at once, without a delivery status notification to the sender, and count as
Deleted Recipients in status. A message leaves the queue with its last recipient.

Batch: deleterecipients ${SELECTION_SYNTAX}
(the batch form asks no confirmation)`,
  argWords: () => ['host', 'sender', 'all'],
  run: (io, args) =>
    runRecipientAction(io, args, {
      command: 'deleterecipients',
      verb: 'delete',
      defaultIndex: 0,
      act: (io, selector) => io.engine.deleteRecipients(selector),
      done: (n) => `${n} recipients deleted.`,
      none: 'No recipients deleted.',
    }),
};
