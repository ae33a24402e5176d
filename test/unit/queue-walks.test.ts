// Walks of a big queue that run in slices: recipient listings (MID order, totals from the gauges,
// a sender's counted), the retry timer taking many due jobs a slice at a time, and the forecast's
// recipient groups giving the same forecast as the recipients one by one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offlineScheduler } from '../helpers/offline-scheduler.js';
import { DEFAULT_BOUNCE_SETTINGS } from '../../src/model/bounce-profile.js';
import { SimClock } from '../../src/engine/clock.js';
import { defaultOperationalState } from '../../src/model/config.js';
import { Counters } from '../../src/engine/counters.js';
import { Destination, Job } from '../../src/engine/delivery/destination.js';
import { RetryTimer } from '../../src/engine/delivery/retry-timer.js';
import { recipientPage, selectRecipients } from '../../src/engine/views.js';
import type { RecipientSelector } from '../../src/api/engine-api.js';
import { forecast, RecipientTally, type RecipientGroup } from '../../src/model/forecast.js';
import { MessageIndex } from '../../src/engine/queue/message-index.js';
import { TurnBudget } from '../../src/engine/delivery/turn-budget.js';
import { newMessage, newRecipients } from '../../src/engine/queue/message.js';
import type { MailQueue } from '../../src/engine/queue/queue.js';

const domainOf = (a: string) => a.slice(a.indexOf('@') + 1).toLowerCase();

/** A queue held the engine's way, every destination down: no delivery starts. */
function queueOf(count: number, to: (i: number) => string[], from: (i: number) => string) {
  const clock = new SimClock({ scale: 0 });
  const messages = new MessageIndex();
  // Every delivery suspended: what is due waits in its ready queue, nothing connects.
  const operational = { ...defaultOperationalState(), deliverySuspended: true };
  const { scheduler, records } = offlineScheduler(clock, {
    operational,
    queue: { finish: async (msg: { envelope: { mid: number } }) => void messages.delete(msg.envelope.mid) },
  });
  for (let i = 0; i < count; i++) {
    const msg = newMessage(
      { mid: i + 1, from: from(i), arrival: clock.now(), icid: 1, listener: 'Incoming', profile: 'Default' },
      100,
      newRecipients(to(i), domainOf),
    );
    messages.admit(msg);
    scheduler.add(msg);
  }
  const queue = { messages } as unknown as MailQueue;
  return { queue, scheduler, records };
}

type Parts = ReturnType<typeof queueOf>;
const noPause = async () => undefined;

/** The whole listing, recipient by recipient (as "mid/rid"). */
async function listing(p: Parts, selector: RecipientSelector, offset = 0, limit = Infinity): Promise<{ rows: string[]; total: number }> {
  const page = await recipientPage(p, selector, offset, limit, noPause);
  return { rows: page.rows.map((r) => `${r.mid}/${r.rid}`), total: page.total };
}

test('listings: MID order, totals from the gauges, pages that are slices of the whole', async () => {
  // 25,000 messages: a big host (past the size where its jobs are sorted), small hosts, some with two recipients.
  const p = queueOf(
    25_000,
    (i) => (i % 7 === 0 ? [`a${i}@big.example`, `b${i}@small${i % 3}.example`] : [`u${i}@${i % 2 === 0 ? 'big.example' : `small${i % 3}.example`}`]),
    (i) => (i % 10 === 0 ? 'Rare@Example.org' : 'bench@example.org'),
  );
  const all = await listing(p, { kind: 'all' });
  assert.equal(all.total, p.records.active);
  assert.equal(all.rows.length, all.total);
  const mids = all.rows.map((r) => Number(r.split('/')[0]));
  assert.deepEqual(
    mids,
    [...mids].sort((a, b) => a - b),
    'MID order',
  );
  assert.deepEqual(await listing(p, { kind: 'all' }, 1_000, 20), { rows: all.rows.slice(1_000, 1_020), total: all.total });

  for (const host of ['big.example', 'small1.example']) {
    const whole = await listing(p, { kind: 'host', host });
    const expected: string[] = [];
    for (const msg of p.queue.messages.values())
      for (const r of msg.rcpts) if (r.domain === host && r.state === 'pending') expected.push(`${msg.envelope.mid}/${r.rid}`);
    assert.deepEqual(whole.rows, expected, `${host}: every pending recipient, in MID order`);
    assert.equal(whole.total, expected.length);
    assert.deepEqual(await listing(p, { kind: 'host', host: host.toUpperCase() }, 37, 20), { rows: expected.slice(37, 57), total: expected.length });
  }

  const sender = await listing(p, { kind: 'sender', sender: 'rare@example.org' }, 0, 20);
  assert.equal(sender.total, 2_500 + 358, 'a sender is counted by a walk: every 10th message, 358 of them with two recipients');
  assert.equal(sender.rows[0], '1/0');
  assert.equal((await listing(p, { kind: 'sender', sender: 'rare@example.org', caseSensitive: true })).total, 0);
});

test('listings: a walk pauses between slices and names only recipients still pending', async () => {
  const p = queueOf(
    10_000,
    (i) => [`u${i}@h${i % 5}.example`],
    () => 'x@example.org',
  );
  let pauses = 0;
  const page = await recipientPage(p, { kind: 'sender', sender: 'x@example.org' }, 0, 10, async () => void pauses++);
  assert.equal(page.total, 10_000);
  assert.ok(pauses >= 2, 'the walk of 10,000 messages let the event loop run');

  // An action deletes as it walks: recipients finished before the walk reaches them are not named.
  let named = 0;
  const walk = selectRecipients(p.queue, p.scheduler, { kind: 'all' });
  for (const entry of walk) {
    if (!entry) continue;
    named++;
    const next = p.queue.messages.get(entry[0].envelope.mid + 1);
    if (next && next.pending > 0) p.scheduler.deleteNow(next, next.rcpts, 'test');
  }
  assert.equal(named, 5_000);
  assert.equal(p.records.active, 5_000);
});

test('an action stops at the messages queued when it began', () => {
  const p = queueOf(
    100,
    (i) => [`u${i}@h.example`],
    () => 'x@example.org',
  );
  const named = [...selectRecipients(p.queue, p.scheduler, { kind: 'all' }, 51)].filter((e) => e !== undefined);
  assert.equal(named.length, 50);
  const host = [...selectRecipients(p.queue, p.scheduler, { kind: 'host', host: 'h.example' }, 51)].filter((e) => e !== undefined);
  assert.equal(host.length, 50);
});

test('retry timer: many jobs due at once are handed over in slices, all of them, host probes looked at once', async () => {
  const clock = new SimClock({ scale: 0 });
  const slices: { jobs: number; first: boolean }[] = [];
  const timer = new RetryTimer(
    clock,
    (jobs, _now, first) => slices.push({ jobs: jobs.length, first }),
    () => Infinity,
  );
  const dest = new Destination('h.example', new Counters(() => 0, 0).host('h.example'));
  const at = clock.now() + 1_000;
  for (let i = 0; i < 12_000; i++) {
    const msg = newMessage({ mid: i + 1, from: '', arrival: 0, icid: 1, listener: 'l', profile: 'Default' }, 1, newRecipients([`u${i}@h.example`], domainOf));
    timer.push(new Job(msg, dest, msg.rcpts, at, 'waiting'), at);
  }
  clock.advance(1_000);
  while (slices.reduce((n, s) => n + s.jobs, 0) < 12_000) await new Promise((r) => setImmediate(r));
  assert.ok(slices.length >= 3, `12,000 due jobs in several slices (${slices.length})`);
  assert.deepEqual(
    slices.map((s) => s.first),
    slices.map((_, i) => i === 0),
  );
  timer.stop();
});

test('walks side by side share one budget per event-loop turn: never more steps in a turn, every step taken', async () => {
  // Turns driven by hand: `later` resolves when the test starts the next turn.
  let waiting: (() => void)[] = [];
  const budget = new TurnBudget(2_000, () => new Promise<void>((resolve) => waiting.push(resolve)));
  let turn = 0;
  const steps: number[] = [0];
  const walk = async (n: number) => {
    for (let i = 0; i < n; i++) {
      while (!budget.take()) await budget.nextTurn();
      steps[turn]++;
    }
  };
  // A thousand down hosts swept at once, 500 entries each: the first turn takes 2,000 steps, not 500,000.
  const walks = Promise.all(Array.from({ length: 1_000 }, () => walk(500)));
  assert.equal(steps[0], 2_000);
  while (steps.reduce((a, b) => a + b, 0) < 500_000 && turn < 1_000) {
    turn++;
    steps[turn] = 0;
    const wake = waiting;
    waiting = [];
    for (const w of wake) w();
    await new Promise((r) => setImmediate(r));
  }
  await walks;
  assert.equal(turn, 249, 'all 500,000 steps, 2,000 a turn');
  assert.ok(
    steps.every((n) => n <= 2_000),
    `at most 2,000 steps a turn (${Math.max(...steps)})`,
  );
  // The budget is refilled on the next turn even when no walk waited for it.
  const alone = new TurnBudget(3, () => new Promise<void>((resolve) => setImmediate(resolve)));
  assert.deepEqual([alone.take(), alone.take(), alone.take(), alone.take()], [true, true, true, false]);
  await new Promise((r) => setImmediate(r));
  assert.equal(alone.take(), true);
});

test('forecast: recipients gathered into groups forecast exactly as one by one', () => {
  const now = 1_000 * 3_600_000;
  const profiles = {
    Default: DEFAULT_BOUNCE_SETTINGS,
    Short: { ...DEFAULT_BOUNCE_SETTINGS, max_queue_lifetime: 3_600, max_retries: 3, send_warnings: true, send_warnings_interval: 600, send_warnings_count: 2 },
    Warn: { ...DEFAULT_BOUNCE_SETTINGS, send_warnings: true, send_warnings_interval: 4 * 3_600 },
  };
  const names = Object.keys(profiles);
  // A fixed pseudo-random queue: arrivals over three days, attempts and warnings of all kinds.
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
  const single: RecipientGroup[] = [];
  const tally = new RecipientTally(now, profiles);
  for (let i = 0; i < 5_000; i++) {
    const r = { profile: names[rand(3)], arrival: now - rand(80 * 3_600_000), attempts: rand(6), warningsSent: rand(3), dsn: rand(10) === 0 };
    single.push(r);
    tally.add(r.profile, r.arrival, r.attempts, r.warningsSent, r.dsn);
  }
  const base = { now, queuedMessages: 5_000, queueMaxMessages: 10_000, kilobytesUsed: 5_000, kilobytesFree: 1_000_000, arrivalsPerHour: 100, profiles };
  const groups = tally.groups();
  assert.ok(groups.length < 200, `few groups (${groups.length})`);
  assert.deepEqual(forecast({ ...base, recipients: groups }), forecast({ ...base, recipients: single }));
});

test('a ready queue that an operator emptied is compacted, the mail still queued kept in order', async () => {
  const p = queueOf(
    30_000,
    (i) => [`u${i}@h.example`],
    () => 'x@example.org',
  );
  const dest = p.scheduler.destinations.get('h.example')!;
  for (const msg of [...p.queue.messages.values()]) if (msg.envelope.mid % 3 !== 0) p.scheduler.deleteNow(msg, msg.rcpts, 'test');
  // The compaction takes 2,000 entries a turn: 15 turns for these 30,000.
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  assert.equal(dest.ready.length, 10_000, 'only the 10,000 messages still queued are left');
  const mids = [...dest.ready].map((e) => ('envelope' in e ? e.envelope.mid : e.msg.envelope.mid));
  assert.deepEqual(
    mids,
    Array.from({ length: 10_000 }, (_, i) => 3 * (i + 1)),
  );
});
