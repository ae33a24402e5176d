// `help` lists the commands; `help <command>` shows one command's page, batch syntax included.
import type { Command } from './command.js';
import { CommandError } from './command.js';

export const help: Command = {
  name: 'help',
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
      io.print(...command.help.split('\n'));
      return;
    }
    const width = Math.max(...io.commands.list.map((c) => c.name.length)) + 3;
    const line = (c: Command) => `${c.name.padEnd(width)}${c.summary}${c.aliases?.length ? ` (also: ${c.aliases.join(', ')})` : ''}`;
    io.print(...[...io.commands.list].sort((a, b) => a.name.localeCompare(b.name)).map(line), '', 'Type "help <command>" for more about a command.');
  },
};
