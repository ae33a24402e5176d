// The real delivery scheduler and queue records with nothing behind them (no network, disk or
// log): for unit tests of the schedule and for the queue measuring scripts (scripts/queue-*.ts).
// What the scheduler never reaches in those uses is an empty stand-in; pass the parts a test
// needs (a queue whose `finish` forgets the message, bounces that record DSNs).
import type { SimClock } from '../../src/engine/clock.js';
import { defaultConfig, defaultOperationalState, type ApplianceConfig, type OperationalState } from '../../src/model/config.js';
import { Counters } from '../../src/engine/counters.js';
import { DeliveryScheduler, type DeliveryContext } from '../../src/engine/delivery/scheduler.js';
import { QueueRecords } from '../../src/engine/queue/records.js';

export interface OfflineScheduler {
  scheduler: DeliveryScheduler;
  records: QueueRecords;
  counters: Counters;
  config: ApplianceConfig;
  operational: OperationalState;
}

export function offlineScheduler(
  clock: SimClock,
  parts: { config?: ApplianceConfig; operational?: OperationalState; queue?: unknown; bounces?: unknown } = {},
): OfflineScheduler {
  const config = parts.config ?? defaultConfig();
  const operational = parts.operational ?? defaultOperationalState();
  const counters = new Counters(() => clock.now(), clock.now());
  const records = new QueueRecords({ counters, now: () => clock.now(), changed: () => undefined });
  const none = () => undefined;
  const unused = new Proxy({}, { get: () => none });
  const scheduler = new DeliveryScheduler({
    clock,
    counters,
    records,
    config: () => config,
    operational: () => operational,
    redirect: none,
    events: { connections: none, queue: none, delivery: none },
    log: unused,
    queue: parts.queue ?? unused,
    ids: unused,
    diagnostics: unused,
    bounces: parts.bounces ?? unused,
  } as unknown as DeliveryContext);
  return { scheduler, records, counters, config, operational };
}
