// `rollovernow`: rolls a log file over now: the current file becomes mail_logs.1 (the older ones
// move up, the oldest past the number kept goes) and a new one starts.
import { CommandError, type Command } from '../../kit/command.js';
import { askNumbered } from '../../kit/dialog.js';
import { LOGS, logListItems } from './log-choice.js';

const ALL = 'All Logs';

export const rollovernow: Command = {
  name: 'rollovernow',
  summary: 'Roll over a log file.',
  help: `rollovernow - Roll over a log file.

Asks which log ("All Logs" or one of the configured logs; here only mail_logs), then rolls
it over now: the current file is renamed mail_logs.1 (mail_logs.1 becomes mail_logs.2, ...;
the oldest past the number logconfig keeps is removed) and a new file starts. grep, tail
and findevent read the rolled-over files too.

Batch: rollovernow [mail_logs | all]      (default all)`,
  argWords: () => ['all', ...LOGS.map((l) => l.name)],
  async run(io, args) {
    if (args.length > 1) throw new CommandError(`Invalid arguments when processing: rollovernow ${args.join(' ')} (use: rollovernow [mail_logs | all])`);
    if (args.length === 1) {
      const word = args[0].toLowerCase();
      if (word !== 'all' && !LOGS.some((l) => l.name === word)) {
        throw new CommandError(`Unknown log "${args[0]}": use ${[...LOGS.map((l) => l.name), 'all'].join(' or ')}.`);
      }
    } else {
      const items = [ALL, ...logListItems()];
      await askNumbered(io, 'Currently configured logs:', items, { defaultIndex: 0 });
    }
    await io.engine.rolloverMailLog();
    io.blank();
    io.print('Rolled over: mail_logs (the previous file is mail_logs.1).');
  },
};
