// SimClock.play: a clock jump as time passing. Timers fire one moment at a time, each at its
// own simulated time and in order, what each started settles before the clock moves on; the
// play is bounded in real time and stops on Ctrl-C. Real time here is the test's own counter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../src/engine/clock.js';

const MIN = 60_000;

/** A clock on a real time the test moves by hand: settling a step costs `stepCost` of it. */
function rig(stepCost = 0) {
  let wall = 0;
  const clock = new SimClock({ start: 0, scale: 1, realNow: () => wall });
  const fired: [string, number][] = [];
  let settles = 0;
  const settle = async () => {
    settles++;
    wall += stepCost;
  };
  return { clock, fired, settle, settles: () => settles };
}

test('play: each timer fires at its own time, in order; timers set on the way fire at theirs; the clock ends at the target, running again', async () => {
  const { clock, fired, settle, settles } = rig();
  const probe = (at: number, n: number): void => {
    clock.at(at, () => {
      fired.push([`probe ${n}`, clock.now()]);
      // A host probe fails and sets the next one twice as far: 1, 2, 4, 8 minutes apart.
      if (n < 6) probe(clock.now() + 2 ** n * MIN, n + 1);
    });
  };
  probe(1 * MIN, 1);
  clock.at(90 * MIN, () => fired.push(['expiry', clock.now()]));
  clock.at(30 * MIN, () => fired.push(['retry', clock.now()]));
  clock.at(3 * 60 * MIN, () => fired.push(['after the jump', clock.now()]));
  const report = await clock.play(2 * 60 * MIN, settle);
  assert.deepEqual(fired, [
    ['probe 1', 1 * MIN],
    ['probe 2', 3 * MIN],
    ['probe 3', 7 * MIN],
    ['probe 4', 15 * MIN],
    ['retry', 30 * MIN],
    ['probe 5', 31 * MIN],
    ['probe 6', 63 * MIN],
    ['expiry', 90 * MIN],
  ]);
  assert.equal(report.steps, 8);
  assert.equal(report.stopped, undefined);
  assert.equal(report.playedTo, 2 * 60 * MIN);
  assert.equal(settles(), 9, 'settled before the first step, and after each');
  assert.equal(clock.now(), 2 * 60 * MIN);
  assert.equal(clock.scale, 1, 'the speed is back');
});

test('play: timers due at the same time fire together in one step, in the order they were set; a cancelled one does not fire', async () => {
  const { clock, fired, settle } = rig();
  const b = clock.at(5 * MIN, () => fired.push(['b', clock.now()]));
  clock.at(5 * MIN, () => {
    fired.push(['a', clock.now()]);
    b.cancel();
  });
  clock.at(5 * MIN, () => fired.push(['c', clock.now()]));
  const report = await clock.play(10 * MIN, settle);
  assert.deepEqual(fired, [
    ['b', 5 * MIN],
    ['a', 5 * MIN],
    ['c', 5 * MIN],
  ]);
  assert.equal(report.steps, 1);
});

test('play: the clock stands still while a step settles, and a new speed set meanwhile applies after the play', async () => {
  let wall = 0;
  const clock = new SimClock({ start: 0, scale: 60, realNow: () => wall });
  const seen: number[] = [];
  clock.at(MIN, () => undefined);
  const report = await clock.play(10 * MIN, async () => {
    wall += 1_000; // a second of real time at 60x would be a minute of simulated time
    seen.push(clock.now());
    clock.setScale(0);
    assert.equal(clock.scale, 0);
  });
  assert.deepEqual(seen, [0, MIN]);
  assert.equal(report.playedTo, 10 * MIN);
  assert.equal(clock.now(), 10 * MIN);
  wall += 1_000;
  assert.equal(clock.now(), 10 * MIN, 'stopped, as set during the play');
});

test('play: past its real-time budget the rest of the jump passes at once; the timers left fire at its end', async () => {
  const { clock, fired, settle } = rig(1_000);
  for (let m = 1; m <= 10; m++) clock.at(m * MIN, () => fired.push([`t${m}`, clock.now()]));
  const report = await clock.play(20 * MIN, settle, { wallBudgetMs: 3_500 });
  assert.equal(report.stopped, 'budget');
  assert.equal(report.playedTo, 3 * MIN, 'the first settle and three steps used the budget');
  assert.equal(clock.now(), 20 * MIN);
  assert.deepEqual(
    fired.map(([name]) => name),
    ['t1', 't2', 't3'],
  );
  // The others are due: they fire on the next turns, at the jump's end.
  await new Promise<void>((resolve) => clock.at(20 * MIN, resolve));
  assert.deepEqual(
    fired.slice(3).map(([, at]) => at),
    Array(7).fill(20 * MIN),
  );
});

test('play: Ctrl-C stops the clock where the play got to', async () => {
  const { clock, fired } = rig();
  const ctrlC = new AbortController();
  clock.at(1 * MIN, () => fired.push(['t1', clock.now()]));
  clock.at(2 * MIN, () => {
    fired.push(['t2', clock.now()]);
    ctrlC.abort();
  });
  clock.at(3 * MIN, () => fired.push(['t3', clock.now()]));
  const report = await clock.play(10 * MIN, async () => undefined, { signal: ctrlC.signal });
  assert.equal(report.stopped, 'interrupted');
  assert.equal(report.playedTo, 2 * MIN);
  assert.equal(clock.now(), 2 * MIN);
  assert.deepEqual(
    fired.map(([name]) => name),
    ['t1', 't2'],
  );
});

test('play: two plays at once run one after the other', async () => {
  const { clock, settle } = rig();
  const [a, b] = await Promise.all([clock.play(5 * MIN, settle), clock.play(5 * MIN, settle)]);
  assert.deepEqual([a.from, a.target, b.from, b.target], [0, 5 * MIN, 5 * MIN, 10 * MIN]);
  assert.equal(clock.now(), 10 * MIN);
});
