// `help` lists the commands; `help <command>` shows one command's page, batch syntax included.
// In the interactive shell the text is wrapped to the terminal's width (and pages when long).
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { wrapLines } from '../../kit/wrap-text.js';

/** Text fills the terminal but its last column (a full row makes some terminals wrap early). */
const textWidth = (columns: number | undefined) => (columns === undefined ? undefined : columns - 1);

export const help: Command = {
  name: 'help',
  access: 'look',
  aliases: ['?'],
  summary: 'Help on commands.',
  help: `help - Help on commands.

"help" lists every command with one line; "help <command>" explains it, including the
one-line batch form that runs it without questions (for scripts and esa shell -c).

Batch: help [command]`,
  argWords: (io) => io.commands.list.map((c) => c.name),
  async run(io, args) {
    if (args.length > 0) {
      const command = io.commands.find(args[0]);
      if (!command) throw new CommandError(`Unknown command: ${args[0]}`);
      io.print(...wrapLines(command.help.split('\n'), textWidth(io.columns)));
      return;
    }
    const width = Math.max(...io.commands.list.map((c) => c.name.length)) + 3;
    const line = (c: Command) => `${c.name.padEnd(width)}${c.summary}${c.aliases?.length ? ` (also: ${c.aliases.join(', ')})` : ''}`;
    const lines = [...io.commands.list].sort((a, b) => a.name.localeCompare(b.name)).map(line);
    io.print(...wrapLines([...lines, '', 'Type "help <command>" for more about a command.'], textWidth(io.columns)));
  },
};
