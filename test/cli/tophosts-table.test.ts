// The tophosts report layout: columns where the appliance puts them, four lines between
// `Status as of:` and the first row, `*` for hosts down, top 20 by the chosen column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTopHosts, SORT_COLUMNS, topHosts, type HostRow } from '../../src/appliance/commands/monitoring/tophosts-table.js';
import { sortColumnArg } from '../../src/appliance/commands/monitoring/tophosts.js';

const NOW = Date.UTC(2026, 10, 28, 14, 11, 22);

const host = (domain: string, v: Partial<HostRow> = {}): HostRow => ({
  domain,
  down: false,
  activeRecipients: 0,
  connectionsOut: 0,
  deliveredRecipients: 0,
  softBouncedEvents: 0,
  hardBouncedRecipients: 0,
  ...v,
});

test('the layout of the spec example, character for character', () => {
  const rows = [
    host('example.com', { down: true, activeRecipients: 7_055, deliveredRecipients: 182_000, softBouncedEvents: 38_548, hardBouncedRecipients: 13_987 }),
    host('example.net', { activeRecipients: 12, connectionsOut: 2, deliveredRecipients: 1_004, hardBouncedRecipients: 3 }),
  ];
  assert.deepEqual(formatTopHosts(NOW, rows), [
    'Status as of:                  Sat Nov 28 14:11:22 2026 UTC',
    "Hosts marked with '*' were down as of the last delivery attempt.",
    '',
    '                                   Active    Conn.   Deliv.     Soft     Hard',
    ' #   Recipient Host                Recip.     Out    Recip.   Bounced  Bounced',
    ' 1*  example.com                    7,055       0   182,000    38,548   13,987',
    ' 2   example.net                       12       2     1,004         0        3',
  ]);
});

test('long names and huge numbers still leave a blank between columns', () => {
  const [line] = formatTopHosts(NOW, [
    host('a-very-long-subdomain.of-some-example-domain.com', { activeRecipients: 1_234_567_890, deliveredRecipients: 9_876_543_210_000 }),
  ]).slice(5);
  assert.deepEqual(line.trim().split(/\s+/), ['1', 'a-very-long-subdomain.of-some-example-domain.com', '1,234,567,890', '0', '9,876,543,210,000', '0', '0']);
});

test('empty: There are no hosts.', () => {
  assert.deepEqual(formatTopHosts(NOW, []), ['There are no hosts.']);
});

test('top 20 by the chosen column, largest first, ties by active recipients then name', () => {
  const rows = Array.from({ length: 30 }, (_, i) => host(`h${String(i).padStart(2, '0')}.example`, { activeRecipients: i % 3, softBouncedEvents: i }));
  const bySoft = topHosts(rows, SORT_COLUMNS[4]);
  assert.equal(bySoft.length, 20);
  assert.equal(bySoft[0].domain, 'h29.example');
  assert.equal(bySoft[19].domain, 'h10.example');
  const byActive = topHosts(rows, SORT_COLUMNS[0]);
  assert.deepEqual(
    byActive.slice(0, 3).map((r) => r.domain),
    ['h02.example', 'h05.example', 'h08.example'],
  );
});

test('the sort column by number, menu text or word, any case', () => {
  assert.equal(sortColumnArg('1')?.word, 'active');
  assert.equal(sortColumnArg('5')?.word, 'soft');
  assert.equal(sortColumnArg('Delivered Recipients')?.word, 'delivered');
  assert.equal(sortColumnArg('HARD')?.word, 'hard');
  assert.equal(sortColumnArg('connections')?.word, 'connections');
  assert.equal(sortColumnArg('6'), undefined);
  assert.equal(sortColumnArg('nope'), undefined);
});
