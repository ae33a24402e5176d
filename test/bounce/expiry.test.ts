// Expiry driven by the simulated clock: a recipient that keeps getting 4xx is bounced with a
// 5.4.7 DSN once it is past its queue lifetime or has used up its retries, not before.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { formatRfc5322Date } from '../../src/model/format-date.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { advanceTo, dsnsAt, generator, seconds, send, setProfile, startRig, T0, type BounceRig } from './bounce-fixtures.js';
import { configCopy, counter } from '../helpers/harness.js';

let rig: BounceRig;

afterEach(async () => {
  await rig.close();
});

const TRY_LATER = '4.3.0 Mailbox temporarily unavailable, try later';

/** A rig whose backend answers 451 for bob@example.com and accepts everyone else. */
async function rigDeferringBob(): Promise<BounceRig> {
  const r = await startRig();
  r.backend.policy = (rcpt) => (rcpt === 'bob@example.com' ? { code: 451, text: TRY_LATER } : undefined);
  return r;
}

async function noDsnYet(): Promise<void> {
  await generator(rig.engine).idle();
  await rig.engine.idle();
  assert.equal(rig.backend.dsns().length, 0, 'no DSN yet');
}

test('expiry by retries: after 1 + max_retries attempts the next due time bounces with 5.4.7', async () => {
  rig = await rigDeferringBob();
  const { engine, backend } = rig;
  await setProfile(engine, 'Default', { max_retries: 2, initial_retry: 60, max_retry_timeout: 60 });
  const msg = await send(engine, { to: ['bob@example.com'] });
  const bob = msg.rcpts[0];
  await advanceTo(engine, T0, () => bob.attempts === 1, 'the first attempt');
  await advanceTo(engine, T0 + seconds(60), () => bob.attempts === 2, 'retry 1');
  await advanceTo(engine, T0 + seconds(120), () => bob.attempts === 3, 'retry 2');
  await noDsnYet();
  assert.equal(bob.state, 'pending');
  engineParts(engine).clock.advance(seconds(60));
  const [dsn] = await dsnsAt(backend, 1);
  assert.equal(bob.attempts, 3, 'no third retry');
  assert.equal(bob.state, 'bounced');
  assert.equal(dsn.message['arrival-date'], formatRfc5322Date(T0));
  assert.deepEqual(dsn.recipients, [
    {
      'final-recipient': 'rfc822; bob@example.com',
      action: 'failed',
      status: '5.4.7',
      'diagnostic-code': `smtp; 451 ${TRY_LATER}`,
      'last-attempt-date': formatRfc5322Date(T0 + seconds(120)),
    },
  ]);
  assert.match(dsn.parsed.text ?? '', /<bob@example\.com>: Delivery expired: not delivered after 3 attempt\(s\) \(last reply: 451 4\.3\.0 /);
  assert.equal(counter(engine, 'hardBouncedExpired').uptime, 1);
});

test('expiry by time: past max_queue_lifetime the recipient bounces with 5.4.7 at its next due time', async () => {
  rig = await rigDeferringBob();
  const { engine, backend } = rig;
  await setProfile(engine, 'Default', { max_queue_lifetime: 300 });
  const msg = await send(engine, { to: ['bob@example.com'] });
  const bob = msg.rcpts[0];
  // The default schedule: waits of 60, 120, 240 s after each failure.
  await advanceTo(engine, T0, () => bob.attempts === 1, 'the first attempt');
  await advanceTo(engine, T0 + seconds(60), () => bob.attempts === 2, 'retry 1');
  await advanceTo(engine, T0 + seconds(180), () => bob.attempts === 3, 'retry 2');
  assert.equal(bob.nextAt, T0 + seconds(420));
  await noDsnYet();
  engineParts(engine).clock.advance(seconds(419 - 180));
  await noDsnYet();
  engineParts(engine).clock.advance(seconds(1));
  const [dsn] = await dsnsAt(backend, 1);
  assert.equal(bob.attempts, 3);
  assert.equal(dsn.message['arrival-date'], formatRfc5322Date(T0));
  assert.equal(dsn.recipients[0].status, '5.4.7');
  assert.equal(dsn.recipients[0]['last-attempt-date'], formatRfc5322Date(T0 + seconds(180)));
  assert.match(dsn.parsed.text ?? '', /<bob@example\.com>: Delivery expired: the message was in the queue longer than 300 seconds \(last reply: 451/);
  assert.equal(dsn.parsed.date?.getTime(), T0 + seconds(420), 'dated when it was generated');
});

test('a recipient that never got an answer expires without Diagnostic-Code, the reason in the text', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  // example.com goes to a port where nothing listens; the DSN (to example.org) to the backend.
  const next = configCopy(engine);
  next.routes.unshift({ domain: 'example.com', hosts: [{ host: '127.0.0.1', port: 1 }] });
  next.bounceProfiles.Default.max_queue_lifetime = 100;
  await engine.api.applyConfig(next);
  const msg = await send(engine, { to: ['bob@example.com'] });
  await advanceTo(engine, T0, () => msg.rcpts[0].attempts === 1, 'the first attempt');
  engineParts(engine).clock.advance(seconds(3600));
  const [dsn] = await dsnsAt(backend, 1);
  assert.equal(dsn.recipients[0].status, '5.4.7');
  assert.equal(dsn.recipients[0]['diagnostic-code'], undefined);
  assert.equal(dsn.recipients[0]['remote-mta'], undefined);
  assert.equal(dsn.recipients[0]['last-attempt-date'], formatRfc5322Date(T0));
  assert.match(
    dsn.parsed.text ?? '',
    /<bob@example\.com>: Delivery expired: the message was in the queue longer than 100 seconds \(last error: ECONNREFUSED\)/,
  );
});

test('a bounce storm: every DSN still carries its original (the spool file waits for it)', async () => {
  rig = await startRig();
  const { engine, backend } = rig;
  const next = configCopy(engine);
  next.routes.unshift({ domain: 'example.com', hosts: [{ host: '127.0.0.1', port: 1 }] });
  next.bounceProfiles.Default.max_queue_lifetime = 100;
  await engine.api.applyConfig(next);
  const msgs = [];
  for (let i = 0; i < 12; i++) msgs.push(await send(engine, { to: [`user${i}@example.com`], subject: `storm ${i}` }));
  await engine.idle();
  // All expire in one timer turn, more than the generator builds at once.
  engineParts(engine).clock.advance(seconds(3600));
  const dsns = await dsnsAt(backend, 12);
  const subjects = dsns.map((d) => /Subject: (storm \d+)/.exec(d.original?.toString() ?? '')?.[1]).sort();
  assert.deepEqual(subjects, msgs.map((_, i) => `storm ${i}`).sort());
  assert.ok(dsns.every((d) => d.partTypes[1] === 'message/rfc822'));
  await generator(engine).idle();
  await engine.idle();
  assert.equal(engine.api.gauges().queuedMessages, 0, 'the originals left the queue after their DSNs were built');
});
