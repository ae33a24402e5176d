// A hard bounce whose DSN was not yet queued when the engine stopped (a crash between the
// two) still reaches the sender: the owed notice is kept in the queue state and sent at start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { BounceSink } from '../../src/engine/bounce/bounce-sink.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { configCopy, isQueued, listenerPort, removeDir, sendMail, startBackend, startEngine, waitFor } from '../helpers/harness.js';

/**
 * A message to bob@example.com bounces (5.1.1) while a stalled bounce generator leaves its DSN
 * owed; the engine stops and starts again (the backend taking mail) and `check` runs on the
 * restarted engine once the DSN reached the sender. `configure` edits the configuration first.
 */
async function owedAcrossRestart(
  check: (engine: Engine, backend: BackendServer, mid: number) => Promise<void>,
  configure?: (config: ApplianceConfig) => void,
): Promise<void> {
  const backend = await startBackend();
  // A bounce generator that never gets round to it: the DSN is owed when the engine stops.
  const stalled: BounceSink = { hardBounced() {}, delayed() {}, holding: () => new Promise<void>(() => undefined) };
  let engine = await startEngine({ backendPort: backend.port, bounces: () => stalled });
  const dataDir = engine.api.dataDir;
  try {
    if (configure) {
      const next = configCopy(engine);
      configure(next);
      await engine.api.applyConfig(next);
    }
    await backend.setMode('reject');
    const r = await sendMail(listenerPort(engine), { from: 'alice@example.org', to: 'bob@example.com', subject: 'will bounce' });
    const mid = Number(/Message (\d+)/.exec(r.response)![1]);
    const msg = engineParts(engine).queue.messages.get(mid)!;
    await waitFor(() => msg.rcpts[0].state === 'bounced', 'the hard bounce');
    assert.equal(msg.rcpts[0].dsnPending, '5.1.1');
    await engine.stop();

    await backend.setMode('up');
    engine = await startEngine({ dataDir, backendPort: backend.port });
    await waitFor(() => backend.messages.some((m) => m.from === ''), 'the DSN at the sender');
    await check(engine, backend, mid);
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
}

const dsnOf = (backend: BackendServer) => backend.messages.find((m) => m.from === '')!;

test('a DSN owed before a stop is generated after the restart', async () => {
  await owedAcrossRestart(async (engine, backend, mid) => {
    const dsn = await simpleParser(dsnOf(backend).content);
    assert.deepEqual(dsnOf(backend).to, ['alice@example.org']);
    assert.match(dsn.text ?? '', /bob@example\.com/);
    await waitFor(async () => !(await isQueued(engine, mid)), 'the original to leave the queue');
    assert.equal(backend.messages.filter((m) => m.from === '').length, 1, 'exactly one DSN');
  });
});

test('a DSN owed before a stop goes by the bounce profile the bounce was decided with: the destination profile', async () => {
  await owedAcrossRestart(
    async (_engine, backend) => {
      const dsn = await simpleParser(dsnOf(backend).content);
      assert.equal(dsn.subject, 'Strict: not delivered');
    },
    // example.com's mail bounces by its own profile (destconfig), not the listener's Default.
    (config) => {
      config.bounceProfiles.Strict = { bounce_subject: 'Strict: not delivered' };
      config.destinations.push({ domain: 'example.com', bounceProfile: 'Strict' });
    },
  );
});
