// `resetqueue`: the last resort when a queue must go — every message in the work queue and the
// delivery queue is deleted, without a bounce to its sender, after the appliance's warning and
// one confirmation.
import { CommandError, type Command } from '../../kit/command.js';
import { askYesNo } from '../../kit/dialog.js';

export const RESET_QUESTION = 'Are you sure you want to continue?';

export const resetqueue: Command = {
  name: 'resetqueue',
  summary: 'Remove all messages from the queues.',
  help: `resetqueue - Remove all messages from the queues.

Says how many messages and recipients are queued and warns that every one of them (in the
work queue and the delivery queue) will be deleted without a bounce to its sender, then asks
"${RESET_QUESTION}" (default No). Yes: they are deleted (counted as Deleted Recipients,
logged as "deleted by resetqueue"). Listeners, configuration and counters stay as they are.

Batch: resetqueue confirm      (no question)`,
  argWords: () => ['confirm'],
  async run(io, args) {
    if (args.length > 1 || (args.length === 1 && args[0].toLowerCase() !== 'confirm')) {
      throw new CommandError(`Invalid arguments when processing: resetqueue ${args.join(' ')} (use: resetqueue confirm)`);
    }
    if (args.length === 0) {
      const g = io.engine.gauges();
      const held = io.engine.workQueue().messages;
      io.print(
        'WARNING: this deletes every message in the queues, without a bounce to its sender:',
        `${g.queuedMessages} message(s) queued (${g.activeRecipients} recipient(s) waiting for delivery, ${held} message(s) in the work queue).`,
        'The messages are lost: they cannot be brought back.',
      );
      if (!(await askYesNo(io, RESET_QUESTION, false))) {
        io.blank();
        io.print('The queues were not reset.');
        return;
      }
    }
    const { messages, recipients } = await io.engine.resetQueue();
    io.blank();
    io.print(`The queues were reset: ${messages} message(s) deleted (${recipients} recipient(s)).`);
  },
};
