// `rollbackconfig`: the appliance's menu — ROLLBACK brings back one of the configurations saved
// by the last commits (committed at once after a yes, or left as this session's uncommitted
// changes after a no); SETUP turns the saving of configurations at commit on or off.
import { restoredConfig, ROLLBACK_KEPT, type RollbackPoint } from '../../../model/rollback.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { parseInteger } from '../../../model/answers.js';
import { rollbackEnabled, rollbackSetupQuestion, setRollbackEnabled } from '../../../model/tables/rollback-settings.js';
import { SaveOutcomeUnknown } from '../../../model/change.js';
import { printable } from '../../../model/printable.js';
import { commitOutcomeUnknown } from '../../control/commit-outcome.js';
import { CommandError, parsedArg, type Command, type CommandIO } from '../../kit/command.js';
import { recordIf, runMenu, type Menu } from '../../kit/config-command.js';
import { askNumbered, askYesNo, numberedLines } from '../../kit/dialog.js';

export const PENDING_REFUSAL = 'You have uncommitted changes: "commit" or "clearchanges" them before a rollback.';
export const NO_POINTS = 'There are no saved configurations to roll back to.';

const dateOf = (p: RollbackPoint) => `${formatApplianceDate(p.at)} UTC`;
// The comment as typed, its control characters escaped: a CR/LF in it cannot make a second entry.
const commentOf = (p: RollbackPoint) => printable(p.comment) || '(no comment)';

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
    if (e instanceof SaveOutcomeUnknown) throw new CommandError(commitOutcomeUnknown('Rollback', e.message));
    throw new CommandError(`Rollback failed, nothing was changed: ${(e as Error).message}`);
  }
  io.blank();
  io.print(`Changes committed: ${formatApplianceDate(at)} UTC`);
}

/** ROLLBACK: the saved configurations as a numbered list in the question, then the confirmations. */
async function rollbackDialog(io: CommandIO): Promise<void> {
  if (io.pending.hasChanges) throw new CommandError(PENDING_REFUSAL);
  const points = await io.engine.rollbackPoints();
  if (points.length === 0) {
    io.blank();
    io.print(NO_POINTS);
    return;
  }
  const label = [
    'Previous commits (newest first):',
    ...numberedLines(points.map((p) => `${dateOf(p)}  ${commentOf(p)}`)),
    'Enter the number of the configuration to roll back to.',
  ];
  const i = await askNumbered(io, label.join('\n'), points.map(dateOf), { showList: false });
  if (i === undefined) return;
  if (!(await askYesNo(io, 'Do you want to roll back the configuration?', false))) return;
  const now = await askYesNo(io, 'Do you want to commit this configuration now?', false);
  restore(io, points[i]);
  if (now) return commitRollback(io, points[i]);
  io.blank();
  io.print('The configuration is loaded as uncommitted changes: "commit" applies it, "clearchanges" discards it.');
}

async function setupDialog(io: CommandIO): Promise<void> {
  const enabled = rollbackEnabled(io.pending.config);
  if (await askYesNo(io, rollbackSetupQuestion(enabled), false)) recordIf(io, setRollbackEnabled(io.pending.config, !enabled));
}

const MENU: Menu = {
  banner: (io) => [`Rollback Configuration: ${rollbackEnabled(io.pending.config) ? 'enabled' : 'disabled'}`],
  operations: [
    { word: 'ROLLBACK', description: 'Roll back to one of the previously committed configurations.', dialog: rollbackDialog },
    { word: 'SETUP', description: 'Enable or disable the Rollback Configuration.', dialog: setupDialog },
  ],
};

export const rollbackconfig: Command = {
  name: 'rollbackconfig',
  summary: 'Roll back to one of the previously committed configurations.',
  help: `rollbackconfig - Roll back to one of the previously committed configurations.

Shows whether the Rollback Configuration is enabled, then the menu:

  ROLLBACK  Lists the configurations saved by the last ${ROLLBACK_KEPT} commits that answered yes to
            "save the current configuration for rollback" (newest first: number, date,
            comment), asks which one, "Do you want to roll back the configuration?", then
            "Do you want to commit this configuration now?": yes commits it at once; no leaves
            it as this session's uncommitted changes ("showchanges", "commit",
            "clearchanges"). Refused while this session has uncommitted changes.
  SETUP     "Do you want to disable the Rollback Configuration?" (or enable, when disabled):
            while disabled, commit neither asks nor saves (needs commit).

Listeners, routes, destinations, bounce profiles and limits come back; users and the commit
history stay as they are. Saved configurations survive restarts.

Batch:
  rollbackconfig <number>               restores and commits
  rollbackconfig setup enable|disable   (needs commit)`,
  argWords: () => ['setup'],
  laterWords: (_io, before) => (before[0]?.toLowerCase() === 'setup' ? ['enable', 'disable'] : []),
  async run(io, args) {
    if (args.length === 0) return runMenu(io, MENU);
    if (args[0].toLowerCase() === 'setup') {
      const word = args[1]?.toLowerCase();
      if (args.length !== 2 || (word !== 'enable' && word !== 'disable')) throw new CommandError('Usage: rollbackconfig setup enable|disable');
      const change = setRollbackEnabled(io.pending.config, word === 'enable');
      recordIf(io, change);
      io.print(change ? change.description : 'No changes.');
      return;
    }
    if (io.pending.hasChanges) throw new CommandError(PENDING_REFUSAL);
    const points = await io.engine.rollbackPoints();
    if (args.length > 1 || points.length === 0) throw new CommandError(points.length ? 'Usage: rollbackconfig <number>' : NO_POINTS);
    const point = points[parsedArg(parseInteger(args[0], 1, points.length)) - 1];
    restore(io, point);
    await commitRollback(io, point);
  },
};
