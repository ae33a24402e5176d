// `clearchanges` (`clear`): discards this session's pending configuration changes.
import { formatApplianceDate } from '../../../model/format-date.js';
import { parseYesNo } from '../../../model/answers.js';
import { parsedArg, type Command } from '../../kit/command.js';
import { askYesNo } from '../../kit/dialog.js';

export const clearchanges: Command = {
  name: 'clearchanges',
  aliases: ['clear'],
  summary: 'Clear changes.',
  help: `clearchanges - Clear changes (alias: clear).

Discards every configuration change of this session that was not committed, after a
yes/no question whose default is No: Enter alone keeps the changes.

Batch: clearchanges [yes | no]`,
  argWords: () => ['yes'],
  async run(io, args) {
    if (!io.pending.hasChanges) {
      io.print('No changes have been made.');
      return;
    }
    const sure = args.length > 0 ? yesNoArg(args[0]) : await askYesNo(io, 'Are you sure you want to clear all changes since the last commit?', false);
    if (!sure) return;
    io.pending.clear();
    io.blank();
    io.print(`Changes cleared: ${formatApplianceDate(io.engine.now())} UTC`);
  },
};

/** The batch form's answer, in the grammar of the question it replaces. */
function yesNoArg(arg: string): boolean {
  return parsedArg(parseYesNo(arg));
}
