// `hoststatus <host>`: one recipient host's state (up/down, next retry), counters, gauges,
// SMTP route and last errors.
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { askText } from '../../kit/dialog.js';
import { formatHostStatus } from './hoststatus-report.js';

export const hoststatus: Command = {
  name: 'hoststatus',
  access: 'look',
  summary: 'Get the status of the given hostname.',
  help: `hoststatus - Get the status of the given hostname.

Asks for a recipient host (a domain the engine has queued mail for since start) and shows:
whether it is up, down (with the next retry time) or unknown (not tried yet); its counters
(soft bounces, completed, hard bounced by kind, delivered, deleted); its gauges (active,
unattempted and attempted recipients, outbound connections open and being opened, the
oldest queued message, the last activity); the SMTP route that applies to it; and the last
4XX and 5XX replies it gave. A host without any record: "No record of host: <host>".

Batch: hoststatus <host>`,
  argWords: (io) => io.engine.knownDomains(),
  async run(io, args) {
    if (args.length > 1) throw new CommandError(`Invalid arguments when processing: hoststatus ${args.join(' ')} (use: hoststatus <host>)`);
    const host = args.length === 1 ? args[0] : await askText(io, 'Recipient host:', { check: (t) => (t === '' ? 'You must enter a host name.' : undefined) });
    const view = io.engine.hostStatus(host.trim());
    if (!view) throw new CommandError(`No record of host: ${host.trim()}`);
    io.blank();
    io.print(...formatHostStatus(view));
  },
};
