// bounceconfig SETUP "bounce all enqueued messages bound for a domain": on, a host found down
// hard-bounces its domain's queued mail at once (5.4.1, a DSN to the sender); off (the
// default), that mail waits for the host retry.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { configCopy, isQueued, readMailLog, waitFor } from '../helpers/harness.js';
import { dsnsAt, send, startRig, type BounceRig } from './bounce-fixtures.js';

let rig: BounceRig;

afterEach(async () => {
  await rig.close();
});

/** example.com routed to a closed port (down); everything else, the DSNs too, to the backend. */
async function exampleComDown(engine: Engine, bounceAll: boolean): Promise<void> {
  const next = configCopy(engine);
  next.routes = [{ domain: 'example.com', hosts: [{ host: '127.0.0.1', port: 1 }] }, ...next.routes];
  next.bounceAllWhenHostDown = bounceAll;
  await engine.api.applyConfig(next);
}

test('SETUP yes: the host found down bounces its queued mail at once, later mail at the next failed probe', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  await exampleComDown(engine, true);
  const first = await send(engine, { to: ['bob@example.com'], subject: 'first' });
  const [dsn] = await dsnsAt(backend, 1);
  assert.deepEqual(
    dsn.recipients.map((r) => [r['final-recipient'], r.status]),
    [['rfc822; bob@example.com', '5.4.1']],
  );
  await waitFor(async () => !(await isQueued(engine, first.envelope.mid)), 'the bounced message to leave the queue');

  // While the host stays down, new mail waits for the probe; the failed probe bounces it.
  const second = await send(engine, { to: ['carol@example.com'], subject: 'second' });
  engineParts(engine).clock.advance(3_600_000);
  const dsns = await dsnsAt(backend, 2);
  assert.deepEqual(dsns.flatMap((d) => d.recipients.map((r) => r['final-recipient'])).sort(), ['rfc822; bob@example.com', 'rfc822; carol@example.com']);
  await waitFor(async () => !(await isQueued(engine, second.envelope.mid)), 'the second message to leave the queue');
  assert.equal(backend.messages.filter((m) => m.from === 'alice@example.org').length, 0, 'nothing reached example.com');
  assert.match(await readMailLog(engine), /Host example\.com marked down/);
});

test('SETUP no (the default): mail for a host found down stays queued', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  assert.equal(engine.api.config().bounceAllWhenHostDown, false);
  await exampleComDown(engine, false);
  const msg = await send(engine, { to: ['bob@example.com'] });
  await waitFor(() => engine.api.hostStatus('example.com')?.down === true, 'example.com down');
  await engine.idle();
  assert.ok(await isQueued(engine, msg.envelope.mid), 'still queued');
  assert.equal(backend.dsns().length, 0);
});
