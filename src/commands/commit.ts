// `commit`: applies this session's pending configuration changes to the engine at once.
import { formatApplianceDate } from '../log/format-date.js';
import type { Command } from './command.js';
import { CommandError } from './command.js';
import { askText } from './dialog.js';

export const commit: Command = {
  name: 'commit',
  summary: 'Commit changes.',
  help: `commit - Commit changes.

Configuration commands (bounceconfig, ...) change a copy that belongs to this session;
nothing takes effect until commit. Asks for a comment, then applies every pending change
atomically to the running appliance and saves it. "showchanges" lists what is pending,
"clearchanges" discards it, "commitdetail" shows the last commit.

Batch: commit "comment"`,
  async run(io, args) {
    if (!io.pending.hasChanges) {
      io.print('There is no data to commit.');
      return;
    }
    const comment = args.length > 0 ? args.join(' ') : await askText(io, 'Please enter some comments describing your changes:');
    let at: number;
    try {
      at = (await io.pending.commit(comment)).at;
    } catch (e) {
      if (e instanceof CommandError) throw e;
      throw new CommandError(`Commit failed, nothing was changed: ${(e as Error).message}`);
    }
    io.blank();
    io.print(`Changes committed: ${formatApplianceDate(at)} UTC`);
  },
};
