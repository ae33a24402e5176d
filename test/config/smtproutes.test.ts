// smtproutes on real SMTP peers: a committed route change sends the next delivery to the new
// backend and nothing before the commit; a route's hosts are tried in order, the next one when
// a host refuses the connection or answers 4xx; /dev/null drops mail as delivered; bad answers
// are refused with the appliance's words and asked again, and nothing is half-applied.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { parseDestinations } from '../../src/model/route-hosts.js';
import { trialOrder } from '../../src/engine/delivery/routes.js';
import type { Engine } from '../../src/engine/engine.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { counter, listenerPort, readMailLog, removeDir, sendMail, startBackend, startEngine, waitFor } from '../helpers/harness.js';
import { CountingBackend, operator } from './config-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engineTo(port: number, lingerMs = 200): Promise<Engine> {
  const engine = await startEngine({ backendPort: port, accept: ['example.com', 'example.net'], connectionLingerMs: lingerMs });
  cleanups.push(async () => {
    await engine.stop();
    await removeDir(engine.api.dataDir);
  });
  return engine;
}

async function backend(host = '127.0.0.1'): Promise<BackendServer> {
  const b = new BackendServer({ host, port: 0, keep: true });
  await b.start();
  cleanups.push(() => b.stop());
  return b;
}

const to = (b: BackendServer) => b.messages.flatMap((m) => m.to);

test('a committed route change: the next delivery goes to the new backend, none before the commit', async () => {
  const oldBackend = await startBackend();
  cleanups.push(() => oldBackend.stop());
  const newBackend = await backend();
  // Connections linger long: the one open to the old backend must not carry mail after the commit.
  const engine = await engineTo(oldBackend.port, 30_000);
  const op = operator(engine);
  const port = listenerPort(engine);

  const made = await op.run(`smtproutes new example.com 127.0.0.1:${newBackend.port}`);
  assert.ok(made.ok, made.output);
  assert.match(made.output, /Created SMTP route "example\.com": 127\.0\.0\.1:\d+\./);
  await sendMail(port, { to: 'before@example.com' });
  await waitFor(() => oldBackend.messages.length === 1, 'delivery before the commit');
  assert.deepEqual(to(newBackend), [], 'an uncommitted route changes nothing');
  assert.equal(engine.api.outboundConnections('all'), 1, 'the connection to the old backend is still open');

  assert.ok((await op.run('commit "example.com moves"')).ok);
  await sendMail(port, { to: 'after@example.com' });
  await waitFor(() => newBackend.messages.length === 1, 'delivery after the commit');
  assert.deepEqual(to(newBackend), ['after@example.com']);
  assert.deepEqual(to(oldBackend), ['before@example.com'], 'nothing more at the old backend');
  // Other domains still follow the default route.
  await sendMail(port, { to: 'other@example.net' });
  await waitFor(() => oldBackend.messages.length === 2, 'example.net on the default route');
  assert.equal(engine.api.config().routes.find((r) => r.domain === 'example.com')?.hosts[0].port, newBackend.port);
});

test('two hosts, the first down: the mail arrives at the second', async () => {
  const second = await backend();
  const engine = await engineTo(1);
  const op = operator(engine);
  // 127.0.0.2 is loopback too, and nothing listens there.
  assert.ok((await op.run(`smtproutes new example.com 127.0.0.2:${second.port}, 127.0.0.1:${second.port}`)).ok);
  assert.ok((await op.run('commit "two hosts"')).ok);
  await sendMail(listenerPort(engine), { to: 'bob@example.com' });
  await waitFor(() => second.messages.length === 1, 'delivery to the second host');
  const log = await readMailLog(engine);
  assert.match(log, new RegExp(`Connection Error: DCID \\d+ domain: example\\.com IP: 127\\.0\\.0\\.2 port: ${second.port} details: ECONNREFUSED`));
  assert.match(log, new RegExp(`New SMTP DCID \\d+ interface 127\\.0\\.0\\.1 address 127\\.0\\.0\\.1 port ${second.port}`));
  assert.equal(engine.api.hostStatus('example.com')?.down, false);
});

test('a 4xx from the first host falls through to the next: at RCPT, and at the greeting', async () => {
  const first = new CountingBackend();
  await first.start();
  cleanups.push(() => first.stop());
  const second = await backend('127.0.0.2');
  const engine = await engineTo(1);
  const op = operator(engine);
  assert.ok((await op.run(`smtproutes new example.com 127.0.0.1:${first.port},127.0.0.2:${second.port}`)).ok);
  assert.ok((await op.run('commit "fall-through"')).ok);
  const port = listenerPort(engine);

  first.rcptReply = { code: 451, text: '4.3.0 Try again later' };
  await sendMail(port, { to: ['a@example.com', 'b@example.com'] });
  await waitFor(() => second.messages.length === 1, 'delivery to the second host after a 451 at RCPT');
  assert.deepEqual(to(second), ['a@example.com', 'b@example.com']);
  assert.equal(first.connections, 1, 'the first host was asked first');
  assert.equal(first.recipients.length, 0);
  await waitFor(() => engine.api.gauges().queuedMessages === 0, 'the queue to empty');
  const log = await readMailLog(engine);
  assert.match(
    log,
    new RegExp(`Delayed: DCID \\d+ MID \\d+ by 127\\.0\\.0\\.1 port ${first.port} - \\('451', \\['Try again later'\\]\\) - trying the next host of the route`),
  );
  assert.doesNotMatch(log, /pending till/, 'no retry was scheduled');

  first.rcptReply = undefined;
  first.greetingReply = { code: 421, text: '4.3.2 Too busy' };
  await sendMail(port, { to: 'c@example.com' });
  await waitFor(() => second.messages.length === 2, 'delivery to the second host after a 421 greeting');

  // With one host a 4xx is just a soft bounce: the mail waits for its retry.
  first.greetingReply = undefined;
  first.rcptReply = { code: 451, text: '4.3.0 Try again later' };
  assert.ok((await op.run(`smtproutes edit example.com remove 127.0.0.2:${second.port}`)).ok);
  assert.ok((await op.run('commit "one host"')).ok);
  await sendMail(port, { to: 'd@example.com' });
  await waitFor(async () => /to RID \[0\] pending till/.test(await readMailLog(engine)), 'the soft bounce');
  assert.equal(second.messages.length, 2);
});

test('a /dev/null route drops the mail as delivered and logs it', async () => {
  const b = await backend();
  const engine = await engineTo(b.port);
  const op = operator(engine);
  assert.ok((await op.run('smtproutes new example.net /dev/null')).ok);
  assert.ok((await op.run('commit "discard example.net"')).ok);
  await sendMail(listenerPort(engine), { to: ['x@example.net', 'y@example.com'] });
  await waitFor(() => b.messages.length === 1 && engine.api.gauges().queuedMessages === 0, 'example.com delivered, example.net dropped');
  assert.deepEqual(to(b), ['y@example.com']);
  const log = await readMailLog(engine);
  assert.match(log, /MID \d+ RID \[0\] Response '2\.0\.0 Delivered to \/dev\/null'/);
  assert.equal(counter(engine, 'deliveredRecipients').uptime, 2);
  assert.equal(engine.api.outboundConnections('all') <= 1, true, '/dev/null opens no connection');
});

test('invalid answers: the reason, then the same question; an abandoned dialog leaves nothing pending', async () => {
  const engine = await engineTo(1);
  const op = operator(engine);
  const r = await op.run(
    'smtproutes',
    'new',
    'example.org',
    'mx1.example.org, mx1.example.org:2525',
    'bad host',
    'USEDNS, mx.example.org',
    'mx1.example.org:2525/pri=2, [10.0.0.1]',
    '',
  );
  assert.ok(r.ok, r.output);
  assert.match(r.output, /The host mx1\.example\.org is already using the standard port\.\n/);
  assert.match(r.output, /Invalid hostname format "bad host"\.\n/);
  assert.match(r.output, /USEDNS must be entered by itself\.\n/);
  const destQuestions = op.asked.filter((q) => q.startsWith('Enter the destination hosts, separated by commas'));
  assert.equal(destQuestions.length, 4, 'asked again after each refusal');
  assert.deepEqual(op.session.pending.descriptions, ['Created SMTP route "example.org": mx1.example.org:2525/pri=2, [10.0.0.1].']);

  // Delete needs a yes; an EDIT cut short (end of input) records nothing of it.
  await op.run('smtproutes', 'delete', 'example.org', 'n', '');
  await op.run('smtproutes', 'edit', 'example.org', '', 'add', 'backup.example.org');
  await op.run('smtproutes', 'clear', 'n', '');
  assert.equal(op.session.pending.descriptions.length, 1);
  assert.equal(engine.api.config().routes.length, 1, 'nothing reaches the engine before commit');

  // Batch: one bad host refuses the whole line.
  const bad = await op.run('smtproutes new example.edu a.example.edu,b.example.edu:99999');
  assert.equal(bad.ok, false);
  assert.equal(bad.error, 'The port of "b.example.edu:99999": Value must be an integer from 1 to 65,535.');
  assert.equal(op.session.pending.descriptions.length, 1);

  const all = await op.run('smtproutes', 'delete', 'ALL', 'y', '');
  assert.match(all.output, /Are you sure you want to reset the default route\?\n\[N\]> y/);
  const cleared = await op.run('smtproutes', 'clear', 'y', '');
  assert.match(cleared.output, /Are you sure you want to delete all of the configured routes\?\n\[N\]> y/);
  assert.ok((await op.run('commit "no routes"')).ok);
  assert.deepEqual(engine.api.config().routes, []);
});

test('host syntax: ports, priorities, [address only], and the trial order', () => {
  const p = parseDestinations('b.example.com/pri=10, a.example.com:2525/pri=0, [10.0.0.1], c.example.com');
  assert.ok('value' in p);
  assert.deepEqual(p.value.hosts, [
    { host: 'b.example.com', port: 25, priority: 10 },
    { host: 'a.example.com', port: 2525, priority: 0 },
    { host: '10.0.0.1', port: 25, addressOnly: true },
    { host: 'c.example.com', port: 25 },
  ]);
  assert.deepEqual(
    trialOrder(p.value.hosts).map((h) => h.host),
    ['a.example.com', '10.0.0.1', 'c.example.com', 'b.example.com'],
    'lowest priority first (unset is 0), equal ones in the order entered',
  );
  assert.deepEqual(parseDestinations('/DEV/NULL'), { value: { hosts: [], special: '/dev/null' } });
  assert.deepEqual(parseDestinations('usedns'), { value: { hosts: [], special: 'USEDNS' } });
  assert.deepEqual(parseDestinations('a.example.com:2525, a.example.com:2526'), { error: 'The host a.example.com already has an alternate port (2525).' });
  assert.deepEqual(parseDestinations('300.1.1.1'), { error: 'Invalid hostname format "300.1.1.1".' });
  assert.deepEqual(parseDestinations('a.example.com/pri=70000'), {
    error: 'The priority of "a.example.com/pri=70000": Value must be an integer from 0 to 65,535.',
  });
  const many = Array.from({ length: 101 }, (_, i) => `h${i}.example.com`).join(',');
  assert.deepEqual(parseDestinations(many), { error: 'Routes may not contain more than 100 destinations.' });
});
