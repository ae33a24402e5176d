// A status snapshot for the pure tests of `status`: taken at 14:00, up since 12:00, Online,
// every counter at the same values; the test gives the ids and gauges it looks at.
import type { StatusSnapshot } from '../../src/appliance/commands/monitoring/status-report.js';
import { COUNTER_NAMES } from '../../src/api/engine-api.js';

export function statusSnapshot(
  counter: StatusSnapshot['counters'][keyof StatusSnapshot['counters']],
  rest: Pick<StatusSnapshot, 'ids' | 'gauges'> & Partial<StatusSnapshot>,
): StatusSnapshot {
  return {
    now: Date.UTC(2026, 10, 28, 14, 0, 0),
    startedAt: Date.UTC(2026, 10, 28, 12, 0, 0),
    systemStatus: 'Online',
    counters: Object.fromEntries(COUNTER_NAMES.map((n) => [n, { ...counter }])) as StatusSnapshot['counters'],
    ...rest,
  };
}
