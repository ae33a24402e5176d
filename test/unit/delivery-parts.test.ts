// The pure parts of delivery and the one writer of recipient state: attempt verdicts, host
// up/down, and the records' gauges and counters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counters } from '../../src/engine/counters.js';
import { judgeAttempt, nextAttemptAt } from '../../src/engine/delivery/attempt-outcome.js';
import { Destination } from '../../src/engine/delivery/destination.js';
import { HostStates } from '../../src/engine/delivery/host-state.js';
import type { TransactionOutcome } from '../../src/engine/delivery/outcome.js';
import { newMessage, newRecipients, type QueuedMessage } from '../../src/engine/queue/message.js';
import { QueueRecords } from '../../src/engine/queue/records.js';

const domainOf = (a: string) => a.slice(a.indexOf('@') + 1);
const PROFILE = { initial_retry: 60, max_retry_timeout: 3600 };

function message(to: string[]): QueuedMessage {
  return newMessage({ mid: 1, from: 'a@example.org', arrival: 0, icid: 1, listener: 'In', profile: 'Default' }, 10, newRecipients(to, domainOf));
}

test('judgeAttempt: delivered, hard and soft per recipient; soft ones wait per the profile', () => {
  const msg = message(['a@x.com', 'b@x.com', 'c@x.com']);
  for (const r of msg.rcpts) r.attempts = 2;
  const outcome: TransactionOutcome = {
    connectionLost: false,
    recipients: new Map([
      ['a@x.com', { kind: 'delivered', reply: '250 ok' }],
      ['b@x.com', { kind: 'hard', reply: '550 5.1.1 no such user', status: '5.1.1' }],
      ['c@x.com', { kind: 'soft', reply: '451 4.3.0 later', status: '4.3.0' }],
    ]),
  };
  const v = judgeAttempt(msg.rcpts, outcome, PROFILE, 1_000, 'mx.x.com');
  assert.deepEqual(
    v.delivered.map((r) => r.address),
    ['a@x.com'],
  );
  assert.equal(v.deliveredReply, '250 ok');
  assert.deepEqual(
    v.hard.map((h) => [h.rcpt.address, h.status, h.kind, h.remoteMta]),
    [['b@x.com', '5.1.1', '5xx', 'mx.x.com']],
  );
  assert.deepEqual(
    v.soft?.rcpts.map((r) => r.address),
    ['c@x.com'],
  );
  // Two attempts made: the second wait of the doubling schedule, 120 s.
  assert.equal(v.soft?.nextAt, 1_000 + 120_000);
  // A recipient the server never answered for is a soft bounce.
  const silent = judgeAttempt(message(['z@x.com']).rcpts, { connectionLost: true, recipients: new Map() }, PROFILE, 0, 'mx');
  assert.equal(silent.soft?.status, '4.0.0');
  const once = message(['q@x.com']).rcpts;
  once[0].attempts = 1;
  assert.equal(nextAttemptAt(once, PROFILE, 0), 60_000, 'after the first failed attempt: the initial wait');
});

test('HostStates: one failed round marks down once, doubling; up clears it', () => {
  const hosts = new HostStates();
  const counters = new Counters(() => 0, 0);
  const dest = new Destination('x.com', counters.host('x.com'));
  const retry = { host_initial_retry: 60, host_max_retry_timeout: 3600 };
  assert.equal(hosts.failed(dest, 0, retry), true);
  assert.equal(hosts.failed(dest, 10, retry), false, 'a second worker of the same round changes nothing');
  assert.equal(dest.downUntil, 60_000);
  assert.equal(hosts.mayConnect(dest, 59_999), false);
  assert.equal(hosts.mayConnect(dest, 60_000), true);
  assert.equal(hosts.nextProbe(0), 60_000);
  assert.deepEqual(hosts.dueProbes(60_000), [dest]);
  assert.equal(hosts.failed(dest, 60_000, retry), true);
  assert.equal(dest.downUntil, 60_000 + 120_000, 'the host retry doubles');
  assert.equal(hosts.up(dest), true);
  assert.equal(hosts.downCount, 0);
  assert.equal(dest.hostFailures, 0);
});

test('QueueRecords: gauges and counters follow every change; finished recipients stay finished', () => {
  let now = 5_000;
  const counters = new Counters(() => now, 0);
  const changed: number[] = [];
  const records = new QueueRecords({ counters, now: () => now, changed: (m) => changed.push(m.envelope.mid) });
  const msg = message(['a@x.com', 'b@x.com', 'c@y.com']);
  records.enter(msg.rcpts);
  assert.equal(records.active, 3);
  assert.equal(records.unattempted, 3);
  assert.equal(counters.host('x.com').activeRecipients, 2);
  records.attempted(msg, msg.rcpts.slice(0, 2), '451 later');
  assert.equal(records.unattempted, 1);
  assert.equal(counters.host('x.com').unattempted, 0);
  assert.equal(msg.rcpts[0].attempts, 1);
  assert.equal(msg.rcpts[0].lastReply, '451 later');
  now = 9_000;
  records.retryAt(msg, msg.rcpts.slice(0, 2), 69_000);
  assert.equal(msg.rcpts[1].nextAt, 69_000);
  assert.deepEqual(
    records.finish(msg, [msg.rcpts[0]], { state: 'delivered' }).map((r) => r.address),
    ['a@x.com'],
  );
  records.finish(msg, [msg.rcpts[1]], { state: 'bounced', kind: 'expired', status: '5.4.7' });
  assert.equal(msg.rcpts[1].dsnPending, '5.4.7');
  records.finish(msg, [msg.rcpts[2]], { state: 'deleted' });
  // Finishing again changes nothing: a late delivery outcome for a deleted recipient is moot.
  assert.deepEqual(records.finish(msg, msg.rcpts, { state: 'delivered' }), []);
  assert.equal(msg.pending, 0);
  assert.equal(records.active, 0);
  assert.equal(records.unattempted, 0);
  assert.equal(counters.get('deliveredRecipients').uptime, 1);
  assert.equal(counters.get('hardBouncedExpired').uptime, 1);
  assert.equal(counters.get('deletedRecipients').uptime, 1);
  assert.equal(counters.get('completedRecipients').uptime, 3);
  assert.equal(counters.host('y.com').deletedRecipients, 1);
  assert.equal(counters.host('x.com').lastActivity, 9_000);
  records.dsnSettled(msg, [msg.rcpts[1]]);
  assert.equal(msg.rcpts[1].dsnPending, '');
  assert.ok(changed.length >= 5 && changed.every((m) => m === 1));
});
