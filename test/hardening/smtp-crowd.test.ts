// A crowd of slow clients (25 connections from each of 127.0.0.10 ... 127.0.0.60, trickling an
// EHLO) fills every slot of the listener; a real sender from 127.0.0.2 still gets in, by the
// eviction of an idle crowd session, and the crowd's sessions get the short command timeout of a
// listener under stress. The connection slots' rules on their own below. Real SMTP on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { ConnectionSlots, type SlotHolder } from '../../src/engine/smtp/connection-slots.js';
import { engineForFile } from '../helpers/engine-for-file.js';
import { readMailLog, waitFor } from '../helpers/harness.js';
import { realSender } from './hostile-smtp.js';
import { slowCrowd } from './slow-crowd.js';

let engine: Engine;
let port: number;

engineForFile((s) => ({ engine, port } = s));

test('a crowd of 51 addresses x 25 slow connections fills the listener; a real sender from 127.0.0.2 gets in', async () => {
  const max = engine.api.config().listeners[0].maxConnections;
  // The crowd arrives (in waves, address after address); the real sender comes once every slot is taken.
  const arriving = slowCrowd(port, { first: 10, addresses: 51, perAddress: 25 });
  try {
    await waitFor(() => engine.api.inboundConnections() === max, `the crowd to hold all ${max} slots`);
    const reply = await realSender(port, 'bob@example.com', '127.0.0.2');
    assert.match(reply, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
    const crowd = await arriving;
    assert.ok(crowd.greeted > max, `more than ${max} crowd connections were greeted (${crowd.greeted}): later addresses got slots too`);
    const log = await readMailLog(engine);
    assert.match(log, /ICID \d+ evicted: 127\.0\.0\.\d+ holds the most connections/);
    assert.match(log, /Listener IncomingMail under stress: connection limit reached \(50 on this listener, 300 on all\); command timeout 10 s/);
    // Under stress the crowd's unfinished EHLOs are cut after 10 s, not the listener's 300 s.
    await waitFor(() => crowd.timedOut > 0, 'a crowd session cut by the stress command timeout');
  } finally {
    (await arriving).release();
  }
  await waitFor(() => engine.api.inboundConnections() === 0, 'the crowd to be gone');
  assert.match(await readMailLog(engine), /Listener IncomingMail no longer under stress/);
});

/** A slot holder for the rules' tests. */
function holder(listener: string, remote: string, lastCommandAt: number, busy = false): SlotHolder & { evicted: boolean } {
  const h = { listener, remote, lastCommandAt, busy, evicted: false, evict: () => (h.evicted = true) };
  return h;
}

test('slots: a full listener evicts the idlest idle session of the heaviest address, never an equal or a busy one', () => {
  const slots = new ConnectionSlots(() => 100);
  slots.add('a1', holder('L', 'A', 5));
  slots.add('a2', holder('L', 'A', 1, true)); // receiving a message
  slots.add('a3', holder('L', 'A', 3));
  slots.add('b1', holder('L', 'B', 0));
  // A newcomer (0 slots) at the limit of 4: A holds 3, its idlest idle session goes.
  const r = slots.admit('L', 4, 'C');
  assert.ok(r.admit && r.evicted === slots.get('a3'));
  assert.ok(slots.stressed('L'));
  // B (1 slot) against A (3): A still gives way. A itself gets nothing from its equals.
  assert.ok(slots.admit('L', 4, 'B').admit);
  assert.deepEqual(slots.admit('L', 4, 'A'), { admit: false, full: 'listener' });
  // Under the limit: admitted, nobody evicted.
  assert.deepEqual(slots.admit('L', 5, 'A'), { admit: true });
});

test('slots: the global limit takes room from any listener; stress ends below three quarters', () => {
  const slots = new ConnectionSlots(() => 4);
  slots.add('1', holder('L1', 'A', 1));
  slots.add('2', holder('L1', 'A', 2));
  slots.add('3', holder('L2', 'A', 3));
  slots.add('4', holder('L2', 'B', 4));
  const r = slots.admit('L2', 50, 'C');
  assert.ok(r.admit && r.evicted === slots.get('1'), 'the idlest session of A, on the other listener');
  assert.ok(slots.stressed('L2'));
  slots.remove('1', 50);
  assert.ok(slots.stressed('L2'), '3 of 4 is not below three quarters');
  slots.remove('2', 50);
  assert.ok(!slots.stressed('L2'));
});
