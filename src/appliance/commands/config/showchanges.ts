// `showchanges`: lists this session's pending (uncommitted) configuration changes.
import type { Command } from '../../kit/command.js';

export const showchanges: Command = {
  name: 'showchanges',
  access: 'look',
  summary: 'Show changes that have not been committed.',
  help: `showchanges - Show changes that have not been committed.

Lists, in order, the configuration changes this session made since its last commit.

Batch: showchanges`,
  async run(io) {
    if (!io.pending.hasChanges) {
      io.print('No changes have been made.');
      return;
    }
    io.print('Uncommitted changes:', ...io.pending.descriptions.map((d, i) => `${i + 1}. ${d}`));
  },
};
