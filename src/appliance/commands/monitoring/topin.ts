// `topin`: the remote hosts with the most inbound connections open now, per listener — who is
// sending to the appliance (a flood, a stuck client) while the backend is down and mail piles up.
import type { InboundHostRow } from '../../../api/engine-api.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { CommandError, type Command } from '../../kit/command.js';
import { field } from '../../kit/report-field.js';

/** At most this many rows (the appliance shows the top 20). */
export const TOPIN_ROWS = 20;

/**
 * The report: the time, a blank line, two title lines, then one row per host — rank, remote
 * hostname, remote IP, listener, connections in — that scripts read from the sixth line after the command on.
 */
export function topinLines(rows: readonly InboundHostRow[], now: number): string[] {
  const row = (rank: string, host: string, ip: string, listener: string, n: string) =>
    `${rank.padEnd(3)} ${host.padEnd(30)} ${ip.padEnd(16)} ${listener.padEnd(19)} ${n.padStart(5)}`.trimEnd();
  return [
    `${field('Status as of:')}${formatApplianceDate(now)} UTC`,
    '',
    row('', '', '', '', 'Conn.'),
    row('#', 'Remote hostname', 'Remote IP', 'Listener', 'In'),
    ...rows.slice(0, TOPIN_ROWS).map((r, i) => row(String(i + 1), r.remoteHost, r.remoteIp, r.listener, String(r.connections))),
  ];
}

export const topin: Command = {
  name: 'topin',
  access: 'look',
  summary: 'Display the top hosts by number of incoming connections.',
  help: `topin - Display the top hosts by number of incoming connections.

The remote hosts with the most inbound SMTP connections open now (at most ${TOPIN_ROWS}), one row
per host and listener: rank, remote hostname (its reverse DNS name, or unknown), remote IP,
listener, connections in. No rows when nothing is connected.

Batch: topin`,
  async run(io, args) {
    if (args.length > 0) throw new CommandError(`Invalid arguments when processing: topin ${args.join(' ')} (use: topin)`);
    io.print(...topinLines(await io.engine.topInbound(), io.engine.now()));
  },
};
