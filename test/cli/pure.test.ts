// The pure parts of the CLI: answer parsing, command-line words, framing, the status report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAssignments, splitCommands, tokenize } from '../../src/appliance/kit/command-line.js';
import { matchChoice, parseCommaList, parseInteger, parseYesNo } from '../../src/model/answers.js';
import { formatDuration, formatStatus } from '../../src/appliance/commands/monitoring/status-report.js';
import { parseDomainList } from '../../src/appliance/commands/suspension/suspension.js';
import { systemStatus } from '../../src/model/system-status.js';
import { LineSplitter, LineTooLongError } from '../../src/appliance/control/ndjson.js';
import { statusSnapshot } from '../helpers/status-snapshot.js';

test('integers: range message with separators, thousands separators accepted', () => {
  assert.deepEqual(parseInteger('100', 0, 10_000), { value: 100 });
  assert.deepEqual(parseInteger('1,000', 0, 10_000), { value: 1_000 });
  for (const bad of ['abc', '', '1.5', '10001', '-1', '1,00', '12abc']) {
    assert.deepEqual(parseInteger(bad, 0, 10_000), { error: 'Value must be an integer from 0 to 10,000.' }, bad);
  }
});

test('yes/no in any case; anything else asks again', () => {
  for (const y of ['y', 'Y', 'yes', 'YES']) assert.deepEqual(parseYesNo(y), { value: true });
  for (const n of ['n', 'No']) assert.deepEqual(parseYesNo(n), { value: false });
  assert.deepEqual(parseYesNo('maybe'), { error: 'Please answer Yes or No.' });
});

test('numbered lists by number or word, case-insensitive', () => {
  const items = ['All', 'IncomingMail'];
  assert.equal(matchChoice('2', items), 1);
  assert.equal(matchChoice('incomingmail', items), 1);
  assert.equal(matchChoice('3', items), undefined);
  assert.equal(matchChoice('0', items), undefined);
  assert.deepEqual(
    parseCommaList('1, 2,,', (i) => ({ value: Number(i) })),
    { value: [1, 2] },
  );
  assert.deepEqual(
    parseCommaList(' , ', (i) => ({ value: i })),
    { error: 'Please enter at least one entry.' },
  );
});

test('domain lists for suspenddel: domains, subdomains, address literals, ALL', () => {
  assert.deepEqual(parseDomainList('Example.com, .example.net, [10.0.0.1]'), { value: ['example.com', '.example.net', '[10.0.0.1]'] });
  assert.deepEqual(parseDomainList('example.com, all'), { value: ['ALL'] });
  assert.match((parseDomainList('not a domain') as { error: string }).error, /Invalid domain "not a domain"/);
});

test('command lines: quotes, escapes, ; between commands, key=value', () => {
  assert.deepEqual(tokenize('commit "fixed retries; again"'), ['commit', 'fixed retries; again']);
  assert.deepEqual(tokenize(`bounceconfig edit Default bounce_subject='Mail failed'`), ['bounceconfig', 'edit', 'Default', 'bounce_subject=Mail failed']);
  assert.deepEqual(tokenize('a\\ b "c\\"d"'), ['a b', 'c"d']);
  assert.deepEqual(splitCommands('status; tophosts 1 ;; commit "a;b"'), ['status', 'tophosts 1', 'commit "a;b"']);
  assert.throws(() => tokenize('commit "open'), /Unterminated quote/);
  assert.deepEqual(parseAssignments(['MAX_RETRIES=5', 'x=']), [
    { key: 'max_retries', value: '5' },
    { key: 'x', value: '' },
  ]);
  assert.throws(() => parseAssignments(['max_retries']), /Expected key=value/);
});

test('ndjson framing: lines across chunks, CRLF, and a cap on line length', () => {
  const s = new LineSplitter(16);
  assert.deepEqual(s.push(Buffer.from('{"a":1}\n{"b"')), ['{"a":1}']);
  assert.deepEqual(s.push(Buffer.from(':2}\r\n\n')), ['{"b":2}', '']);
  assert.throws(() => s.push(Buffer.from('x'.repeat(17))), LineTooLongError);
  const t = new LineSplitter(16);
  t.push(Buffer.from('x'.repeat(10)));
  assert.throws(() => t.push(Buffer.from('y'.repeat(10))), LineTooLongError);
});

test('system status from the operational state', () => {
  const op = { suspendedListeners: [] as string[], deliverySuspended: false, suspendedDomains: [] as string[], redirects: [] };
  assert.equal(systemStatus(op), 'Online');
  assert.equal(systemStatus({ ...op, suspendedListeners: ['IncomingMail'] }), 'Receiving suspended');
  assert.equal(systemStatus({ ...op, suspendedDomains: ['example.com'] }), 'Delivery suspended');
  assert.equal(systemStatus({ ...op, suspendedListeners: ['x'], deliverySuspended: true }), 'Receiving and delivery suspended');
});

test('status report: durations, separators, Never, detail adds the rates', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(((26 * 60 + 11) * 60 + 22) * 1000), '1d 2h 11m 22s');
  assert.equal(formatDuration(3_600_000), '1h 0m 0s');
  const snap = statusSnapshot(
    { reset: 1_234, uptime: 12_345, lifetime: 1_234_567 },
    {
      ids: { mid: 42, icid: 7, dcid: 9 },
      gauges: {
        connectionsIn: 1,
        connectionsOut: 2,
        activeRecipients: 3,
        unattempted: 1,
        attempted: 2,
        destinations: 4,
        kilobytesUsed: 5,
        kilobytesFree: 10_485_755,
        hostsDown: 0,
        queuedMessages: 1,
        messagesInWorkQueue: 0,
        storageUsedPercent: 0,
      },
    },
  );
  const plain = formatStatus(snap, false);
  assert.equal(plain[0], 'Status as of:                  Sat Nov 28 14:00:00 2026 UTC');
  assert.equal(plain[1], 'Up since:                      Sat Nov 28 12:00:00 2026 UTC (2h 0m 0s)');
  assert.equal(plain[2], 'Last counter reset:            Never');
  assert.equal(plain[4], 'Oldest Message:                No Messages');
  assert.ok(plain.includes('    Messages Received                   1,234        12,345     1,234,567'));
  assert.ok(plain.includes('    Kilobytes Free                 10,485,755'));
  assert.ok(!plain.some((l) => l.startsWith('Rates')));
  const detail = formatStatus({ ...snap, lastReset: snap.startedAt + 60_000, oldestArrival: snap.now - 90_000 }, true);
  assert.equal(detail[2], 'Last counter reset:            Sat Nov 28 12:01:00 2026 UTC');
  assert.equal(detail[4], 'Oldest Message:                1m 30s');
  assert.ok(detail.some((l) => l.startsWith('Rates (Events Per Hour):')));
});
