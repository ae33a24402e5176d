// `rate [seconds] [count]`: a row of system activity every N seconds, until Ctrl-C (or
// `count` rows; batch and -c, which cannot press Ctrl-C, print one row by default).
import type { Command, CommandIO } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { askInteger } from '../../kit/dialog.js';
import { endLive, everySeconds, numberArg } from '../../kit/live.js';
import { rateRow, rateSample, RATE_TITLES, type RateSample } from './rate-table.js';

export const SECONDS_QUESTION = 'Enter the number of seconds between displays.';
export const MAX_SECONDS = 3_600;
export const MAX_ROWS = 100_000;

/** The seconds between rows: the argument, else asked (default 10). */
export async function secondsOf(io: CommandIO, arg: string | undefined): Promise<number> {
  if (arg !== undefined) return numberArg(arg, 'number of seconds', 1, MAX_SECONDS);
  return askInteger(io, SECONDS_QUESTION, { min: 1, max: MAX_SECONDS, default: 10 });
}

/** How many rows: the argument; else until Ctrl-C where a person can press it, else one. */
export function rowsOf(io: CommandIO, arg: string | undefined): number | undefined {
  if (arg !== undefined) return numberArg(arg, 'count', 1, MAX_ROWS);
  return io.interactive ? undefined : 1;
}

/** The stream after the dialog: titles, rows, `^C`. */
export async function streamRows<S>(
  io: CommandIO,
  seconds: number,
  rows: number | undefined,
  titles: readonly string[],
  sample: () => S,
  row: (cur: S, prev: S | undefined) => string,
): Promise<void> {
  io.blank();
  if (io.interactive) io.print('Type Ctrl-C to return to the main prompt.', '');
  io.print(...titles);
  let prev: S | undefined;
  await everySeconds(io, seconds, rows, () => {
    const cur = sample();
    io.print(row(cur, prev));
    prev = cur;
  });
  endLive(io);
}

export const rate: Command = {
  name: 'rate',
  access: 'look',
  summary: 'Monitor message throughput.',
  help: `rate - Monitor message throughput.

Asks for the number of seconds between displays (default 10), then prints a row every that
many seconds (wall clock) until Ctrl-C, which prints ^C and returns to the prompt. A row:
the time (HH:MM:SS, UTC, simulated clock), inbound and outbound connections open now,
recipients received and completed (since resetcounters) with their change since the
previous row (0 on the first row), and the queue's kilobytes used. Numbers are plain digits.

Batch: rate <seconds> [count]
  count rows, the first at once; without a count: until Ctrl-C in the interactive shell,
  one row in batch and -c (which cannot press Ctrl-C).`,
  async run(io, args) {
    if (args.length > 2) throw new CommandError(`Invalid arguments when processing: rate ${args.join(' ')} (use: rate [seconds] [count])`);
    const seconds = await secondsOf(io, args[0]);
    const rows = rowsOf(io, args[1]);
    await streamRows<RateSample>(io, seconds, rows, RATE_TITLES, () => rateSample(io.engine.statusSnapshot(false)), rateRow);
  },
};
