// `hostrate <host> [seconds] [count]`: one recipient host's activity every N seconds, until
// Ctrl-C (or `count` rows; batch and -c print one row by default).
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { askText } from '../../kit/dialog.js';
import { hostRateRow, hostRateSample, HOSTRATE_TITLES, type HostRateSample } from './rate-table.js';
import { rowsOf, secondsOf, streamRows } from './rate.js';

export const hostrate: Command = {
  name: 'hostrate',
  access: 'look',
  summary: 'Monitor activity for a particular host.',
  help: `hostrate - Monitor activity for a particular host.

Asks for a recipient host and the number of seconds between displays (default 10), then
prints a row every that many seconds (wall clock) until Ctrl-C, which prints ^C and returns
to the prompt. A row: the time (HH:MM:SS, UTC, simulated clock), the host's status (up,
down, or unknown: never tried, or no record of it), its outbound connections and active
recipients now, and the change since the previous row (0 on the first row) of active,
delivered and hard bounced recipients and of soft bounce events. Plain digits.

Batch: hostrate <host> [seconds] [count]
  count rows, the first at once; without a count: until Ctrl-C in the interactive shell,
  one row in batch and -c (which cannot press Ctrl-C). Seconds default to 10.`,
  argWords: (io) => io.engine.knownDomains(),
  async run(io, args) {
    if (args.length > 3) throw new CommandError(`Invalid arguments when processing: hostrate ${args.join(' ')} (use: hostrate <host> [seconds] [count])`);
    const host = (args[0] ?? (await askText(io, 'Recipient host:', { check: (t) => (t === '' ? 'You must enter a host name.' : undefined) }))).trim();
    const seconds = args.length >= 2 ? await secondsOf(io, args[1]) : args.length === 1 ? 10 : await secondsOf(io, undefined);
    const rows = rowsOf(io, args[2]);
    await streamRows<HostRateSample>(io, seconds, rows, HOSTRATE_TITLES, () => hostRateSample(io.engine.now(), io.engine.hostStatus(host)), hostRateRow);
  },
};
