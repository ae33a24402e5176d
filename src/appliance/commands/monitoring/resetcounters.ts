// `resetcounters`: zeroes the Reset column of status and the tophosts counters.
import { formatApplianceDate } from '../../../model/format-date.js';
import type { Command } from '../../kit/command.js';

export const resetcounters: Command = {
  name: 'resetcounters',
  summary: 'Reset the counters.',
  help: `resetcounters - Reset the counters.

Zeroes the Reset column of "status" and the per-host counters of "tophosts" (delivered,
soft and hard bounced). Uptime and Lifetime counters and the gauges are kept.

Batch: resetcounters`,
  maxArgs: 0,
  async run(io) {
    io.engine.resetCounters();
    io.print(`Counters reset: ${formatApplianceDate(io.engine.now())} UTC`);
  },
};
