// Generated DSNs respect the queue storage limit (they wait, owed, and are
// sent once there is room: never dropped); `resumedel <domain>` under `suspenddel ALL` says why
// it resumes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batch, startCliEngine } from '../cli/cli-harness.js';
import { readMailLog, removeDir, sendMail, startBackend, startEngine, listenerPort, waitFor } from '../helpers/harness.js';

test('a DSN storm against a full queue: the notices wait within the limit, then all go out', async () => {
  const backend = await startBackend();
  let slowAccepted = false;
  backend.policy = (rcpt) => {
    if (rcpt === 'bad@example.com') return { code: 550, text: '5.1.1 No such user' };
    if (rcpt === 'slow@example.com' && !slowAccepted) return { code: 451, text: '4.3.0 Try later' };
    return undefined;
  };
  const engine = await startEngine({ backendPort: backend.port, overrides: { queueMaxMessages: 3 } });
  try {
    const port = listenerPort(engine);
    // The queue fills to its limit first; then every message is tried at once.
    await engine.api.suspendDelivery(['ALL']);
    for (let i = 0; i < 3; i++) {
      const r = await sendMail(port, { to: ['bad@example.com', 'slow@example.com'], subject: `storm ${i}` });
      assert.ok(r.ok, r.response);
    }
    await engine.api.resumeDelivery(['ALL']);
    // Each message's bad recipient bounces; its slow one keeps the message queued: no room for the DSNs.
    await waitFor(
      async () => ((await readMailLog(engine)).match(/The notice for MID \d+ waits: the queue storage limit is reached/g) ?? []).length === 3,
      'three waiting notices',
    );
    assert.equal(engine.api.gauges().queuedMessages, 3, 'the limit holds: no DSN was queued past it');
    assert.equal(backend.dsns().length, 0);
    // Room comes back: the slow recipients are delivered, the originals leave, the notices go out.
    slowAccepted = true;
    engine.api.deliverNow();
    await waitFor(() => backend.dsns().length === 3, 'the three DSNs at the backend');
    assert.doesNotMatch(await readMailLog(engine), /not generated/);
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(engine.api.dataDir);
  }
});

test('resumedel <domain> under suspenddel ALL says why nothing is resumed, and changes nothing', async () => {
  const cli = await startCliEngine();
  try {
    const run = await batch(cli.socket, 'suspenddel ALL 0\nresumedel example.com\n');
    assert.match(
      run.stdout + run.stderr,
      /Delivery is suspended for all domains \(suspenddel ALL\): example\.com cannot be resumed alone\. Use "resumedel ALL" to resume all delivery\./,
    );
    assert.doesNotMatch(run.stdout, /Mail delivery was not suspended/);
    assert.equal(cli.engine.api.operational().deliverySuspended, true);
    const all = await batch(cli.socket, 'resumedel ALL\n');
    assert.match(all.stdout, /Mail delivery resumed\./);
  } finally {
    await cli.stop();
  }
});
