// `commit`: applies this session's pending configuration changes to the engine at once, and
// (unless declined) keeps the committed configuration for `rollbackconfig`.
import { ROLLBACK_KEPT } from '../../../model/rollback.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { rollbackEnabled } from '../../../model/tables/rollback-settings.js';
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { Refusal, SaveOutcomeUnknown } from '../../../model/change.js';
import { commitOutcomeUnknown } from '../../control/commit-outcome.js';
import { askText, askYesNo } from '../../kit/dialog.js';

export const ROLLBACK_QUESTION = 'Do you want to save the current configuration for rollback?';

export const commit: Command = {
  name: 'commit',
  summary: 'Commit changes.',
  help: `commit - Commit changes.

Configuration commands (bounceconfig, ...) change a copy that belongs to this session;
nothing takes effect until commit. Asks for a comment and whether to save the
configuration for rollback (default yes: the last ${ROLLBACK_KEPT} saved ones are kept, see
"rollbackconfig"; not asked while its SETUP has it disabled), then applies every pending change atomically to the running appliance
and saves it. "showchanges" lists what is pending, "clearchanges" discards it,
"commitdetail" shows the last commit.

Batch: commit "comment"      (saved for rollback)`,
  async run(io, args) {
    if (!io.pending.hasChanges) {
      io.print('There is no data to commit.');
      return;
    }
    const batch = args.length > 0;
    const comment = batch ? args.join(' ') : await askText(io, 'Please enter some comments describing your changes:');
    // Asked only while the Rollback Configuration is enabled (rollbackconfig SETUP).
    const enabled = rollbackEnabled(io.pending.config);
    const saveForRollback = enabled && (batch ? true : await askYesNo(io, ROLLBACK_QUESTION, true));
    let at: number;
    try {
      at = (await io.pending.commit(comment, { saveForRollback })).at;
    } catch (e) {
      // A refusal says it all in one line (in a cluster: the cluster is unreachable).
      if (e instanceof Refusal) throw e;
      // The save failed part-way: the new configuration may be on disk.
      if (e instanceof SaveOutcomeUnknown) throw new CommandError(commitOutcomeUnknown('Commit', e.message));
      throw new CommandError(`Commit failed, nothing was changed: ${(e as Error).message}`);
    }
    io.blank();
    // In a cluster: the configuration moved meanwhile and the changes were re-applied on top.
    if (io.pending.lastNotice) io.print(io.pending.lastNotice, '');
    io.print(`Changes committed: ${formatApplianceDate(at)} UTC`);
  },
};
