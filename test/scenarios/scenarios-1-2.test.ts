// Scenarios 1 and 2, each with two scripted trainees against a real sandbox: one who solves it
// (check passes, the debrief tells the right story) and one who does the wrong thing (check
// fails and the debrief says why). Outcomes are counted at the real backend's mailboxes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneLine, trainee } from './scenario-harness.js';

test('scenario 1, solved: the trainee waits for the backend and sends the queue with delivernow', async () => {
  const r = await trainee([
    'sim scenario start 1',
    'sim clock +30m',
    'tophosts active',
    'sim clock +1h',
    'sim scenario check',
    'delivernow ALL',
    'sim clock +5m',
    'sim scenario check',
    'sim scenario debrief',
    'sim graph',
  ]);
  assert.match(r.outputOf('tophosts active'), / 1\* {2}example\.com +8 /, 'the host is down with the queued mail');
  // Checked 15 minutes before its deadline: not over yet, nothing failed, nothing "NOT PASSED".
  const early = r.outputOf('sim scenario check');
  assert.match(oneLine(early), / wait 16 messages not delivered yet: the deadline is \w{3} \w{3} \d\d 10:45:00 \d{4} \(in 15m\) /);
  assert.doesNotMatch(early, /FAIL|NOT PASSED/);
  assert.match(early, /^Not over yet: every check must be ok by \+1h 45m \(in 15m\)\.$/m);
  assert.doesNotMatch(r.stderr, /NOT PASSED/);
  assert.match(r.outputOf('sim scenario check', 1), /^PASSED/m);
  assert.deepEqual(r.delivered, { 'example.com': 24 });
  assert.equal(r.bounceDsns, 0);
  const debrief = r.outputOf('sim scenario debrief');
  assert.match(debrief, /Totals: 24 delivered\./);
  assert.match(debrief, /#9 to user9@example\.com: accepted as MID \d+; delivered .*, 1h 1\dm( \d+s)? in the appliance/);
  assert.match(debrief, /Info: Message done DCID \d+ MID \d+ to RID \[0\]/);
  const graph = r.outputOf('sim graph');
  assert.match(graph, / +16 \|/);
  assert.match(graph, /backend \|_+x+_+/);
  assert.match(graph, /delivered \|d.*d +24/);
});

test('scenario 1, wrong: the trainee deletes the queue to empty it', async () => {
  const r = await trainee(['sim scenario start 1', 'sim clock +30m', 'deleterecipients all', 'sim clock +1h15m', 'sim scenario check', 'sim scenario debrief']);
  // Said once, as the check's failure (its report above it does not say it again).
  assert.equal(r.stderr.match(/NOT PASSED/g)?.length, 1, r.stderr);
  assert.equal(r.outputOf('sim scenario check').match(/NOT PASSED/g)?.length, 1, r.outputOf('sim scenario check'));
  assert.deepEqual(r.delivered, { 'example.com': 16 }, 'the first 8 and the last 8; the 8 deleted never arrive');
  assert.equal(r.bounceDsns, 0, 'deleted: no DSN, the senders do not know');
  const debrief = r.outputOf('sim scenario debrief');
  assert.match(debrief, /What went wrong:\n {2}- 8 of 24 messages did not arrive: 8 lost \(deleted without a DSN\)/);
  assert.match(debrief, /#9 to user9@example\.com: accepted as MID \d+; LOST: deleted from the queue without a DSN/);
  assert.match(debrief, /MID \d+ RID \[0\] deleted by/);
});

test('scenario 2, solved: suspendlistener before the maintenance, resume after; the senders keep their mail', async () => {
  const r = await trainee(['sim scenario start 2', 'suspendlistener ALL', 'sim clock +1h30m', 'resume', 'sim clock +20m', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.outputOf('sim scenario check'), /^PASSED/m);
  assert.match(r.outputOf('sim scenario check'), /queue held at most 0 \(limit 2\)/);
  assert.deepEqual(r.delivered, { 'example.com': 25 });
  assert.equal(r.bounceDsns, 0);
  const debrief = r.outputOf('sim scenario debrief');
  assert.match(debrief, /#6 to user6@example\.com: refused 6 times \(421 4\.3\.2 [^)]*\), kept by its sender 1h 30m; accepted as MID \d+; delivered/);
  assert.match(debrief, /Totals: 25 delivered\./);
});

test('scenario 2, wrong: no suspend; the appliance queues the mail during the maintenance', async () => {
  const r = await trainee(['sim scenario start 2', 'sim clock +2h', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.stderr, /NOT PASSED/);
  const debrief = r.outputOf('sim scenario debrief');
  assert.match(debrief, /What went wrong:\n {2}- while the backend was down the appliance's queue grew to 10 messages \(limit 2\): the listeners were taking mail in/);
  assert.match(debrief, /#11 to user11@example\.com: accepted as MID \d+; (delivered .*, (\d+m|1h \d+m)( \d+s)? in the appliance|still queued)/);
});

test('scenario 2, wrong: suspended but never resumed; the senders still hold their mail', async () => {
  const r = await trainee(['sim scenario start 2', 'suspendlistener ALL', 'sim clock +2h', 'sim scenario check', 'sim scenario debrief']);
  assert.match(r.stderr, /NOT PASSED/);
  assert.deepEqual(r.delivered, { 'example.com': 5 });
  assert.match(r.outputOf('sim scenario debrief'), /- 20 of 25 messages did not arrive: 20 kept by the senders \(refused\)/);
  assert.match(r.outputOf('sim scenario debrief'), /\(the sender's SMTP session at .*: 421 4\.3\.2 /);
});
