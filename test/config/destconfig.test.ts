// destconfig on real SMTP peers: a concurrency limit counted at the backend, messages per
// connection, and a destination's bounce profile that expires that domain's mail (DSN, on the
// simulated clock) while another domain's mail keeps waiting; bad answers are refused with the
// appliance's words and asked again, and an abandoned dialog leaves nothing pending.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { dsnsAt, generator, seconds, send, T0 } from '../bounce/bounce-fixtures.js';
import { listenerPort, readMailLog, removeDir, sendMail, startEngine, waitFor } from '../helpers/harness.js';
import { CountingBackend, operator } from './config-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function countingRig(): Promise<{ engine: Engine; backend: CountingBackend }> {
  const backend = new CountingBackend();
  await backend.start();
  cleanups.push(() => backend.stop());
  const engine = await startEngine({ backendPort: backend.port, accept: ['example.com', 'example.net'] });
  cleanups.push(async () => {
    await engine.stop();
    await removeDir(engine.api.dataDir);
  });
  return { engine, backend };
}

/** Sends `n` messages, one recipient each, over separate SMTP sessions. */
async function sendEach(engine: Engine, domain: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await sendMail(listenerPort(engine), { to: `user${i}@${domain}` });
    assert.ok(r.ok, r.response);
  }
}

test('concurrency 1: never more than one open connection at the backend (DEFAULT allows more)', async () => {
  const { engine, backend } = await countingRig();
  const op = operator(engine);
  assert.ok((await op.run('destconfig new example.com concurrency=1')).ok);
  assert.ok((await op.run('commit "one at a time"')).ok);

  // Without an entry, the DEFAULT limit (10): the held messages use several connections.
  backend.hold = true;
  await sendEach(engine, 'example.net', 4);
  await waitFor(() => backend.open >= 2, 'more than one connection for example.net');
  backend.release();
  await waitFor(() => backend.recipients.length === 4 && backend.open === 0, 'example.net delivered');

  backend.maxOpen = 0;
  backend.hold = true;
  await sendEach(engine, 'example.com', 4);
  await waitFor(() => backend.waiting === 1, 'the first example.com message held');
  // The three others were due when they were queued: the engine would have opened their
  // connections then. It counts one, open or being opened.
  const host = engine.api.hostStatus('example.com')!;
  assert.equal(host.connectionsOut + host.pendingConnections, 1, 'one connection while three messages wait');
  assert.equal(backend.open, 1);
  assert.equal(engine.api.hostStatus('example.com')?.activeRecipients, 4);
  backend.release();
  await waitFor(() => backend.recipients.length === 8, 'example.com delivered');
  assert.equal(backend.maxOpen, 1);
});

test('messages per connection: the connection closes after N messages and another opens', async () => {
  const { engine, backend } = await countingRig();
  const op = operator(engine);
  assert.ok((await op.run('destconfig new example.com concurrency=1 max_messages=2')).ok);
  assert.ok((await op.run('commit "two per connection"')).ok);
  backend.hold = true;
  await sendEach(engine, 'example.com', 5);
  await waitFor(() => backend.waiting === 1, 'the first message held');
  backend.release();
  await waitFor(() => backend.recipients.length === 5 && backend.open === 0, 'all delivered, connections closed');
  assert.deepEqual(backend.perConnection, [2, 2, 1]);
  assert.equal(backend.maxOpen, 1);
});

/** The bounce tests' rig (clock frozen at T0, a policy backend), accepting example.com and example.net. */
async function startBounceRig(): Promise<{ engine: Engine; backend: BackendServer }> {
  const backend = new BackendServer({ port: 0, keep: true });
  await backend.start();
  const engine = await startEngine({ backendPort: backend.port, clockStart: T0, accept: ['example.com', 'example.net'] });
  cleanups.push(async () => {
    await generator(engine).idle();
    await engine.stop();
    await backend.stop();
    await removeDir(engine.api.dataDir);
  });
  return { engine, backend };
}

test("a destination's bounce profile (10-minute lifetime) expires its mail with a DSN; other mail keeps waiting", async () => {
  const { engine, backend } = await startBounceRig();
  // Both domains answer 451; the DSNs (to the sender at example.org) are accepted.
  backend.policy = (rcpt) => (/@example\.(net|com)$/.test(rcpt) ? { code: 451, text: '4.3.0 Try again later' } : undefined);
  const op = operator(engine);
  const r = await op.run('destconfig', 'new', 'example.net', 'n', 'n', 'n', 'n', 'y', '2', 'Short', '');
  assert.ok(r.ok, r.output);
  assert.match(r.output, /Please select the bounce profile to apply:\n1\. Default\n2\. New Profile\n\[1\]> 2/);
  assert.ok((await op.run('bounceconfig edit Short max_queue_lifetime=600')).ok);
  assert.ok((await op.run('commit "example.net gives up after 10 minutes"')).ok);
  assert.equal(engine.api.config().destinations.find((d) => d.domain === 'example.net')?.bounceProfile, 'Short');

  const net = await send(engine, { to: ['a@example.net'] });
  const com = await send(engine, { to: ['b@example.com'] });
  await waitFor(() => net.rcpts[0].attempts === 1 && com.rcpts[0].attempts === 1, 'the first attempts');
  engineParts(engine).clock.advance(seconds(599));
  await generator(engine).idle();
  await engine.idle();
  assert.equal(backend.dsns().length, 0, 'no DSN within the 10 minutes');

  engineParts(engine).clock.advance(seconds(3600 - 599));
  const [dsn] = await dsnsAt(backend, 1);
  assert.equal(dsn.recipients[0]['final-recipient'], 'rfc822; a@example.net');
  assert.equal(dsn.recipients[0].status, '5.4.7');
  assert.match(dsn.parsed.text ?? '', /in the queue longer than 600 seconds/);
  assert.equal(net.rcpts[0].state, 'bounced');
  await engine.idle();
  assert.equal(com.rcpts[0].state, 'pending', 'example.com follows the Default profile (72 hours)');
  assert.ok(com.rcpts[0].attempts >= 2, 'and was tried again');
  assert.equal(backend.dsns().length, 1);
  const log = await readMailLog(engine);
  assert.match(log, /MID \d+ to RID \[0\] pending till .* \[Short\]/);
  assert.match(log, /MID \d+ to RID \[0\] pending till .* \[Default\]/);
  assert.equal(engine.api.now(), T0 + seconds(3600));
});

test('invalid answers: the reason, then the same question; an abandoned dialog leaves nothing pending', async () => {
  const { engine } = await countingRig();
  const op = operator(engine);
  // End of input after the refused answer: the dialog is abandoned.
  const cut = await op.run('destconfig', 'new', 'example.com', 'y', '0');
  assert.equal(cut.ok, false);
  assert.match(
    cut.output,
    /Enter the max concurrency limit for "example\.com"\.\n\[10\]> 0\n\nValue must be an integer from 1 to 1,000\.\n\nEnter the max concurrency limit for "example\.com"\.\n\[10\]> \n/,
  );
  assert.equal(op.session.pending.hasChanges, false);

  const r = await op.run('destconfig', 'new', 'ALL', 'example.com', 'y', '1001', '3', 'y', 'x', '7', 'n', 'n', 'y', '9', 'New Profile', '1bad', 'Fresh', '');
  assert.ok(r.ok, r.output);
  assert.match(r.output, /Use DEFAULT to change the settings of every other domain\./);
  assert.match(r.output, /Unknown option\./);
  assert.match(r.output, /A profile name must start with|bounce profile name must start with/);
  assert.deepEqual(op.session.pending.descriptions, [
    'Created destination "example.com": concurrency 3, messages per connection 7, bounce profile Fresh (new), TLS Default.',
  ]);
  const missing = await op.run('destconfig', 'delete', 'example.org', '');
  assert.match(missing.output, /The domain example\.org was not found in the destination control table\./);
  assert.equal(engine.api.config().destinations.length, 1, 'nothing reaches the engine before commit');
  assert.ok((await op.run('commit "example.com"')).ok);
  assert.deepEqual(
    engine.api.config().destinations.find((d) => d.domain === 'example.com'),
    {
      domain: 'example.com',
      concurrency: 3,
      maxMessagesPerConnection: 7,
      bounceProfile: 'Fresh',
    },
  );
  assert.deepEqual(engine.api.config().bounceProfiles.Fresh, {}, 'the new profile takes every value from Default');
  // A profile a destination uses may not be deleted.
  const del = await op.run('bounceconfig delete Fresh');
  assert.equal(del.ok, false);
});
