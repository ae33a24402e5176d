// The in-memory layout of queued mail: a single-recipient message is one object (message,
// envelope and recipient), rarely set fields appear on first write, and a destination keeps
// messages never tried as themselves (parked) until a job is needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offlineScheduler } from '../helpers/offline-scheduler.js';
import { SimClock } from '../../src/engine/clock.js';
import { defaultOperationalState } from '../../src/model/config.js';
import { Counters } from '../../src/engine/counters.js';
import { Destination } from '../../src/engine/delivery/destination.js';
import { byMid, ChunkedMap } from '../../src/engine/queue/chunked-map.js';
import { Deque } from '../../src/engine/queue/deque.js';
import { intern, newMessage, newRecipients, queuedEnvelope, type QueuedMessage } from '../../src/engine/queue/message.js';
import { fromStored, type StoredMessage } from '../../src/engine/queue/queue-store.js';

const domainOf = (a: string) => a.slice(a.indexOf('@') + 1).toLowerCase();
const ENVELOPE = { mid: 7, from: 'a@example.org', arrival: 1_700_000_000_123, icid: 3, listener: 'In', profile: 'Default' };

function message(to: string[], mid = 7): QueuedMessage {
  return newMessage({ ...ENVELOPE, mid }, 10, newRecipients(to, domainOf));
}

test('a single-recipient message is its own envelope and recipient; progress fields start unset', () => {
  const msg = message(['x@Y.com']);
  assert.deepEqual(queuedEnvelope(msg.envelope), ENVELOPE);
  assert.equal(msg.envelope.bounceOf, undefined);
  const [r] = msg.rcpts;
  assert.equal(msg.rcpts[0], r, 'the same recipient on every read');
  assert.deepEqual(
    [r.rid, r.address, r.domain, r.state, r.attempts, r.nextAt, r.lastAttemptAt, r.lastReply, r.warningsSent, r.dsnPending],
    [0, 'x@Y.com', 'y.com', 'pending', 0, 0, 0, '', 0, ''],
  );
  assert.equal(msg.pending, 1);
  r.nextAt = 1_700_000_060_000;
  r.lastReply = '451 later';
  r.warningsSent++;
  r.dsnPending = '5.1.1';
  assert.deepEqual([r.nextAt, r.lastReply, r.warningsSent, r.dsnPending, r.lastAttemptAt], [1_700_000_060_000, '451 later', 1, '5.1.1', 0]);
  r.state = 'delivered';
  msg.pending--;
  assert.equal(msg.pending, 0, 'pending follows the recipient');
});

test('several recipients: each its own record, pending counted; a DSN keeps its bounceOf', () => {
  const msg = message(['a@x.com', 'b@y.com']);
  assert.deepEqual(
    msg.rcpts.map((r) => [r.rid, r.domain]),
    [
      [0, 'x.com'],
      [1, 'y.com'],
    ],
  );
  assert.equal(msg.pending, 2);
  msg.rcpts[1].lastAttemptAt = 5;
  assert.equal(msg.rcpts[1].lastAttemptAt, 5);
  assert.equal(msg.rcpts[0].lastAttemptAt, 0);
  const dsn = newMessage({ ...ENVELOPE, from: '', bounceOf: 7 }, 10, newRecipients(['a@example.org'], domainOf));
  assert.equal(dsn.envelope.bounceOf, 7);
  assert.equal(queuedEnvelope(dsn.envelope).bounceOf, 7);
});

test('queue state round trip keeps every field of both layouts', () => {
  const stored: StoredMessage = {
    e: { ...ENVELOPE },
    size: 10,
    r: [['q@x.com', 'pending', 2, 1_700_000_100_000, 1_700_000_050_000, 1, '451 later', '']],
  };
  const msg = fromStored(stored, domainOf);
  const [r] = msg.rcpts;
  assert.deepEqual(
    [r.state, r.attempts, r.nextAt, r.lastAttemptAt, r.warningsSent, r.lastReply, r.dsnPending],
    ['pending', 2, 1_700_000_100_000, 1_700_000_050_000, 1, '451 later', ''],
  );
  const two = fromStored({ ...stored, r: [...stored.r, ['z@x.com', 'bounced', 1, 0, 9, 0, '550 no', '5.1.1']] }, domainOf);
  assert.equal(two.pending, 1);
  assert.equal(two.rcpts[1].dsnPending, '5.1.1');
});

test('intern keeps one copy of a repeated string', () => {
  const a = intern(['sender', '@example.org'].join(''));
  const b = intern(['sender@', 'example.org'].join(''));
  assert.equal(a, b);
});

test('the MID map in chunks: lookups, size and order as one Map, across chunk boundaries', () => {
  const m = new ChunkedMap<number, string>(byMid);
  const mids = [1, 4095, 4096, 4097, 12_000, 1_000_000];
  for (const mid of mids) m.set(mid, `m${mid}`);
  m.set(4096, 'again'); // a key set twice counts once
  assert.equal(m.size, mids.length);
  assert.equal(m.get(4096), 'again');
  assert.equal(m.get(4098), undefined);
  assert.equal(m.has(12_000), true);
  assert.equal(m.has(12_001), false);
  assert.deepEqual([...m.values()], ['m1', 'm4095', 'again', 'm4097', 'm12000', 'm1000000']);
  // A chunk emptied goes; a key of it set again comes after the chunks still there (insertion order).
  assert.equal(m.delete(12_000), true);
  assert.equal(m.delete(12_000), false);
  assert.equal(m.size, mids.length - 1);
  m.set(12_001, 'late');
  assert.deepEqual([...m.values()], ['m1', 'm4095', 'again', 'm4097', 'm1000000', 'late']);
  for (const mid of [1, 4095, 4096, 4097, 1_000_000, 12_001]) m.delete(mid);
  assert.equal(m.size, 0);
  assert.deepEqual([...m.values()], []);
});

test('the ready queue in blocks: first in, first out across blocks, rotated in place, iterated in order', () => {
  const q = new Deque<number>();
  const model: number[] = [];
  let next = 0;
  // Grow past several blocks, rotate (a sweep: shift and push back), drain: checked against an array.
  const step = (op: 'push' | 'shift' | 'rotate') => {
    if (op === 'push') {
      q.push(next);
      model.push(next++);
    } else if (op === 'shift') assert.equal(q.shift(), model.shift());
    else {
      const item = q.shift()!;
      assert.equal(item, model.shift());
      q.push(item);
      model.push(item);
    }
    assert.equal(q.length, model.length);
    assert.equal(q.peek(), model[0]);
  };
  for (let i = 0; i < 10_000; i++) step('push');
  for (let i = 0; i < 25_000; i++) step('rotate');
  assert.deepEqual([...q], model);
  for (let i = 0; i < 9_000; i++) step(i % 3 === 0 ? 'push' : 'shift');
  assert.deepEqual([...q], model);
  while (model.length) step('shift');
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
  // A small queue rotated many times stays one block, trimmed as it goes.
  for (let i = 0; i < 500; i++) step('push');
  for (let i = 0; i < 100_000; i++) step('rotate');
  assert.deepEqual([...q], model);
});

test('a destination takes parked messages in order, making their job only then', () => {
  const counters = new Counters(() => 0, 0);
  const dest = new Destination('x.com', counters.host('x.com'));
  const older = message(['a@x.com'], 1);
  const newer = message(['b@x.com', 'c@y.com'], 2);
  dest.park(older);
  dest.park(newer);
  assert.equal(dest.jobOf.size, 0, 'parked: no job yet');
  assert.deepEqual(
    [...dest.jobs()].map((j) => [j.msg.envelope.mid, j.rcpts.map((r) => r.address)]),
    [
      [1, ['a@x.com']],
      [2, ['b@x.com']],
    ],
  );
  assert.equal(dest.oldestArrival(), ENVELOPE.arrival);
  // An operator's action makes the job where the message waits; it is still taken in its turn.
  const second = dest.jobFor(newer)!;
  assert.equal(second.state, 'ready');
  assert.equal(dest.hasReady(), true);
  const first = dest.takeReady()!;
  assert.equal(first.msg, older);
  first.state = 'active';
  assert.deepEqual([...dest.inFlight], [first]);
  assert.equal(dest.takeReady(), second);
  first.state = 'waiting';
  assert.equal(dest.inFlight.size, 0);
  assert.equal(dest.takeReady(), undefined);
  // A parked message whose recipient left meanwhile is skipped.
  const gone = message(['d@x.com'], 3);
  dest.park(gone);
  gone.rcpts[0].state = 'deleted';
  assert.equal(dest.hasReady(), false);
});

test('delivernow counts every pending recipient and makes thousands of waiting jobs due, a slice per turn', async () => {
  const clock = new SimClock({ start: 1_700_000_000_000, scale: 0 });
  // Suspended: nothing is attempted, what is due stays in the ready queue to be counted.
  const { scheduler } = offlineScheduler(clock, { operational: { ...defaultOperationalState(), deliverySuspended: true } });
  const waiting = 12_345;
  for (let mid = 1; mid <= waiting + 1; mid++) {
    const msg = message([`u${mid}@x.com`], mid);
    // All but the last wait for a retry an hour away; the last is due now (parked).
    if (mid <= waiting) msg.rcpts[0].nextAt = clock.now() + 3_600_000;
    scheduler.add(msg);
  }
  const dest = scheduler.destinations.get('x.com')!;
  assert.equal(dest.jobOf.size, waiting, 'a job each for the waiting ones, none for the parked one');
  assert.equal(scheduler.deliverNow('x.com'), waiting + 1);
  const due = () => [...dest.jobOf.values()].filter((j) => j.state === 'ready').length;
  assert.ok(due() < waiting, 'the kick goes on in later turns');
  while (due() < waiting) await new Promise((r) => setImmediate(r));
  assert.equal([...scheduler.jobsOf('x.com')].length, waiting + 1);
  await scheduler.stop(0);
});
