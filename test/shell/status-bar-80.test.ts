// The status bar in 80 columns, in the sandbox: what a trainee needs stays as the queue grows
// (receiving and delivery, the active recipients, hosts down, the clock with its speed, the
// backend), and no field comes and goes with the number of digits of another.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusLineText } from '../../cli/ink/status-line.js';
import type { StatusParams } from '../../src/appliance/control/protocol.js';

const SANDBOX: StatusParams = {
  hostname: 'mail.example.com',
  prompt: 'mail.example.com> ',
  systemStatus: 'Online',
  pendingChanges: 0,
  queuedMessages: 0,
  activeRecipients: 0,
  connectionsIn: 0,
  connectionsOut: 0,
  hostsDown: 1,
  storageUsedPercent: 0,
  clock: { now: Date.UTC(2026, 11, 7, 21, 38, 35), scale: 60 },
  backend: 'down',
};

test('status bar, 80 columns, sandbox: the same fields from 1 to 99,999 active recipients, the clock with its speed', () => {
  const fieldsOf = (line: string) => line.split(' │ ').map((f) => f.replace(/[\d,]+/g, 'N'));
  const first = statusLineText({ ...SANDBOX, activeRecipients: 1 }, 80);
  for (const active of [1, 99, 100, 1_234, 12_345, 99_999]) {
    const line = statusLineText({ ...SANDBOX, activeRecipients: active }, 80);
    assert.ok(line.length <= 80, line);
    assert.deepEqual(fieldsOf(line), fieldsOf(first), line);
    for (const part of ['Online', `Active ${active.toLocaleString('en-US')}`, 'Down 1', 'Dec 07 21:38 ×60', 'Backend down'])
      assert.ok(line.includes(part), `${part} in ${line}`);
  }
  assert.match(statusLineText({ ...SANDBOX, clock: { ...SANDBOX.clock!, scale: 0 } }, 80), /Dec 07 21:38 stopped/);
  // With room, receiving and delivery keep their own fields.
  assert.match(statusLineText({ ...SANDBOX, activeRecipients: 100 }, 200), /^Listeners receiving │ Delivery on │ /);
  // A suspension is never folded away.
  assert.match(statusLineText({ ...SANDBOX, systemStatus: 'Delivery suspended', activeRecipients: 12_345 }, 80), /^Recv on │ Deliv SUSP │ |^Deliv SUSP │ /);
});
