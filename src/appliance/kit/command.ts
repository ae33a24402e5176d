// What a CLI command is (one module each, listed in registry.ts) and the `io` it runs with:
// output, questions answered by the terminal, the engine, and the session's pending changes.
import type { ApplianceConfig, CommitRecord } from '../../model/config.js';
import type { ClusterLevel } from '../../model/cluster.js';
import type { Parsed } from '../../model/answers.js';
import { Refusal, type ConfigChange } from '../../model/change.js';
import type { EngineApi } from '../../api/engine-api.js';
import type { Access, SessionUser } from '../../users/roles.js';

/** A question as a command asks it; the dialog helpers in dialog.ts build these. */
export interface Question {
  label: string;
  /** Shown as `[default]> ` and taken for an empty answer. */
  default?: string;
  /** Words accepted here, offered to completion. */
  choices?: string[];
  /** 1 the first time, 2+ after a rejected answer. */
  attempt?: number;
  /** A passphrase: typed blind (not echoed), and kept out of transcripts and history. */
  secret?: boolean;
  /**
   * The prompt line instead of `[default]> `: a question typed right after its own text, as the
   * appliance asks for the actor's passphrase (`Enter your Passphrase to make changes: `). An
   * empty prompt (and label) reads a line of a conversation (telnet): no blank lines around it.
   */
  prompt?: string;
  /** Takes the question back from the terminal when this aborts (nothing typed is lost); ask rejects with DialogAborted('withdrawn'). */
  withdrawOn?: AbortSignal;
}

/** The session's uncommitted configuration (see control/pending-changes.ts). */
export interface PendingConfig {
  /** What this session sees: its pending copy, or the running configuration when nothing is pending. */
  readonly config: ApplianceConfig;
  readonly descriptions: readonly string[];
  /** What the change recorded last did (batch commands print it as their answer). */
  readonly lastChange: string | undefined;
  readonly hasChanges: boolean;
  /**
   * Records one change: `apply` is run on the pending copy now and again at commit time if
   * another session committed meanwhile. It may throw a CommandError when it no longer fits.
   */
  edit(description: string, apply: (config: ApplianceConfig) => void): void;
  /** Records a change of the model's tables (src/model/tables/): the same operations every front end uses. */
  record(change: ConfigChange): void;
  clear(): void;
  /**
   * Applies every pending change to the engine atomically and records the commit; with
   * `saveForRollback` the configuration is also kept for `rollbackconfig`.
   */
  commit(comment: string, options?: { saveForRollback?: boolean }): Promise<CommitRecord>;
  /** What the pending copy was taken from (the running configuration, or in a cluster the level's). */
  readonly base: ApplianceConfig;
  /** In a cluster: the level this session edits (clustermode); undefined when the machine stands alone. */
  readonly mode: ClusterLevel | undefined;
  /** clustermode: the level the next changes are made at; refused while changes are pending. */
  setMode(level: ClusterLevel): void;
  /** After a commit: what it said besides its date (in a cluster, that the configuration moved and the changes were re-applied). */
  readonly lastNotice: string | undefined;
}

export interface CommandIO {
  readonly engine: EngineApi;
  readonly pending: PendingConfig;
  readonly commands: CommandRegistry;
  /** Aborted by Ctrl-C (and when the session ends): long waits should stop on it. */
  readonly signal: AbortSignal;
  /** A person at a terminal who can press Ctrl-C (false for batch and -c: live streams must end by themselves). */
  readonly interactive: boolean;
  /** Prints lines (each gets a newline). */
  print(...lines: string[]): void;
  /**
   * A live line redrawn in place in the interactive shell (a progress bar, a countdown); the
   * next print replaces it. Batch and -c show nothing of it: print the final state.
   */
  progress(line: string): void;
  /** The terminal's width when the interactive shell told it (long text is wrapped to it); undefined elsewhere. */
  readonly columns?: number;
  /** Ensures one blank line before what follows (idempotent), the appliance's paragraph style. */
  blank(): void;
  /** Asks the terminal; resolves with the raw answer. Throws DialogAborted on Ctrl-C or end of input. */
  ask(question: Question): Promise<string>;
  /** Ends the session after this command (`quit`). */
  endSession(): void;
  /**
   * The pager stop `-Press Any Key For More-` of long listings: true to go on, false when the
   * reader stopped (`q`, Ctrl-C). Not interactive (batch, -c): true at once, nothing shown.
   */
  more(): Promise<boolean>;
  /** Who runs the command (its role was checked against the command's `access` before it ran). */
  readonly user: SessionUser;
  /** `setttymode`: turns the pager stops of long listings off (false) or back on. */
  setPaging(on: boolean): void;
  /**
   * What the command prints from here on is a live stream (`tail` going live): shown as it
   * comes, never held at `-Press Any Key For More-`, until the command ends. Absent where
   * nothing pages (the web GUI).
   */
  stream?(): void;
  /**
   * Runs a live stream that Ctrl-C ends without ending the command (workqueue RATE returns to its
   * menu): `run` gets the signal Ctrl-C aborts (the session closing aborts it too).
   */
  interruptible<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface Command {
  name: string;
  aliases?: readonly string[];
  /** One line for `help`. */
  summary: string;
  /** `help <command>`: what it does, its dialog and its batch syntax. */
  help: string;
  /** Words that may follow the command (completion of the second word). */
  argWords?: (io: Pick<CommandIO, 'engine' | 'pending' | 'commands'>) => readonly string[];
  /** Words that may follow the second and later words (`bounceconfig edit <profile>`); `before` = the words after the name. */
  laterWords?: (io: Pick<CommandIO, 'engine' | 'pending' | 'commands'>, before: readonly string[]) => readonly string[];
  /** What the user's role must allow (src/users/roles.ts): `look`, `act` or `users`; absent means `act`. */
  access?: Access;
  /** The most words the command takes after its name; more are refused before it runs (absent: the command checks its own). */
  maxArgs?: number;
  run(io: CommandIO, args: string[]): Promise<void>;
}

export interface CommandRegistry {
  readonly list: readonly Command[];
  find(name: string): Command | undefined;
}

/** A failure the user caused or can fix: printed as one line, the command counts as failed. */
export class CommandError extends Refusal {}

/** The refusal of words a command does not take (`version <anything>`): one short line, the words not repeated. */
export function extraArgsRefusal(command: Pick<Command, 'name' | 'maxArgs'>, given: number): string | undefined {
  const max = command.maxArgs;
  if (max === undefined || given <= max) return undefined;
  const takes = max === 0 ? 'takes no arguments' : `takes at most ${max} argument${max === 1 ? '' : 's'}`;
  return `Invalid arguments when processing: ${command.name}: it ${takes} (${given} given).`;
}

/** A parsed batch argument's value; its refusal ends the command as one line (`<prefix>: <why>` with a prefix). */
export function parsedArg<T>(p: Parsed<T>, prefix?: string): T {
  if ('error' in p) throw new CommandError(prefix ? `${prefix}: ${p.error}` : p.error);
  return p.value;
}

/** A dialog ended by Ctrl-C or end of input: nothing of it is applied. */
export class DialogAborted extends Error {
  constructor(readonly why: 'interrupt' | 'eof' | 'closed' | 'withdrawn') {
    super(why === 'eof' ? 'end of input' : why === 'interrupt' ? 'interrupted' : 'session closed');
  }
}

export function commandRegistry(list: readonly Command[]): CommandRegistry {
  const byName = new Map<string, Command>();
  for (const c of list) {
    for (const name of [c.name, ...(c.aliases ?? [])]) {
      if (byName.has(name)) throw new Error(`two commands are named ${name}`);
      byName.set(name, c);
    }
  }
  return { list, find: (name) => byName.get(name.toLowerCase()) };
}
