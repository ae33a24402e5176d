// `quit` / `exit`: ends the session, after a warning when changes were not committed.
import type { Command } from '../../kit/command.js';
import { askYesNo } from '../../kit/dialog.js';

export const UNCOMMITTED_WARNING = 'Configuration changes entered but not committed. Exiting will lose changes.';
export const EXIT_QUESTION = 'Are you sure you wish to exit?';

export const quit: Command = {
  name: 'quit',
  access: 'look',
  aliases: ['exit'],
  summary: 'Leave the command line.',
  help: `quit - Leave the command line (alias: exit).

With uncommitted changes, warns and asks "Are you sure you wish to exit?" (default
no): leaving discards them.

Batch: quit`,
  maxArgs: 0,
  async run(io) {
    if (io.pending.hasChanges) {
      io.blank();
      io.print(UNCOMMITTED_WARNING);
      // No: back at the main prompt with the changes still pending.
      if (!(await askYesNo(io, EXIT_QUESTION, false))) return;
      io.pending.clear();
    }
    io.endSession();
  },
};
