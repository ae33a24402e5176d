// `bouncerecipients`: hard-bounces the queued recipients of a host, a sender or the whole
// queue now; each gets a DSN per its bounce profile (they count as Other Hard Bounces).
import type { Command } from '../../kit/command.js';
import { runRecipientAction } from './recipient-action.js';
import { CONFIRMED_SELECTION_HELP, SELECTION_SYNTAX } from './recipient-selection.js';
import { deliverySuspended } from '../suspension/suspension.js';

export const SUSPENDED_NOTE = 'Delivery is currently suspended: bounce messages to suspended domains wait until delivery is resumed.';

export const bouncerecipients: Command = {
  name: 'bouncerecipients',
  summary: 'Bounce messages from the queue.',
  help: `bouncerecipients - Bounce messages from the queue.

${CONFIRMED_SELECTION_HELP} The recipients
are hard-bounced at once: the sender gets a delivery status notification as the
listener's bounce profile says, and they count as Other Hard Bounces in status.

Batch: bouncerecipients ${SELECTION_SYNTAX}
(the batch form asks no confirmation)`,
  argWords: () => ['host', 'sender', 'all'],
  run: (io, args) =>
    runRecipientAction(io, args, {
      command: 'bouncerecipients',
      verb: 'bounce',
      defaultIndex: 0,
      act: (io, selector) => io.engine.bounceRecipients(selector),
      done: (n) => `${n} recipients bounced.`,
      none: 'No messages bounced.',
      after: (io) => (deliverySuspended(io) ? [SUSPENDED_NOTE] : []),
    }),
};
