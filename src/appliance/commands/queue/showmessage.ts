// `showmessage`: one queued message by MID: its envelope, recipients and headers.
import type { Command } from '../../kit/command.js';
import { askText } from '../../kit/dialog.js';
import { formatMessage, midNotFound, parseMid } from './message-report.js';

export const showmessage: Command = {
  name: 'showmessage',
  access: 'look',
  summary: 'Show a message in the queue.',
  help: `showmessage - Show a message in the queue.

Asks for the MID (the id in "Message <MID> accepted" and in the mail log) and shows the
queued message: envelope sender, arrival, listener, bounce profile, each recipient's
state, attempts, next attempt and last reply, then the message's headers.
A MID that is not in the queue: "MID <n> not found."

Batch: showmessage <MID>`,
  async run(io, args) {
    const text = args.length > 0 ? args.join(' ') : await askText(io, 'Enter the MID to show.');
    io.blank();
    const mid = parseMid(text);
    const view = mid === undefined ? undefined : await io.engine.message(mid);
    if (!view) {
      io.print(midNotFound(text.trim()));
      return;
    }
    io.print(...formatMessage(view, io.engine.now()));
  },
};
