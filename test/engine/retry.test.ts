// Retries per the bounce profile, driven by the engine's clock: backend down then up, 4xx with
// the doubling schedule, 5xx hard bounce, expiry by time and by retry count.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import type { QueuedMessage } from '../../src/engine/queue/message.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { configCopy, counter, isQueued, listenerPort, readMailLog, removeDir, sendMail, startBackend, startEngine, waitFor } from '../helpers/harness.js';

let backend: BackendServer;
let engine: Engine;

afterEach(async () => {
  await engine.stop();
  await backend.stop();
  await removeDir(engine.api.dataDir);
});

async function setup(profile: Partial<ApplianceConfig['bounceProfiles']['Default']> = {}): Promise<void> {
  backend = await startBackend();
  engine = await startEngine({ backendPort: backend.port });
  const next = configCopy(engine);
  Object.assign(next.bounceProfiles.Default, profile);
  await engine.api.applyConfig(next);
}

async function sendOne(): Promise<QueuedMessage> {
  const r = await sendMail(listenerPort(engine), { to: 'bob@example.com' });
  const mid = Number(/Message (\d+) accepted/.exec(r.response)?.[1]);
  assert.ok(mid > 0, r.response);
  return engineParts(engine).queue.messages.get(mid)!;
}

const seconds = (n: number) => n * 1000;

const mailLog = () => readMailLog(engine);

test('backend down: the message is queued, and delivered after the retry wait once the backend is back', async () => {
  await setup();
  await backend.setMode('down');
  const msg = await sendOne();
  const rcpt = msg.rcpts[0];
  await waitFor(() => rcpt.attempts === 1, 'the first attempt');
  assert.equal(rcpt.state, 'pending');
  assert.equal(rcpt.nextAt - msg.envelope.arrival, seconds(60));
  assert.equal(engine.api.gauges().queuedMessages, 1);
  await backend.setMode('up');
  engineParts(engine).clock.advance(seconds(59));
  await engine.idle();
  assert.equal(backend.messages.length, 0, 'nothing before the retry time');
  engineParts(engine).clock.advance(seconds(1));
  await waitFor(() => backend.messages.length === 1, 'delivery at the retry time');
  await waitFor(() => engine.api.gauges().queuedMessages === 0, 'the message to leave the queue');
  assert.equal(counter(engine, 'deliveredRecipients').uptime, 1);
  assert.match(await mailLog(), /Connection Error: DCID \d+ domain: example\.com .* details: ECONNREFUSED/);
});

test('4xx from the backend: retried on the doubling schedule (60, 120, 240 s)', async () => {
  await setup();
  await backend.setMode('tempfail');
  const msg = await sendOne();
  const rcpt = msg.rcpts[0];
  const arrival = msg.envelope.arrival;
  await waitFor(() => rcpt.attempts === 1, 'attempt 1');
  const attemptAt: number[] = [rcpt.lastAttemptAt - arrival];
  for (const wait of [60, 120, 240, 480]) {
    engineParts(engine).clock.advance(seconds(wait) - 1);
    await engine.idle();
    assert.equal(rcpt.attempts, attemptAt.length, `no attempt before ${wait} s have passed`);
    engineParts(engine).clock.advance(1);
    await waitFor(() => rcpt.attempts === attemptAt.length + 1, `attempt ${attemptAt.length + 1}`);
    attemptAt.push(rcpt.lastAttemptAt - arrival);
  }
  assert.deepEqual(attemptAt, [0, 60, 180, 420, 900].map(seconds));
  assert.equal(counter(engine, 'softBouncedEvents').uptime, 5);
  assert.match(await mailLog(), /Delayed: DCID \d+ MID \d+ to RID \[0\] - 4\.3\.0 - \('451', \['Mailbox temporarily unavailable, try later'\]\)/);
});

test('the doubling stops at the maximum wait', async () => {
  await setup({ initial_retry: 60, max_retry_timeout: 100 });
  await backend.setMode('tempfail');
  const msg = await sendOne();
  const rcpt = msg.rcpts[0];
  await waitFor(() => rcpt.attempts === 1, 'attempt 1');
  engineParts(engine).clock.advance(seconds(60));
  await waitFor(() => rcpt.attempts === 2, 'attempt 2');
  assert.equal(rcpt.nextAt - rcpt.lastAttemptAt, seconds(100), 'second wait capped at 100 s, not 120 s');
});

test('5xx from the backend: hard bounce at once, no retry', async () => {
  await setup();
  await backend.setMode('reject');
  const msg = await sendOne();
  await waitFor(() => msg.rcpts[0].state === 'bounced', 'the hard bounce');
  assert.equal(msg.rcpts[0].attempts, 1);
  // The DSN to the sender (example.org) is refused too: count the original's host alone.
  assert.equal(engine.api.hostStatus('example.com')?.hardBouncedRecipients, 1);
  await waitFor(async () => !(await isQueued(engine, msg.envelope.mid)), 'the message to leave the queue');
  assert.match(
    await mailLog(),
    new RegExp(`Bounced: DCID \\d+ MID ${msg.envelope.mid} to RID \\[0\\] - 5\\.1\\.1 - Mailbox unavailable \\('550', \\['Mailbox unavailable'\\]\\)`),
  );
});

test('expiry by time: past max_queue_lifetime the recipient is hard-bounced 5.4.7 before the next attempt', async () => {
  await setup({ max_queue_lifetime: 300 });
  await backend.setMode('tempfail');
  const msg = await sendOne();
  const rcpt = msg.rcpts[0];
  await waitFor(() => rcpt.attempts === 1, 'attempt 1');
  engineParts(engine).clock.advance(seconds(60));
  await waitFor(() => rcpt.attempts === 2, 'attempt 2 at 60 s');
  engineParts(engine).clock.advance(seconds(120));
  await waitFor(() => rcpt.attempts === 3, 'attempt 3 at 180 s');
  engineParts(engine).clock.advance(seconds(239));
  await engine.idle();
  assert.equal(rcpt.state, 'pending', 'still pending before the next attempt time');
  engineParts(engine).clock.advance(seconds(1));
  await waitFor(() => rcpt.state === 'bounced', 'expiry at the next attempt time (420 s > 300 s)');
  assert.equal(rcpt.attempts, 3, 'no fourth attempt');
  assert.equal(counter(engine, 'hardBouncedExpired').uptime, 1);
  assert.match(await mailLog(), /Bounced: DCID 0 MID \d+ to RID \[0\] - 5\.4\.7 - Delivery expired \(message too old\) \('000', \[\]\)/);
});

test('expiry by retry count: max_retries 2 allows the first attempt and two retries', async () => {
  await setup({ max_retries: 2 });
  await backend.setMode('tempfail');
  const msg = await sendOne();
  const rcpt = msg.rcpts[0];
  await waitFor(() => rcpt.attempts === 1, 'attempt 1');
  engineParts(engine).clock.advance(seconds(60));
  await waitFor(() => rcpt.attempts === 2, 'retry 1');
  engineParts(engine).clock.advance(seconds(120));
  await waitFor(() => rcpt.attempts === 3, 'retry 2');
  engineParts(engine).clock.advance(seconds(240));
  await waitFor(() => rcpt.state === 'bounced', 'the bounce instead of retry 3');
  assert.equal(rcpt.attempts, 3);
  assert.equal(counter(engine, 'hardBouncedExpired').uptime, 1);
});
