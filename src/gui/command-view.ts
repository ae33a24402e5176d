// Runs a read-only report function of the CLI (one that only prints: a scenario's status, the
// queue graph) for a page, and keeps what it printed. Not a session: nothing is changed, logged
// or asked; a refusal it throws becomes its one line.
import type { EngineApi } from '../api/engine-api.js';
import type { PendingChanges } from '../appliance/control/pending-changes.js';
import { DialogAborted, type CommandIO, type CommandRegistry } from '../appliance/kit/command.js';
import { Refusal } from '../model/change.js';
import type { SessionUser } from '../users/roles.js';

export interface Printed {
  lines: string[];
  /** The report's refusal (`No scenario is running...`). */
  refusal?: string;
}

export async function printedBy(
  who: { engine: EngineApi; pending: PendingChanges; commands: CommandRegistry; user: SessionUser; columns?: number },
  report: (io: CommandIO) => Promise<void> | void,
): Promise<Printed> {
  const lines: string[] = [];
  const io: CommandIO = {
    engine: who.engine,
    pending: who.pending,
    commands: who.commands,
    signal: new AbortController().signal,
    interactive: false,
    print: (...l: string[]) => lines.push(...l.flatMap((x) => x.split('\n'))),
    progress: () => undefined,
    columns: who.columns,
    blank: () => {
      if (lines.length > 0 && lines.at(-1) !== '') lines.push('');
    },
    ask: () => Promise.reject(new DialogAborted('eof')),
    endSession: () => undefined,
    more: async () => true,
    user: who.user,
    setPaging: () => undefined,
    interruptible: (run) => run(io.signal),
  };
  try {
    await report(io);
    return { lines };
  } catch (e) {
    if (e instanceof Refusal) return { lines, refusal: e.message };
    throw e;
  }
}
