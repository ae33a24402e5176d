// A destination that cannot be reached is throttled as a whole: with 1,000 messages queued
// for it, a retry round costs one probe connection, not 1,000.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { listenerPort, removeDir, sendMany, startEngine } from '../helpers/harness.js';

/** A dead mail host: accepts TCP and hangs up at once, counting the attempts. */
let deadHost: Server;
let connections = 0;
let engine: Engine;

before(async () => {
  deadHost = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((r) => deadHost.listen(0, '127.0.0.1', r));
  const port = (deadHost.address() as { port: number }).port;
  engine = await startEngine({ backendPort: port });
});

after(async () => {
  await engine.stop();
  deadHost.close();
  await removeDir(engine.api.dataDir);
});

/** Every connection the engine started has ended (the dead host counted it before it hung up). */
const settle = () => engine.idle();

test('1,000 queued for a down host: a few connections while queueing, then one probe per host retry', async () => {
  const mids = await sendMany(listenerPort(engine), 1_000);
  assert.equal(mids.length, 1_000);
  assert.ok(mids.every((m) => m > 0));
  await settle();
  const dest = engine.api.hostStatus('example.com')!;
  assert.equal(dest.down, true, 'the host is marked down');
  assert.equal(dest.activeRecipients, 1_000);
  const whileQueueing = connections;
  assert.ok(whileQueueing >= 1 && whileQueueing <= 10, `connections while queueing: ${whileQueueing} (at most the concurrency limit)`);

  // Host retry waits of the Default profile: 60 s, then 120 s.
  engineParts(engine).clock.advance(60_000);
  await settle();
  assert.equal(connections - whileQueueing, 1, 'one probe at the first host retry time');
  engineParts(engine).clock.advance(60_000);
  await settle();
  assert.equal(connections - whileQueueing, 1, 'nothing more before the doubled host wait');
  engineParts(engine).clock.advance(60_000);
  await settle();
  assert.equal(connections - whileQueueing, 2, 'the second probe after 120 s');
  assert.equal(engine.api.gauges().queuedMessages, 1_000, 'nothing lost, nothing bounced');
});
