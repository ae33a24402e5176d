// What the CLI commands do, seen from outside: real SMTP clients, a real backend, the mail
// log and the queue, driven through the control socket as an operator would.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { counter, listenerPort, readMailLog, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { batch, oneLine, startCliEngine, type CliEngine } from './cli-harness.js';

let cli: CliEngine;
let backend: BackendServer;

afterEach(async () => {
  await cli?.stop();
  await backend?.stop();
});

async function setup(accept = ['example.com']): Promise<void> {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port, accept });
}

async function ok(line: string): Promise<string> {
  const r = await oneLine(cli.socket, line);
  assert.equal(r.code, 0, `${line}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const mailLog = () => readMailLog(cli.engine);

test('suspendlistener: new connections get 421 4.3.2; resume: mail is accepted again', async () => {
  await setup();
  const port = listenerPort(cli.engine);
  const r = await batch(cli.socket, 'suspendlistener\n\n0\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Receiving suspended for IncomingMail\./);
  const refused = await sendMail(port, { to: 'bob@example.com' });
  assert.equal(refused.ok, false);
  assert.match(refused.response, /^421 4\.3\.2 mail\.example\.com Service not available, closing transmission channel/);
  assert.match(await ok('status'), /System status:\s+Receiving suspended/);

  assert.match(await ok('resume'), /Receiving resumed for IncomingMail\.\nMail delivery was not suspended\./);
  const accepted = await sendMail(port, { to: 'bob@example.com' });
  assert.match(accepted.response, /^250 2\.0\.0 Ok: Message \d+ accepted/);
  assert.match(await ok('status'), /System status:\s+Online/);
});

test('suspenddel holds queued mail without attempts; resumedel delivers it', async () => {
  await setup();
  assert.match(await ok('suspenddel'), /Mail delivery suspended\./);
  assert.match(await ok('status'), /System status:\s+Delivery suspended/);
  const r = await sendMail(listenerPort(cli.engine), { to: ['bob@example.com', 'carol@example.com'] });
  assert.equal(r.ok, true, r.response);
  await cli.engine.idle();
  engineParts(cli.engine).clock.advance(3_600_000);
  await cli.engine.idle();
  assert.equal(backend.messages.length, 0, 'nothing is attempted while suspended');
  const msg = [...engineParts(cli.engine).queue.messages.values()][0];
  assert.deepEqual(
    msg.rcpts.map((x) => x.attempts),
    [0, 0],
  );

  const out = await batch(cli.socket, 'resumedel\nALL\n');
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Mail delivery resumed\./);
  await waitFor(() => backend.messages.length === 1, 'delivery after resumedel');
  assert.deepEqual(backend.messages[0].to, ['bob@example.com', 'carol@example.com']);
  await waitFor(() => cli.engine.api.gauges().queuedMessages === 0, 'the queue to empty');
});

test('suspenddel for one domain holds only that domain', async () => {
  await setup(['example.com', 'example.net']);
  assert.match(await ok('suspenddel example.net 0'), /Mail delivery suspended for example\.net\./);
  await sendMail(listenerPort(cli.engine), { to: 'bob@example.net' });
  await sendMail(listenerPort(cli.engine), { to: 'bob@example.com' });
  await waitFor(() => backend.messages.length === 1, 'the other domain is delivered');
  assert.deepEqual(backend.messages[0].to, ['bob@example.com']);
  await cli.engine.idle();
  assert.equal(backend.messages.length, 1);
  assert.match(await ok('resumedel example.net'), /Mail delivery resumed\./);
  await waitFor(() => backend.messages.length === 2, 'the held domain after resumedel');
});

test('after the backend returns, delivernow empties the queue at once (no clock advance)', async () => {
  await setup();
  await backend.setMode('down');
  for (let i = 0; i < 3; i++) await sendMail(listenerPort(cli.engine), { to: `user${i}@example.com` });
  const dest = () => cli.engine.api.hostStatus('example.com');
  await waitFor(() => dest()?.down === true, 'the host to be marked down');
  await backend.setMode('up');
  await cli.engine.idle();
  assert.equal(cli.engine.api.gauges().queuedMessages, 3, 'still queued: the host retry time has not come');
  const out = await batch(cli.socket, 'delivernow\nALL\n');
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Rescheduling all messages for immediate delivery\./);
  await waitFor(() => cli.engine.api.gauges().queuedMessages === 0, 'the queue to empty after delivernow');
  assert.equal(backend.messages.length, 3);
});

test('delivernow <domain> for one domain; an unknown domain is reported', async () => {
  await setup();
  await backend.setMode('tempfail');
  await sendMail(listenerPort(cli.engine), { to: 'bob@example.com' });
  await waitFor(() => counter(cli.engine, 'softBouncedEvents').uptime === 1, 'a soft bounce');
  await backend.setMode('up');
  assert.match(await ok('delivernow example.org'), /There are no messages queued for example\.org\./);
  assert.match(await ok('delivernow EXAMPLE.com'), /Rescheduling all messages to example\.com for immediate delivery\./);
  await waitFor(() => backend.messages.length === 1, 'delivery after delivernow');
});

test('a committed bounceconfig edit changes the retry times of real delivery; an uncommitted one does not', async () => {
  await setup();
  await backend.setMode('tempfail');
  const port = listenerPort(cli.engine);
  const firstRetryAfter = async (to: string): Promise<number> => {
    const r = await sendMail(port, { to });
    const mid = Number(/Message (\d+) accepted/.exec(r.response)?.[1]);
    const msg = engineParts(cli.engine).queue.messages.get(mid)!;
    await waitFor(() => msg.rcpts[0].attempts === 1, 'the first attempt');
    return (msg.rcpts[0].nextAt - msg.rcpts[0].lastAttemptAt) / 1000;
  };

  // Pending in a session that stays open, never committed.
  const uncommitted = await batch(cli.socket, 'bounceconfig edit Default initial_retry=120\nshowchanges\n');
  assert.equal(uncommitted.code, 0, uncommitted.stderr);
  assert.match(uncommitted.stderr, /1 uncommitted change\(s\) discarded/);
  assert.equal(await firstRetryAfter('one@example.com'), 60);

  const committed = await oneLine(cli.socket, 'bounceconfig edit Default initial_retry=120; commit "slower first retry"');
  assert.equal(committed.code, 0, committed.stderr);
  assert.match(committed.stdout, /Changes committed: \w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4} UTC/);
  assert.equal(cli.engine.api.config().bounceProfiles.Default.initial_retry, 120);
  assert.equal(cli.engine.api.config().commits.at(-1)?.comment, 'slower first retry');
  assert.equal(await firstRetryAfter('two@example.com'), 120);

  const log = await mailLog();
  const pendingTill = [...log.matchAll(/MID \d+ to RID \[0\] pending till (.+) \[Default\]/g)].map((m) => Date.parse(`${m[1]} UTC`));
  assert.equal(pendingTill.length, 2);
  const now = cli.engine.api.now();
  assert.deepEqual(
    pendingTill.map((t) => Math.round((t - now) / 1000)),
    [60, 120],
  );
});

test('tophosts counts what was sent and delivered, with * while the backend is down', async () => {
  await setup(['example.com', 'example.net']);
  const port = listenerPort(cli.engine);
  for (let i = 0; i < 3; i++) await sendMail(port, { to: `u${i}@example.com` });
  await waitFor(() => backend.messages.length === 3, 'delivery');
  await backend.setMode('down');
  await sendMail(port, { to: ['a@example.net', 'b@example.net'] });
  await sendMail(port, { to: 'c@example.net' });
  await waitFor(() => cli.engine.api.hostStatus('example.net')?.down === true, 'example.net down');
  await waitFor(() => cli.engine.api.outboundConnections('all') === 0, 'connections to close');

  const out = await ok('tophosts 1');
  const rows = out.split('\n').filter((l) => /^\s*\d+[* ] /.test(l));
  assert.deepEqual(
    rows.map((l) => l.trim().split(/\s+/)),
    [
      ['1*', 'example.net', '3', '0', '0', '1', '0'],
      ['2', 'example.com', '0', '0', '3', '0', '0'],
    ],
  );
  const lines = out.split('\n');
  const asOf = lines.findIndex((l) => l.startsWith('Status as of:'));
  assert.match(lines[asOf + 5], /^ 1\*  example\.net/, 'four lines between Status as of: and the first row');

  const byDelivered = await ok('tophosts delivered');
  assert.match(byDelivered.split('\n').filter((l) => /^\s*\d+[* ] /.test(l))[0], /^ 1   example\.com/);

  await backend.setMode('up');
  await ok('delivernow');
  await waitFor(() => cli.engine.api.gauges().queuedMessages === 0, 'the queue to empty');
  await waitFor(() => cli.engine.api.outboundConnections('all') === 0, 'connections to close');
  const after = await ok('tophosts');
  assert.doesNotMatch(after, /\*  example\.net/);
  assert.match(after, / 1   example\.com\s+0\s+0\s+3\s+0\s+0\n/);
  assert.match(after, / 2   example\.net\s+0\s+0\s+3\s+1\s+0\n/);

  await ok('resetcounters');
  assert.match(await ok('tophosts'), / 1   example\.com\s+0\s+0\s+0\s+0\s+0\n/);
});
