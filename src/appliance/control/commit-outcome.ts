// What a shell says when it cannot know whether a commit took effect: the engine died, or its
// connection was lost, after the new configuration may have reached the disk and before the
// answer came. Never "nothing was changed": the outcome is unknown, and this says how to check.

/** How an operator finds out which configuration is in force. */
export const HOW_TO_CHECK =
  'Check what is in force once the engine answers again: "commitdetail" shows the last commit (its comment and changes), and the configuration commands (bounceconfig, smtproutes, listenerconfig, ...) show their tables.';

/** Commands whose running commits the configuration. */
const COMMITTING = new Set(['commit', 'rollbackconfig']);

/** The committing command a command line runs (`commit "x"`, `bounceconfig ...; commit`), or undefined. */
export function committingCommand(line: string): string | undefined {
  for (const piece of line.split(';')) {
    const word = /^\s*(\S+)/.exec(piece)?.[1]?.toLowerCase();
    if (word && COMMITTING.has(word)) return word;
  }
  return undefined;
}

/**
 * The line a shell prints when the connection to the engine ends while `line` runs: for a commit,
 * that its outcome is unknown and how to check; else undefined (the usual lost-connection line).
 */
export function lostDuringCommit(line: string, reason: string): string | undefined {
  const command = committingCommand(line);
  if (!command) return undefined;
  return `The connection to the engine was lost during "${command}" (${reason}): whether the new configuration is in force is unknown. ${HOW_TO_CHECK}`;
}

/** The engine's own answer when the configuration's save failed part-way (it may be on disk). */
export function commitOutcomeUnknown(what: 'Commit' | 'Rollback', why: string): string {
  return `${what} outcome unknown: saving the configuration failed (${why}); it may be in force after a restart. ${HOW_TO_CHECK}`;
}
