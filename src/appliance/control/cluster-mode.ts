// The cluster modes of a CLI session (clustermode): the prompt that names the level a session
// edits, and the commands bound to one mode — run in another, the dialog form offers to switch
// (the appliance's question), the batch form refuses with one line.
import { clusterPrompt, COMMAND_MODES } from '../../model/cluster.js';
import type { EngineApi } from '../../api/engine-api.js';
import { CommandError, type CommandIO, type PendingConfig } from '../kit/command.js';
import { askYesNo } from '../kit/dialog.js';

/** `(Cluster NAME)> ` and the like in a cluster; undefined when the machine stands alone. */
export function modePrompt(engine: EngineApi, pending: PendingConfig): string | undefined {
  const mode = pending.mode;
  const view = mode && engine.cluster.view();
  return view ? clusterPrompt(mode, view.name) : undefined;
}

/**
 * Before a command bound to one mode runs in another: asks to switch (dialog form) or refuses
 * (batch form). False when the operator declined: the command does not run.
 */
export async function enterCommandMode(io: CommandIO, command: string, batch: boolean): Promise<boolean> {
  const required = COMMAND_MODES[command];
  const mode = io.pending.mode;
  const view = io.engine.cluster.view();
  if (!required || !mode || !view || mode.kind === required) return true;
  if (batch) throw new CommandError(`This command is restricted to "${required}" mode: run "clustermode ${required}" first.`);
  if (!(await askYesNo(io, `This command is restricted to "${required}" mode.  Would you like to switch to "${required}" mode?`, true))) return false;
  io.pending.setMode(required === 'cluster' ? { kind: 'cluster' } : { kind: 'machine', name: view.machine });
  return true;
}
