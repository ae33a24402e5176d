// `removemessage`: removes one queued message by MID, after a confirmation, without a DSN
// (its recipients count as Deleted Recipients).
import type { Command } from '../../kit/command.js';
import { askText, askYesNo } from '../../kit/dialog.js';
import { midNotFound, parseMid } from './message-report.js';

export const removemessage: Command = {
  name: 'removemessage',
  summary: 'Remove a message from the queue.',
  help: `removemessage - Remove a message from the queue.

Asks for the MID, then for a confirmation (default No). The message's queued recipients
are removed without a delivery status notification to the sender and count as Deleted
Recipients. A MID that is not in the queue: "MID <n> not found." (no question).

Batch: removemessage <MID>
(the batch form asks no confirmation)`,
  async run(io, args) {
    const text = args.length > 0 ? args.join(' ') : await askText(io, 'Enter the MID to remove.');
    const mid = parseMid(text);
    const view = mid === undefined ? undefined : await io.engine.message(mid);
    const pending = view?.recipients.filter((r) => r.state === 'pending').length ?? 0;
    if (mid === undefined || !view || pending === 0) {
      io.blank();
      io.print(midNotFound(text.trim()));
      return;
    }
    if (args.length === 0) {
      const to = view.recipients.filter((r) => r.state === 'pending').map((r) => r.address);
      const sure = await askYesNo(
        io,
        `MID ${mid} from <${view.sender}> to ${to.slice(0, 3).join(', ')}${to.length > 3 ? ` and ${to.length - 3} more` : ''}.\nAre you sure you want to remove this message?`,
        false,
      );
      if (!sure) {
        io.blank();
        io.print(`MID ${mid} was not removed.`);
        return;
      }
    }
    const n = await io.engine.deleteRecipients({ kind: 'message', mid });
    io.blank();
    io.print(n > 0 ? `MID ${mid} removed (${n} recipients deleted).` : midNotFound(mid));
  },
};
