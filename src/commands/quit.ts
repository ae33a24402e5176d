// `quit` / `exit`: ends the session, after a warning when changes were not committed.
import type { Command } from './command.js';
import { askYesNo } from './dialog.js';

export const quit: Command = {
  name: 'quit',
  aliases: ['exit'],
  summary: 'Leave the command line.',
  help: `quit - Leave the command line (alias: exit).

With uncommitted changes, asks first: leaving discards them.

Batch: quit`,
  async run(io) {
    if (io.pending.hasChanges) {
      const leave = await askYesNo(io, 'You have uncommitted changes. Are you sure you want to exit and discard them?', false);
      if (!leave) {
        io.blank();
        io.print('Use "commit" to apply the changes or "clearchanges" to discard them.');
        return;
      }
      io.pending.clear();
    }
    io.endSession();
  },
};
