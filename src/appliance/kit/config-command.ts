// The command kit: a configuration command (bounceconfig, destconfig, smtproutes, userconfig,
// listenerconfig) is declared once — its banner, its operations with their interactive and
// batch forms — and the kit derives the rest: the menu loop ("Choose the operation you want to
// perform:", the one place it is asked), the batch dispatch and its refusals, the usage lines,
// the help page's Batch section and the completion words.
import type { ConfigChange } from '../../model/change.js';
import type { ApplianceConfig } from '../../model/config.js';
import type { Access } from '../../users/roles.js';
import { CommandError, type Command, type CommandIO } from './command.js';
import { askMenu, type MenuOption, type Unmodelled } from './dialog.js';

export const CHOOSE_OPERATION = 'Choose the operation you want to perform:';

/** What a dialog may say it did: `listed` when its output already shows what the banner would. */
export type DialogResult = void | 'listed';

/** One operation of a menu (NEW, EDIT, ...), and its batch form. */
export interface Operation {
  /** The menu word, as typed and shown (`NEW`). */
  word: string;
  /** The menu line's text (`Create a new profile.`). */
  description: string;
  /** Offered in the menu only when this holds for the session's configuration (EDIT needs an entry), or for the engine's state (`io`). */
  offered?: (config: ApplianceConfig, io: CommandIO) => boolean;
  /** The interactive form; absent: the operation is batch only. */
  dialog?: (io: CommandIO) => Promise<DialogResult>;
  /** The batch form; absent: the operation is interactive only. */
  batch?: BatchForm;
}

export interface BatchForm {
  /** The word after the command (default: the menu word in lower case). */
  word?: string;
  /**
   * Usage lines after the command's name; text after two blanks is a remark, kept out of `Usage:`.
   * A line may go on after a newline: the help page indents the rest under the words after the name.
   */
  usage: readonly string[];
  /** A change: the kit prints the change it recorded, or `No changes.` when it recorded none. */
  changes?: boolean;
  /** Runs with the words after the operation word; throws UsageError for a wrong number of words. */
  run(io: CommandIO, args: string[]): Promise<void> | void;
  /** Completion of the words after the operation word (`bounceconfig edit <profile>`). */
  laterWords?: (io: Pick<CommandIO, 'engine' | 'pending'>, before: readonly string[]) => readonly string[];
}

/** The operation's words do not fit its usage: answered with `Usage: <command> <its usage>`. */
export class UsageError extends Error {}

/** A menu: what is shown above it each round, its operations, and the appliance's words it does not model. */
export interface Menu {
  /** Printed before each round's question (after a blank line); none when it returns nothing. */
  banner?: (io: CommandIO) => readonly string[] | undefined;
  operations: readonly Operation[];
  unmodelled?: Unmodelled;
  /** Asked while this holds (a sub-menu ends when the entry it edits is gone). */
  while?: () => boolean;
  /** Asked once: the chosen operation runs and the menu ends (a one-step choice such as userconfig's PASSPHRASE > ASSIGN). */
  once?: boolean;
}

/**
 * Asks the operation until an empty answer (or `while` fails), running each one's dialog. The
 * menu lists the operations with a dialog that are offered for the current configuration.
 */
export async function runMenu(io: CommandIO, menu: Menu): Promise<void> {
  let listed = false;
  while (menu.while?.() ?? true) {
    const banner = listed ? undefined : menu.banner?.(io);
    listed = false;
    if (banner) {
      io.blank();
      io.print(...banner);
    }
    const config = io.pending.config;
    const offered = menu.operations.filter((op) => op.dialog && (op.offered?.(config, io) ?? true));
    const options: MenuOption[] = offered.map(({ word, description }) => ({ word, description }));
    const word = await askMenu(io, CHOOSE_OPERATION, options, menu.unmodelled);
    if (word === undefined) return;
    const op = offered.find((o) => o.word === word)!;
    listed = (await op.dialog!(io)) === 'listed';
    if (menu.once) return;
  }
}

/** Records a change an operation built; none (undefined) when it changed nothing. */
export function recordIf(io: CommandIO, change: ConfigChange | undefined): void {
  if (change) io.pending.record(change);
}

export interface ConfigCommandSpec extends Menu {
  name: string;
  summary: string;
  /** The help page's title after `<name> - ` when it says more than the summary (default: the summary). */
  title?: string;
  access?: Access;
  /** The help page between its title line and the Batch section. */
  about: string;
  /** Lines after the usage lines in the help page's Batch section. */
  batchNotes?: readonly string[];
  /** The batch words in the order the help page lists their usage (default: the operations' order). */
  usageOrder?: readonly string[];
}

const batchWord = (op: Operation) => op.batch!.word ?? op.word.toLowerCase();
/** A usage line without its remark (`edit <name> key=value ...   (value Default: ...)`), on one line. */
const bareUsage = (usage: string) =>
  usage
    .split('\n')
    .map((line) => line.replace(/ {2,}.*$/, ''))
    .join(' ');

/** `a, b or c`: the appliance's way of listing the words that may be typed. */
export function wordList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Builds the command: the menu without arguments, the batch form with them. */
export function configCommand(spec: ConfigCommandSpec): Command {
  const batchOps = spec.operations.filter((op) => op.batch);
  const words = batchOps.map(batchWord);
  const order = spec.usageOrder ?? words;
  const usageOps = [...batchOps].sort((a, b) => order.indexOf(batchWord(a)) - order.indexOf(batchWord(b)));
  const indent = `\n  ${' '.repeat(spec.name.length + 1)}`;
  const usageLines = usageOps.flatMap((op) => op.batch!.usage.map((u) => `${spec.name} ${u.replaceAll('\n', indent)}`));
  return {
    name: spec.name,
    summary: spec.summary,
    ...(spec.access ? { access: spec.access } : {}),
    help: [`${spec.name} - ${spec.title ?? spec.summary}`, '', spec.about, '', 'Batch:', ...usageLines.map((u) => `  ${u}`), ...(spec.batchNotes ?? [])].join(
      '\n',
    ),
    argWords: () => words,
    laterWords: (io, before) => {
      const op = batchOps.find((o) => batchWord(o) === before[0]?.toLowerCase());
      return op?.batch!.laterWords?.(io, before.slice(1)) ?? [];
    },
    async run(io, args) {
      if (args.length === 0) {
        // In a cluster: which level the settings in force here come from.
        const origin = io.engine.cluster.originLine(spec.name);
        if (origin) {
          io.blank();
          io.print(origin);
        }
        return runMenu(io, spec);
      }
      const [typed, ...rest] = args;
      const op = batchOps.find((o) => batchWord(o) === typed.toLowerCase());
      if (!op) throw new CommandError(`Unknown operation "${typed}": use ${wordList(words)}.`);
      const form = op.batch!;
      const before = io.pending.descriptions.length;
      try {
        await form.run(io, rest);
      } catch (e) {
        if (e instanceof UsageError) throw new CommandError(`Usage: ${spec.name} ${bareUsage(form.usage[0])}`);
        throw e;
      }
      if (form.changes) io.print(io.pending.descriptions.length > before ? io.pending.lastChange! : 'No changes.');
    },
  };
}
