// `oldmessage`: the oldest message still in the queue, as showmessage prints it.
import type { Command } from '../../kit/command.js';
import { formatDuration } from '../monitoring/status-report.js';
import { formatMessage } from './message-report.js';

export const oldmessage: Command = {
  name: 'oldmessage',
  access: 'look',
  summary: 'Display the oldest message in the queue.',
  help: `oldmessage - Display the oldest message in the queue.

No questions: shows the oldest message that still has recipients to deliver (its age,
envelope, recipients and headers, as showmessage does).

Batch: oldmessage`,
  maxArgs: 0,
  async run(io) {
    io.blank();
    const oldest = io.engine.oldestMessage();
    const view = oldest && (await io.engine.message(oldest.mid));
    if (!oldest || !view) {
      io.print('There are no messages in the queue.');
      return;
    }
    io.print(`MID ${oldest.mid}: received ${formatDuration(io.engine.now() - oldest.arrival)} ago`, '', ...formatMessage(view, io.engine.now()));
  },
};
