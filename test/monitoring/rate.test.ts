// rate and hostrate: rows that parse as the appliance's drivers parse them (HH:MM:SS and
// plain integers), deltas between rows, one row in batch by default, ^C after Ctrl-C.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { hostRateRow, rateRow, type HostRateSample, type RateSample } from '../../src/appliance/commands/monitoring/rate-table.js';
import { COMMANDS } from '../../src/appliance/registry.js';
import { CliSession } from '../../src/appliance/control/session.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { listenerPort, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { batch, oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

/** The drivers' row patterns: the time, then the columns as plain (maybe negative) integers. */
const RATE_ROW = /^(\d\d):(\d\d):(\d\d)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s*$/;
const HOSTRATE_ROW = /^(\d\d):(\d\d):(\d\d)\s+(unknown|up|down)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s*$/;

let cli: CliEngine | undefined;
let backend: BackendServer | undefined;

afterEach(async () => {
  await cli?.stop();
  await backend?.stop();
  cli = undefined;
  backend = undefined;
});

const rows = (text: string, re: RegExp) =>
  text
    .split('\n')
    .map((l) => re.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);

test('rate rows: deltas against the previous row, negative after a counter reset, no separators', () => {
  const s = (now: number, received: number, completed: number): RateSample => ({
    now,
    connectionsIn: 2,
    connectionsOut: 1,
    recipientsReceived: received,
    recipientsCompleted: completed,
    kilobytesUsed: 12_345,
  });
  const a = s(Date.UTC(2026, 10, 28, 1, 36, 30), 1_500, 6);
  assert.equal(rateRow(a, undefined), '01:36:30   2     1       1500        0           6         0   12345');
  const m = RATE_ROW.exec(rateRow(s(a.now + 10_000, 1_507, 0), a))!;
  assert.deepEqual(m.slice(1).map(Number), [1, 36, 40, 2, 1, 1507, 7, 0, -6, 12345]);
  const h = (state: HostRateSample['state'], active: number, delivered: number): HostRateSample => ({
    now: Date.UTC(2026, 10, 28, 11, 27, 15),
    state,
    connectionsOut: 3,
    activeRecipients: active,
    deliveredRecipients: delivered,
    hardBouncedRecipients: 1,
    softBouncedEvents: 4,
  });
  assert.equal(hostRateRow(h('unknown', 0, 0), undefined), '11:27:15   unknown         3         0       0       0         0          0');
  assert.deepEqual(HOSTRATE_ROW.exec(hostRateRow(h('up', 5, 9), h('down', 8, 2)))!.slice(4), ['up', '3', '5', '-3', '7', '0', '0']);
});

test('rate and hostrate in batch: title lines, rows as the drivers parse them, one row by default', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
  await sendMail(listenerPort(cli.engine), { to: ['a@example.com', 'b@example.com'] });
  await waitFor(() => backend!.messages.length === 1, 'delivery');
  await cli.engine.idle();

  const r = await oneLine(cli.socket, 'rate 1 2');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    r.stdout.includes(
      ' Time    Connections Recipients          Recipients            Queue\n          In   Out   Received    Delta   Completed    Delta    K-Used\n',
    ),
  );
  const rateRows = rows(r.stdout, RATE_ROW);
  assert.equal(rateRows.length, 2);
  assert.deepEqual(rateRows[1].slice(4, 10).map(Number), [0, 0, 2, 0, 2, 0]);
  assert.ok(!r.stdout.includes('Ctrl-C'));

  const one = await oneLine(cli.socket, 'rate 5');
  assert.equal(rows(one.stdout, RATE_ROW).length, 1);

  const h = await batch(cli.socket, 'hostrate\nexample.com\n1\n');
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /Recipient host:\n\[\]> example\.com\n\nEnter the number of seconds between displays\.\n\[10\]> 1\n/);
  const hostRows = rows(h.stdout, HOSTRATE_ROW);
  assert.equal(hostRows.length, 1);
  assert.deepEqual(hostRows[0].slice(4), ['up', '0', '0', '0', '0', '0', '0']);
  assert.equal(rows((await oneLine(cli.socket, 'hostrate nowhere.example')).stdout, HOSTRATE_ROW)[0][4], 'unknown');

  const bad = await oneLine(cli.socket, 'rate 0');
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, 'Invalid number of seconds "0": Value must be an integer from 1 to 3,600.\n');
});

test('rate in the interactive shell runs until Ctrl-C, then prints ^C', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
  let out = '';
  const session = new CliSession(cli.engine.api, COMMANDS, { print: (t) => (out += t), ask: async () => ({ answer: '' }) });
  const running = session.run('rate');
  await waitFor(() => rows(out, RATE_ROW).length === 1, 'the first row');
  session.interrupt();
  const result = await running;
  assert.equal(result.ok, true);
  assert.match(out, /Type Ctrl-C to return to the main prompt\.\n\n Time /);
  assert.match(out, /\n\^C\n/);
  assert.equal(rows(out, RATE_ROW).length, 1);
});
