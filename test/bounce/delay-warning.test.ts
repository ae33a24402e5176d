// Delay warnings driven by the simulated clock: a DSN with Action: delayed once a recipient has
// waited send_warnings_interval, not before, and no more than send_warnings_count of them.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { formatRfc5322Date } from '../../src/model/format-date.js';
import type { QueuedMessage } from '../../src/engine/queue/message.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { configCopy, waitFor } from '../helpers/harness.js';
import { advanceTo, dsnsAt, generator, seconds, send, setProfile, startRig, T0, type BounceRig } from './bounce-fixtures.js';

let rig: BounceRig;

afterEach(async () => {
  await rig.close();
});

const TRY_LATER = '4.3.0 Mailbox temporarily unavailable, try later';

/** Every DSN the engine generated has been built, queued and delivered. */
async function dsnsSettled(): Promise<void> {
  await generator(rig.engine).idle();
  await waitFor(() => ![...engineParts(rig.engine).queue.messages.values()].some((m) => m.envelope.bounceOf !== undefined), 'DSNs delivered');
}

test('a delay warning comes after the interval, not before, and only as many as configured', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  backend.policy = (rcpt) => (rcpt === 'bob@example.com' ? { code: 451, text: TRY_LATER } : undefined);
  // One attempt a minute; a warning every 10 minutes, at most 2.
  await setProfile(engine, 'Default', {
    initial_retry: 60,
    max_retry_timeout: 60,
    send_warnings: true,
    send_warnings_interval: 600,
    send_warnings_count: 2,
  });
  const msg = await send(engine, { to: ['bob@example.com'], subject: 'still coming?' });
  const bob = msg.rcpts[0];
  await advanceTo(engine, T0, () => bob.attempts === 1, 'the first attempt');
  const seen: number[] = [];
  for (let t = 60; t <= 1800; t += 60) {
    await advanceTo(engine, T0 + seconds(t), () => bob.attempts === t / 60 + 1, `the attempt at ${t} s`);
    await dsnsSettled();
    const expected = t >= 1200 ? 2 : t >= 600 ? 1 : 0;
    assert.equal(backend.dsns().length, expected, `warnings after ${t} s`);
    if (seen.length < expected) seen.push(t);
  }
  assert.deepEqual(seen, [600, 1200]);
  assert.equal(bob.state, 'pending', 'a warning is no bounce');
  assert.equal(bob.warningsSent, 2);

  const [first, second] = await dsnsAt(backend, 2);
  assert.deepEqual(
    backend.dsns().map((m) => m.to),
    [['alice@example.org'], ['alice@example.org']],
  );
  assert.equal(first.parsed.subject, 'Delivery Status Notification (Delay)');
  assert.equal(first.parsed.headers.get('auto-submitted'), 'auto-replied');
  assert.deepEqual(first.message, { 'reporting-mta': 'dns; mail.example.com', 'arrival-date': formatRfc5322Date(T0) });
  assert.deepEqual(first.recipients, [
    {
      'final-recipient': 'rfc822; bob@example.com',
      action: 'delayed',
      status: '4.0.0',
      'diagnostic-code': `smtp; 451 ${TRY_LATER}`,
      'last-attempt-date': formatRfc5322Date(T0 + seconds(600)),
      // arrival + the default queue lifetime of 259,200 s (72 h)
      'will-retry-until': formatRfc5322Date(T0 + seconds(259_200)),
    },
  ]);
  assert.equal(second.recipients[0]['last-attempt-date'], formatRfc5322Date(T0 + seconds(1200)));
  assert.match(first.original!.toString(), /Subject: still coming\?/);
  assert.match(first.parsed.text ?? '', /retried until Tue, 1 Dec 2026 12:00:00 \+0000/);
});

test('Will-Retry-Until follows the profile lifetime; no warnings when send_warnings is off', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  backend.policy = (rcpt) => (rcpt === 'bob@example.com' ? { code: 451, text: TRY_LATER } : undefined);
  await setProfile(engine, 'Default', { send_warnings_interval: 0, max_queue_lifetime: 7_200, use_bounce_response_code: true });
  const quiet = await send(engine, { to: ['bob@example.com'] });
  await advanceTo(engine, T0, () => quiet.rcpts[0].attempts === 1, 'the first attempt');
  await dsnsSettled();
  await engine.idle();
  assert.equal(backend.dsns().length, 0, 'send_warnings is off by default');

  await setProfile(engine, 'Default', { send_warnings: true });
  const msg = await send(engine, { to: ['bob@example.com'] });
  await advanceTo(engine, T0, () => msg.rcpts[0].attempts === 1, 'the first attempt');
  const dsns = await dsnsAt(backend, 1);
  const r = dsns[0].recipients[0];
  assert.equal(r['will-retry-until'], formatRfc5322Date(T0 + seconds(7_200)));
  assert.equal(r.status, '4.3.0', 'the remote code, parsed');
});

test('mail held by a down host gets its warnings too, not only the one probing', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  // example.com goes to a port where nothing listens; the warnings (to example.org) to the backend.
  const next = configCopy(engine);
  next.routes.unshift({ domain: 'example.com', hosts: [{ host: '127.0.0.1', port: 1 }] });
  Object.assign(next.bounceProfiles.Default, { send_warnings: true, send_warnings_interval: 600, send_warnings_count: 1 });
  await engine.api.applyConfig(next);
  // Six messages, one probe per host retry round (60, 180, 420, 900, 1860, 3780, 7380 s): the
  // warnings of mail waiting behind the probe cannot wait for its own attempt.
  const msgs: QueuedMessage[] = [];
  for (let i = 0; i < 6; i++) msgs.push(await send(engine, { to: [`user${i}@example.com`] }));
  await waitFor(() => msgs.some((m) => m.rcpts[0].attempts === 1), 'the first attempt');
  await engine.idle();
  for (let t = 60; t <= 3 * 3600; t += 60) {
    engineParts(engine).clock.advance(seconds(60));
    await engine.idle();
    if (t === 540) assert.equal(backend.dsns().length, 0, 'nothing before the interval');
  }
  const dsns = await dsnsAt(backend, 6, 'a warning for each message');
  assert.deepEqual(
    dsns.map((d) => d.recipients[0]['final-recipient']).sort(),
    msgs.map((m) => `rfc822; ${m.rcpts[0].address}`),
  );
  for (const d of dsns) {
    const r = d.recipients[0];
    assert.equal(r.action, 'delayed');
    // Refused connections (4.4.1), or no attempt yet for mail that waited behind the probe.
    assert.equal(r.status, r['last-attempt-date'] ? '4.4.1' : '4.0.0');
  }
});
