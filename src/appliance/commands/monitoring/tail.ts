// `tail [log] [lines]`: the last lines of the mail log, then (in the interactive shell) every
// new line as it is logged, until Ctrl-C.
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { lastLines } from '../../../platform/log-files.js';
import { printable } from '../../../model/printable.js';
import { endLive, numberArg, untilStopped } from '../../kit/live.js';
import { askLog, logNamed } from './log-choice.js';

const FAILURE = 'Unable to tail';
export const DEFAULT_TAIL_LINES = 20;

/** How many of `buffered` (logged while the files were read) are already at the end of `read`. */
function overlap(read: readonly string[], buffered: readonly string[]): number {
  for (let k = Math.min(read.length, buffered.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = read[read.length - k + i] === buffered[i];
    if (same) return k;
  }
  return 0;
}

export const tail: Command = {
  name: 'tail',
  access: 'look',
  summary: 'Continuously display the end of a log file.',
  help: `tail - Continuously display the end of a log file.

Asks which log (the numbered list of configured logs; here only mail_logs), shows its
last ${DEFAULT_TAIL_LINES} lines, then every new line as it is logged until Ctrl-C, which prints ^C
and returns to the prompt. The last lines come from the rotated files (mail_logs.1 ...)
too when the current file has fewer.

Batch: tail mail_logs [lines]
  In the interactive shell: the last lines (default ${DEFAULT_TAIL_LINES}), then live until Ctrl-C.
  In batch and -c (which cannot press Ctrl-C): the last lines only.`,
  argWords: () => ['mail_logs'],
  async run(io, args) {
    if (args.length > 2) throw new CommandError(`Invalid arguments when processing: tail ${args.join(' ')} (use: tail mail_logs [lines])`);
    if (args.length > 0) logNamed(args[0], FAILURE);
    else await askLog(io, 'Enter the number of the log you wish to tail.', FAILURE);
    const count = args[1] === undefined ? DEFAULT_TAIL_LINES : numberArg(args[1], 'number of lines', 1, 100_000);
    const live = io.interactive;
    // Lines logged while the files are read are held, then shown once.
    const held: string[] = [];
    let following = false;
    // Lines of one event-loop turn go out in one print (a busy engine logs thousands a second).
    let batch: string[] = [];
    let done = false;
    const flushBatch = () => {
      const lines = batch;
      batch = [];
      if (lines.length > 0 && !done) io.print(...lines.map(printable));
    };
    const stop = live
      ? io.engine.on('log', (line) => {
          if (!following) held.push(line);
          else if (batch.push(line) === 1) setImmediate(flushBatch);
        })
      : undefined;
    try {
      const read = await lastLines(await io.engine.mailLogFiles(), count);
      // Live, the last lines and what follows scroll by as `tail -f` does: no pager stop holds them.
      if (live) io.stream?.();
      io.blank();
      if (live) io.print('Press Ctrl-C to stop.');
      // Lines written before their fields were escaped are shown escaped too.
      if (read.length > 0) io.print(...read.map(printable));
      const fresh = held.slice(overlap(read, held));
      if (fresh.length > 0) io.print(...fresh.map(printable));
      following = true;
      if (!live) return;
      await untilStopped(io.signal);
      flushBatch();
      done = true;
      endLive(io);
    } finally {
      done = true;
      stop?.();
    }
  },
};
