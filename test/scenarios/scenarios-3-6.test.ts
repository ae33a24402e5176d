// Scenarios 3 to 6, each with a scripted trainee who solves it and one who does the wrong thing,
// against a real sandbox; outcomes counted at the backend's mailboxes and the sender's DSNs.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { oneLine, trainee } from './scenario-harness.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof a === 'object' && a ? a.port : 0;
}

test('scenario 3, solved: a longer lifetime and delay warnings; nothing bounces in 96 h', async () => {
  const r = await trainee([
    'sim scenario start 3',
    'forecast',
    'bounceconfig edit Default max_queue_lifetime=432000 send_warnings=yes',
    'commit "long outage"',
    'sim clock +96h',
    'delivernow ALL',
    'sim clock +1h',
    'sim scenario check',
    'sim scenario debrief',
  ]);
  assert.match(r.outputOf('forecast'), /last bounce of profile Default: 10 recipient\(s\) in all|10 recipient\(s\) bounce \(profile Default, queue lifetime 3d\)/);
  assert.match(r.outputOf('sim scenario check'), /^PASSED/m);
  assert.deepEqual(r.delivered, { 'example.com': 10 });
  assert.equal(r.bounceDsns, 0);
  assert.equal(r.delayDsns, 10, 'one delay warning per message reached the sender');
  assert.match(r.outputOf('sim scenario debrief'), /#1 to user1@example\.com: accepted as MID \d+; delivered .*, 4d( \d+[hms])* in the appliance; 1 delay warning to the sender/);
});

test('scenario 3, wrong: the factory profile; the mail bounces after 72 h', async () => {
  const r = await trainee(['sim scenario start 3', 'sim clock +96h', 'delivernow ALL', 'sim clock +1h', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.stderr, /NOT PASSED/);
  assert.deepEqual(r.delivered, {});
  assert.equal(r.bounceDsns, 10, 'every sender got a failure DSN');
  const d = r.outputOf('sim scenario debrief');
  assert.match(d, /- 10 messages bounced with 5\.4\.7, the first after 3d( \d+[hms])* in the queue/);
  assert.match(d, /- the senders got no delay warning/);
  assert.match(d, /#1 to user1@example\.com: accepted as MID \d+; BOUNCED after 3d( \d+[hms])* in the queue \(5\.4\.7: queue lifetime used up\)/);
  assert.match(d, /Bounced: DCID 0 MID \d+ to RID \[0\] - 5\.4\.7 - Delivery expired/);
});

test('scenario 4, solved: the senders keep what got 452; acceptance resumes by itself', async () => {
  const r = await trainee(['sim scenario start 4', 'sim scenario status', 'sim clock +2h', 'sim scenario check', 'sim scenario debrief']);
  // Read as one line: a long line is wrapped at 80 columns.
  assert.match(oneLine(r.outputOf('sim scenario status')), /10 accepted, 5 refused \(452 4\.3\.1 /);
  assert.match(r.outputOf('sim scenario check'), /^PASSED/m);
  assert.match(oneLine(r.outputOf('sim scenario check')), /5 messages refused with 452 were kept by their senders and accepted later/);
  assert.deepEqual(r.delivered, { 'example.com': 15 });
  assert.match(r.outputOf('sim scenario debrief'), /#11 to user11@example\.com: refused \d+ times? \(452 4\.3\.1 [^)]*\), kept by its sender 1h \d+m; accepted as MID \d+; delivered/);
});

test('scenario 4, wrong: deleting queued mail to make room loses it', async () => {
  const r = await trainee(['sim scenario start 4', 'deleterecipients all', 'sim clock +2h', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.stderr, /NOT PASSED/);
  assert.deepEqual(r.delivered, { 'example.com': 5 });
  assert.match(r.outputOf('sim scenario debrief'), /- 10 of 15 messages did not arrive: 10 lost \(deleted without a DSN\)/);
});

test('scenario 5, solved: smtproutes to the new address, commit, delivernow', async () => {
  const port = await freePort();
  const r = await trainee(
    ['sim scenario start 5', 'tophosts active', `smtproutes edit ALL replace 127.0.0.1:${port}`, 'commit "Exchange moved"', 'delivernow ALL', 'sim clock +45m', 'sim scenario check', 'sim scenario debrief'],
    `127.0.0.1:${port}`,
  );
  assert.match(r.outputOf('sim scenario start 5'), new RegExp(`Exchange moved to a new address: 127\\.0\\.0\\.1:${port}\\.`));
  assert.match(r.outputOf('tophosts active'), / 1\* {2}example\.com +10 /);
  assert.match(r.outputOf('sim scenario check'), /^PASSED/m);
  assert.deepEqual(r.delivered, { 'example.com': 15 });
});

test('scenario 5, wrong: delivernow without fixing the route', async () => {
  const r = await trainee(['sim scenario start 5', 'delivernow ALL', 'sim clock +45m', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.stderr, /NOT PASSED/);
  assert.deepEqual(r.delivered, {});
  const d = r.outputOf('sim scenario debrief');
  assert.match(d, /- 15 of 15 messages did not arrive: 15 still queued in the appliance/);
  assert.match(d, /- the appliance's queue still holds 15 messages/);
});

test('scenario 6, solved: bouncerecipients for the dead host only', async () => {
  const r = await trainee(['sim scenario start 6', 'bouncerecipients host dead.example.net', 'sim clock +1h', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.outputOf('sim scenario check'), /^PASSED/m);
  assert.deepEqual(r.delivered, { 'example.com': 15 });
  assert.equal(r.bounceDsns, 5);
  assert.match(r.outputOf('sim scenario debrief'), /#11 to user11@dead\.example\.net: accepted as MID \d+; BOUNCED after 0s in the queue \(5\.0\.0\); DSN in the sender's mailbox/);
});

test('scenario 6, wrong: bouncing the dead domain too late', async () => {
  const r = await trainee(['sim scenario start 6', 'sim clock +3h', 'bouncerecipients host dead.example.net', 'sim clock +5m', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.stderr, /NOT PASSED/);
  assert.deepEqual(r.delivered, { 'example.com': 15 });
  assert.equal(r.bounceDsns, 5, 'the senders are told, but late');
  assert.match(r.outputOf('sim scenario debrief'), /- 5 of 5 messages to dead\.example\.net not bounced within 2h: 5 bounced \(some bounced too late\)/);
  assert.match(r.outputOf('sim scenario debrief'), /#11 to user11@dead\.example\.net: accepted as MID \d+; BOUNCED after 3h in the queue \(5\.0\.0\)/);
});

test('scenario 6, wrong: waiting; the senders to the dead domain are not told', async () => {
  const r = await trainee([
    'sim scenario start 6',
    'sim clock +1h',
    'sim scenario check',
    'sim clock +1h',
    'sim scenario check',
    'sim scenario debrief',
    'sim scenario stop',
    'sim scenario start 4',
    'tophosts active',
  ]);
  // Before the deadline the check is not over: the trainee may still bounce them.
  assert.match(r.outputOf('sim scenario check'), /^ {2}wait 5 of 5 messages to dead\.example\.net not bounced yet: 5 still queued/m);
  assert.match(r.stderr, /Not over yet: every check must be ok by \+2h \(in 1h\)\./);
  assert.match(r.stderr, /NOT PASSED/);
  assert.equal(r.bounceDsns, 0);
  assert.match(r.outputOf('sim scenario debrief'), /- 5 of 5 messages to dead\.example\.net not bounced within 2h: 5 still queued in the appliance/);
  // The next scenario starts from a clean appliance: the dead domain's mail and its down mark are gone.
  assert.match(oneLine(r.outputOf('sim scenario start 4')), /The appliance starts clean: counters reset, 5 queued message\(s\) deleted, 1 host\(s\) no longer marked down\./);
  const hosts = r.outputOf('tophosts active');
  assert.match(hosts, / 1\* {2}example\.com +10 +0 +0 /, 'this scenario\'s own host, down, its counters from 0');
  assert.match(hosts, /\d {3}dead\.example\.net +0 +0 +0 +0 +0\n/, 'no longer down, counters reset');
});
