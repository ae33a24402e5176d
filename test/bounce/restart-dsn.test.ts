// A hard bounce whose DSN was not yet queued when the engine stopped (a crash between the
// two) still reaches the sender: the owed notice is kept in the queue state and sent at start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { BounceSink } from '../../src/bounce/bounce-sink.js';
import { listenerPort, removeDir, sendMail, startBackend, startEngine, waitFor } from '../helpers/harness.js';

test('a DSN owed before a stop is generated after the restart', async () => {
  const backend = await startBackend();
  // A bounce generator that never gets round to it: the DSN is owed when the engine stops.
  const stalled: BounceSink = { hardBounced() {}, delayed() {}, holding: () => new Promise<void>(() => undefined) };
  let engine = await startEngine({ backendPort: backend.port, bounces: () => stalled });
  const dataDir = engine.dataDir;
  try {
    await backend.setMode('reject');
    const r = await sendMail(listenerPort(engine), { from: 'alice@example.org', to: 'bob@example.com', subject: 'will bounce' });
    const mid = Number(/Message (\d+)/.exec(r.response)![1]);
    const msg = engine.queue.messages.get(mid)!;
    await waitFor(() => msg.rcpts[0].state === 'bounced', 'the hard bounce');
    assert.equal(msg.rcpts[0].dsnPending, '5.1.1');
    await engine.stop();

    await backend.setMode('up');
    engine = await startEngine({ dataDir, backendPort: backend.port });
    await waitFor(() => backend.messages.some((m) => m.from === ''), 'the DSN at the sender');
    const dsn = await simpleParser(backend.messages.find((m) => m.from === '')!.content);
    assert.deepEqual(backend.messages.find((m) => m.from === '')!.to, ['alice@example.org']);
    assert.match(dsn.text ?? '', /bob@example\.com/);
    await waitFor(() => !engine.queue.messages.has(mid), 'the original to leave the queue');
    assert.equal(backend.messages.filter((m) => m.from === '').length, 1, 'exactly one DSN');
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
});

test('a DSN owed before a stop goes by the bounce profile the bounce was decided with: the destination profile', async () => {
  const backend = await startBackend();
  const stalled: BounceSink = { hardBounced() {}, delayed() {}, holding: () => new Promise<void>(() => undefined) };
  let engine = await startEngine({ backendPort: backend.port, bounces: () => stalled });
  const dataDir = engine.dataDir;
  try {
    // example.com's mail bounces by its own profile (destconfig), not the listener's Default.
    const next = structuredClone(engine.config);
    next.bounceProfiles.Strict = { bounce_subject: 'Strict: not delivered' };
    next.destinations.push({ domain: 'example.com', bounceProfile: 'Strict' });
    await engine.applyConfig(next);
    await backend.setMode('reject');
    const r = await sendMail(listenerPort(engine), { from: 'alice@example.org', to: 'bob@example.com', subject: 'will bounce' });
    const mid = Number(/Message (\d+)/.exec(r.response)![1]);
    const msg = engine.queue.messages.get(mid)!;
    await waitFor(() => msg.rcpts[0].dsnPending === '5.1.1', 'the hard bounce');
    await engine.stop();

    await backend.setMode('up');
    engine = await startEngine({ dataDir, backendPort: backend.port });
    await waitFor(() => backend.messages.some((m) => m.from === ''), 'the DSN at the sender');
    const dsn = await simpleParser(backend.messages.find((m) => m.from === '')!.content);
    assert.equal(dsn.subject, 'Strict: not delivered');
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
});
