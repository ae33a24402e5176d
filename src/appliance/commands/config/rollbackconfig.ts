// `rollbackconfig`: lists the configurations saved by the last commits and brings one back,
// committed at once after a yes, or left as this session's uncommitted changes after a no.
import { restoredConfig, ROLLBACK_KEPT, type RollbackPoint } from '../../../model/rollback.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { parseInteger } from '../../../model/answers.js';
import { CommandError, parsedArg, type Command, type CommandIO } from '../../kit/command.js';
import { askNumbered, askYesNo, numberedLines } from '../../kit/dialog.js';

export const PENDING_REFUSAL = 'You have uncommitted changes: "commit" or "clearchanges" them before a rollback.';

const dateOf = (p: RollbackPoint) => `${formatApplianceDate(p.at)} UTC`;
const commentOf = (p: RollbackPoint) => p.comment || '(no comment)';

/** Records the rollback as one pending change: the whole saved configuration replaces the running one. */
function restore(io: CommandIO, point: RollbackPoint): void {
  io.pending.edit(`Rolled back to the configuration committed on ${dateOf(point)} ("${commentOf(point)}").`, (config) => {
    const next = restoredConfig(point.config, config);
    for (const key of Object.keys(config)) delete (config as unknown as Record<string, unknown>)[key];
    Object.assign(config, next);
  });
}

async function commitRollback(io: CommandIO, point: RollbackPoint): Promise<void> {
  let at: number;
  try {
    // The configuration is one of the saved ones already: it is not saved again.
    at = (await io.pending.commit(`Rollback to the configuration of ${dateOf(point)}: ${commentOf(point)}`)).at;
  } catch (e) {
    io.pending.clear();
    if (e instanceof CommandError) throw e;
    throw new CommandError(`Rollback failed, nothing was changed: ${(e as Error).message}`);
  }
  io.blank();
  io.print(`Changes committed: ${formatApplianceDate(at)} UTC`);
}

export const rollbackconfig: Command = {
  name: 'rollbackconfig',
  summary: 'Roll back to one of the previously committed configurations.',
  help: `rollbackconfig - Roll back to one of the previously committed configurations.

Lists the configurations saved by the last ${ROLLBACK_KEPT} commits that answered yes to
"save the current configuration for rollback" (newest first: number, date, comment),
asks which one, then "Do you want to commit this configuration now?": yes commits it at
once; no leaves it as this session's uncommitted changes ("showchanges", "commit",
"clearchanges"). Listeners, routes, destinations, bounce profiles and limits come back;
users and the commit history stay as they are. Refused while this session has
uncommitted changes. Saved configurations survive restarts.

Batch: rollbackconfig <number>      (restores and commits)`,
  async run(io, args) {
    if (io.pending.hasChanges) throw new CommandError(PENDING_REFUSAL);
    const points = await io.engine.rollbackPoints();
    if (args.length > 0) {
      if (args.length > 1 || points.length === 0)
        throw new CommandError(points.length ? 'Usage: rollbackconfig <number>' : 'There are no saved configurations to roll back to.');
      const point = points[parsedArg(parseInteger(args[0], 1, points.length)) - 1];
      restore(io, point);
      await commitRollback(io, point);
      return;
    }
    if (points.length === 0) {
      io.print('There are no saved configurations to roll back to.');
      return;
    }
    io.print('Previous commits (newest first):', ...numberedLines(points.map((p) => `${dateOf(p)}  ${commentOf(p)}`)));
    const i = await askNumbered(io, 'Enter the number of the configuration to roll back to.', points.map(dateOf), { showList: false });
    if (i === undefined) return;
    const now = await askYesNo(io, 'Do you want to commit this configuration now?', false);
    restore(io, points[i]);
    if (now) {
      await commitRollback(io, points[i]);
      return;
    }
    io.blank();
    io.print('The configuration is loaded as uncommitted changes: "commit" applies it, "clearchanges" discards it.');
  },
};
