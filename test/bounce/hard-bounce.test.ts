// Hard bounces over real SMTP: a 550 for one of two recipients gives its sender one DSN, and the
// profile options (status parsing, alternate address, bounces off, DSN format off, copy limit) act.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { formatRfc5322Date } from '../../src/model/format-date.js';
import { counter, readMailLog, waitFor } from '../helpers/harness.js';
import { dsnsAt, generator, send, setProfile, startRig, T0, type BounceRig } from './bounce-fixtures.js';

let rig: BounceRig;

afterEach(async () => {
  await rig.close();
});

const UNKNOWN = '5.1.1 <carol@example.com>: Recipient address rejected: User unknown';

/** A rig whose backend refuses carol@example.com with a 550. */
async function rigRefusingCarol(): Promise<BounceRig> {
  const r = await startRig();
  r.backend.policy = (rcpt) => (rcpt === 'carol@example.com' ? { code: 550, text: UNKNOWN } : undefined);
  return r;
}

const mailLog = () => readMailLog(rig.engine);

test('a 550 for one of two recipients: the other is delivered, the sender gets one DSN for the failed one', async () => {
  rig = await rigRefusingCarol();
  const { engine, backend } = rig;
  const msg = await send(engine, { to: ['bob@example.com', 'carol@example.com'], subject: 'quarterly numbers' });
  const mid = msg.envelope.mid;
  const [dsn] = await dsnsAt(backend, 1);
  await waitFor(() => engine.api.gauges().queuedMessages === 0, 'the queue to empty');
  await engine.idle();

  const originals = backend.messages.filter((m) => m.from === 'alice@example.org');
  assert.deepEqual(
    originals.map((m) => m.to),
    [['bob@example.com']],
    'bob got it, carol did not',
  );
  assert.equal(backend.dsns().length, 1, 'one DSN');
  assert.deepEqual(backend.dsns()[0].to, ['alice@example.org'], 'to the envelope sender, from <>');

  const p = dsn.parsed;
  assert.equal(p.from?.value[0].address, 'MAILER-DAEMON@mail.example.com');
  assert.equal(p.subject, 'Delivery Status Notification (Failure)');
  assert.equal(p.headers.get('auto-submitted'), 'auto-replied');
  assert.equal((p.headers.get('content-type') as { value: string }).value, 'multipart/report');
  assert.deepEqual(dsn.message, { 'reporting-mta': 'dns; mail.example.com', 'arrival-date': formatRfc5322Date(T0) });
  assert.deepEqual(dsn.recipients, [
    {
      'final-recipient': 'rfc822; carol@example.com',
      action: 'failed',
      status: '5.0.0',
      'remote-mta': 'dns; 127.0.0.1',
      'diagnostic-code': `smtp; 550 ${UNKNOWN}`,
      'last-attempt-date': formatRfc5322Date(T0),
    },
  ]);
  assert.deepEqual(dsn.partTypes, ['message/delivery-status', 'message/rfc822']);
  assert.match(dsn.original!.toString(), /^Received: [\s\S]*Subject: quarterly numbers\r\n[\s\S]*\r\n\r\nhello/);

  const log = await mailLog();
  const generated = new RegExp(`Info: MID (\\d+) was generated for bounce of MID ${mid}\\n`).exec(log);
  assert.ok(generated, 'the generated line is logged');
  assert.match(log, new RegExp(`Delivery start DCID \\d+ MID ${generated[1]} to RID \\[0\\]`), 'the DSN is delivered like any mail');
  assert.equal(counter(engine, 'genBounceRecipients').uptime, 1);
  assert.equal(counter(engine, 'hardBounced5xx').uptime, 1);
  assert.equal(counter(engine, 'deliveredRecipients').uptime, 2, 'bob and the DSN');
});

test('use_bounce_response_code: the DSN Status is the remote enhanced code', async () => {
  rig = await rigRefusingCarol();
  await setProfile(rig.engine, 'Default', { use_bounce_response_code: true });
  await send(rig.engine, { to: ['carol@example.com'] });
  const [dsn] = await dsnsAt(rig.backend, 1);
  assert.equal(dsn.recipients[0].status, '5.1.1');
});

test('an alternate address receives the DSN instead of the sender', async () => {
  rig = await rigRefusingCarol();
  await setProfile(rig.engine, 'Default', { bounce_address: 'postmaster@example.net', bounce_subject: 'Undeliverable' });
  await send(rig.engine, { to: ['carol@example.com'] });
  const [dsn] = await dsnsAt(rig.backend, 1);
  assert.deepEqual(rig.backend.dsns()[0].to, ['postmaster@example.net']);
  assert.equal((dsn.parsed.to as { value: { address: string }[] }).value[0].address, 'postmaster@example.net');
  assert.equal(dsn.parsed.subject, 'Undeliverable');
});

test('send_bounces off: the recipient is hard-bounced, no DSN goes out', async () => {
  rig = await rigRefusingCarol();
  await setProfile(rig.engine, 'Default', { send_bounces: false });
  await send(rig.engine, { to: ['carol@example.com'] });
  await waitFor(() => counter(rig.engine, 'hardBounced5xx').uptime === 1, 'the hard bounce');
  await generator(rig.engine).idle();
  await waitFor(() => rig.engine.api.gauges().queuedMessages === 0, 'the queue to empty');
  await rig.engine.idle();
  assert.equal(rig.backend.dsns().length, 0);
  assert.equal(counter(rig.engine, 'genBounceRecipients').uptime, 0);
});

test('DSN format off: a plain-text bounce, no multipart/report', async () => {
  rig = await rigRefusingCarol();
  await setProfile(rig.engine, 'Default', { use_dsn_bounce_format: false });
  await send(rig.engine, { to: ['carol@example.com'], subject: 'plain please' });
  const [dsn] = await dsnsAt(rig.backend, 1);
  assert.equal((dsn.parsed.headers.get('content-type') as { value: string }).value, 'text/plain');
  assert.deepEqual(dsn.partTypes, []);
  assert.equal(dsn.parsed.from?.value[0].address, 'MAILER-DAEMON@mail.example.com');
  assert.equal(dsn.parsed.subject, 'Delivery Status Notification (Failure)');
  const text = dsn.parsed.text ?? '';
  assert.match(text, new RegExp(`<carol@example\\.com>: 550 ${UNKNOWN.replace(/[.<>]/g, '\\$&')}`));
  assert.match(text, /Subject: plain please/, 'the original follows');
});

test('a 200 KB message comes back as its headers only (text/rfc822-headers)', async () => {
  rig = await rigRefusingCarol();
  const line = 'x'.repeat(98) + '\r\n';
  await send(rig.engine, { to: ['carol@example.com'], subject: 'big one', body: line.repeat(2048) });
  const [dsn] = await dsnsAt(rig.backend, 1);
  assert.deepEqual(dsn.partTypes, ['message/delivery-status', 'text/rfc822-headers']);
  const headers = dsn.original!.toString();
  assert.match(headers, /^Received: [\s\S]*Subject: big one\r\n/);
  assert.ok(!headers.includes('xxxx'), 'no body');
  assert.ok(rig.backend.dsns()[0].content.length < 10_000, 'the DSN stays small');
});
