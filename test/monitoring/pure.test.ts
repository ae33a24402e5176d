// The pure parts of the monitoring commands: status's new gauges, hoststatus's up/down
// word, grep's batch syntax.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGrepArgs, compileRegexp } from '../../src/appliance/commands/monitoring/grep.js';
import { hostUpDown } from '../../src/appliance/commands/monitoring/hoststatus-report.js';
import { formatBytesShort, formatStatus, resourceConservation } from '../../src/appliance/commands/monitoring/status-report.js';
import { statusSnapshot } from '../helpers/status-snapshot.js';

test('status: System gauges, Resource Conservation levels, Messages In Work Queue, no ">"', () => {
  assert.deepEqual([0, 79, 80, 89, 90, 99, 100].map(resourceConservation), [0, 0, 1, 1, 2, 2, 3]);
  assert.equal(formatBytesShort(79 * 1024 ** 3 + 5), '79G');
  assert.equal(formatBytesShort(9.56 * 1024 ** 3), '9.5G');
  assert.equal(formatBytesShort(512), '512B');
  const snap = statusSnapshot(
    { reset: 0, uptime: 0, lifetime: 0 },
    {
      ids: { mid: 1, icid: 1, dcid: 1 },
      gauges: {
        connectionsIn: 0,
        connectionsOut: 0,
        activeRecipients: 0,
        unattempted: 0,
        attempted: 0,
        destinations: 0,
        kilobytesUsed: 0,
        kilobytesFree: 0,
        hostsDown: 0,
        queuedMessages: 0,
        messagesInWorkQueue: 7,
        storageUsedPercent: 85,
      },
      system: { ramPercent: 14, cpuPercent: 3, diskIoPercent: 0, loggingDiskPercent: 4, loggingDiskAvailable: 171 * 1024 ** 3 },
    },
  );
  for (const detail of [false, true]) {
    const lines = formatStatus(snap, detail);
    assert.ok(!lines.join('\n').includes('>'));
    const gauges = lines.slice(lines.indexOf('Gauges:                               Current'));
    assert.deepEqual(gauges.slice(1, 8), [
      '  System',
      '    RAM Utilization                       14%',
      '    Overall CPU load average               3%',
      '    Disk I/O Utilization                   0%',
      '    Resource Conservation                   1',
      '    Logging Disk Usage                     4%',
      '    Logging Disk Available               171G',
    ]);
    assert.ok(gauges.includes('    Messages In Work Queue                  7'));
  }
  // The drivers' lead/min spacing: at least 4 spaces after "Messages In Work Queue", 5 after "Resource Conservation".
  assert.match(formatStatus(snap, false).join('\n'), /Messages In Work Queue {4,}7/);
});

test('hoststatus: up, down or unknown', () => {
  assert.equal(hostUpDown(undefined), 'unknown');
  assert.equal(hostUpDown({ down: false, lastActivity: undefined }), 'unknown');
  assert.equal(hostUpDown({ down: false, lastActivity: 1 }), 'up');
  assert.equal(hostUpDown({ down: true, lastActivity: 1 }), 'down');
});

test('grep: batch syntax, options anywhere, one-line errors', () => {
  assert.deepEqual(parseGrepArgs(['-e', 'MID 1\\b', '-i', '-c', 'mail_logs']), {
    regexp: 'MID 1\\b',
    ignoreCase: true,
    count: true,
    context: 0,
    files: '*',
    tail: false,
    log: 'mail_logs',
  });
  assert.deepEqual(parseGrepArgs(['-i', 'Start MID', 'mail_logs']), {
    regexp: 'Start MID',
    ignoreCase: true,
    count: false,
    context: 0,
    files: '*',
    tail: false,
    log: 'mail_logs',
  });
  assert.deepEqual(parseGrepArgs(['-C', '2', '-f', 'mail_logs.*', '-p', '-t', '-e', 'x', 'mail_logs']).context, 2);
  assert.throws(() => parseGrepArgs(['-v', 'x', 'mail_logs']), /^Error: Unknown option -v/);
  assert.throws(() => parseGrepArgs(['x']), /Invalid arguments when processing/);
  assert.throws(() => parseGrepArgs(['-e']), /-e needs a value/);
  assert.throws(
    () => compileRegexp('[', false),
    (e: Error) => e.message === 'Invalid regular expression: /[/: missing closing ]: [' && !e.message.includes('\n'),
  );
  assert.equal(compileRegexp('abc', true).test('ABC'), true);
});
