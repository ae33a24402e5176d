// `status` / `status detail`: system state, counters (Reset / Uptime / Lifetime) and gauges.
import { COUNTER_NAMES, type CounterColumns, type CounterName } from '../counters.js';
import type { Engine } from '../engine.js';
import type { Command } from './command.js';
import { CommandError } from './command.js';
import { formatStatus, type StatusSnapshot } from './status-report.js';
import { systemStatus } from './system-status.js';

export function statusSnapshot(engine: Engine, detail: boolean): StatusSnapshot {
  const { counters, scheduler, queue, ids, config } = engine;
  const values = {} as Record<CounterName, CounterColumns>;
  for (const name of COUNTER_NAMES) values[name] = { ...counters.get(name) };
  const g = scheduler.gauges();
  const kilobytesUsed = Math.ceil(queue.bytes / 1024);
  let rates: StatusSnapshot['rates'];
  if (detail) {
    rates = {};
    for (const name of COUNTER_NAMES) rates[name] = [counters.ratePerHour(name, 1), counters.ratePerHour(name, 5), counters.ratePerHour(name, 15)];
  }
  return {
    now: engine.clock.now(),
    startedAt: engine.startedAt,
    lastReset: counters.lastReset,
    systemStatus: systemStatus(engine.operational),
    oldestArrival: engine.oldestQueuedArrival(),
    counters: values,
    rates,
    ids: { mid: ids.peek('mid'), icid: ids.peek('icid'), dcid: ids.peek('dcid') },
    gauges: {
      connectionsIn: engine.inboundConnections(),
      connectionsOut: scheduler.connectionsOut,
      activeRecipients: g.activeRecipients,
      unattempted: g.unattempted,
      attempted: g.attempted,
      destinations: g.destinations,
      kilobytesUsed,
      kilobytesFree: Math.max(0, config.queueMaxMb * 1024 - kilobytesUsed),
    },
  };
}

export const status: Command = {
  name: 'status',
  summary: 'System status.',
  help: `status - System status.

Shows the time, uptime, last counter reset, system status (Online, Receiving suspended,
Delivery suspended, Receiving and delivery suspended), the age of the oldest queued
message, the counters (Reset: since resetcounters; Uptime: since start; Lifetime: kept
across restarts), the current MID / ICID / DCID and the gauges (connections, active
recipients, destinations, queue kilobytes used and free).
"status detail" adds the rates: events per hour over the last 1, 5 and 15 minutes.

Batch: status [detail]`,
  argWords: () => ['detail'],
  async run(io, args) {
    const detail = args.length > 0 && args[0].toLowerCase() === 'detail';
    if (args.length > 1 || (args.length === 1 && !detail)) throw new CommandError(`Unknown option "${args.join(' ')}": use "status" or "status detail".`);
    io.print(...formatStatus(statusSnapshot(io.engine, detail), detail));
  },
};
