// `status` / `status detail`: system state, counters (Reset / Uptime / Lifetime) and gauges.
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { formatStatus } from './status-report.js';
import { clusterStatusLines } from '../config/cluster-report.js';

export const status: Command = {
  name: 'status',
  access: 'look',
  summary: 'System status.',
  help: `status - System status.

Shows the time, uptime, last counter reset, system status (Online, Receiving suspended,
Delivery suspended, Receiving and delivery suspended), the age of the oldest queued
message, the counters (Reset: since resetcounters; Uptime: since start; Lifetime: kept
across restarts), the current MID / ICID / DCID and the gauges: System (RAM: the engine's
resident memory against the machine's; CPU: the 1-minute load average per CPU; Disk I/O:
how busy the data dir's disk was since the last status; Resource Conservation: 0, or 1 /
2 / 3 when the queue's storage passes 80 % / 90 % / is full; Logging Disk Usage and
Available: the logs' file system), connections, active recipients, messages in the work
queue (received, being written to the spool), destinations, queue kilobytes used and free.
"status detail" adds the rates: events per hour over the last 1, 5 and 15 minutes.
In a cluster a last paragraph names the cluster, this machine and its group, and says
whether the cluster's store answers (unreachable: commits are refused, mail flows on the
last configuration) and which configuration revision is in force.

Batch: status [detail]`,
  argWords: () => ['detail'],
  async run(io, args) {
    const detail = args.length > 0 && args[0].toLowerCase() === 'detail';
    if (args.length > 1 || (args.length === 1 && !detail)) throw new CommandError(`Unknown option "${args.join(' ')}": use "status" or "status detail".`);
    const system = await io.engine.systemGauges();
    io.print(...formatStatus({ ...io.engine.statusSnapshot(detail), system }, detail));
    // In a cluster: the cluster, whether its store answers, the revision in force.
    const cluster = io.engine.cluster.view();
    if (cluster) io.print('', ...clusterStatusLines(cluster));
  },
};
