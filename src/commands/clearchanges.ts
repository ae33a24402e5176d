// `clearchanges` (`clear`): discards this session's pending configuration changes.
import { formatApplianceDate } from '../log/format-date.js';
import type { Command } from './command.js';
import { askYesNo } from './dialog.js';

export const clearchanges: Command = {
  name: 'clearchanges',
  aliases: ['clear'],
  summary: 'Clear changes.',
  help: `clearchanges - Clear changes (alias: clear).

Discards every configuration change of this session that was not committed, after a
yes/no question.

Batch: clearchanges [yes]`,
  argWords: () => ['yes'],
  async run(io, args) {
    if (!io.pending.hasChanges) {
      io.print('No changes have been made.');
      return;
    }
    const sure = args[0]?.toLowerCase() === 'yes' || (await askYesNo(io, 'Are you sure you want to clear all changes since the last commit?', true));
    if (!sure) return;
    io.pending.clear();
    io.blank();
    io.print(`Changes cleared: ${formatApplianceDate(io.engine.clock.now())} UTC`);
  },
};
