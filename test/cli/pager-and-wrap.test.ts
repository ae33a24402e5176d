// The pure parts behind paging and wrapping: the session's OutputPager (rows counted as the
// terminal shows them, a stop per screenful, q drops the rest, trailing blank lines never make
// a page) and help text wrapped to a width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputPager, screenOf } from '../../src/appliance/control/output-pager.js';
import { wrapLine, wrapLines } from '../../src/appliance/kit/wrap-text.js';

function pager(keys: boolean[], screen = { rows: 5, columns: 10 }, clock = { now: 0 }) {
  const shown: string[] = [];
  let stops = 0;
  const p = new OutputPager(
    (text) => shown.push(text),
    async () => {
      stops++;
      return keys.shift() ?? true;
    },
    () => clock.now,
  );
  p.screen = screen;
  p.restart(1);
  return { p, shown: () => shown.join(''), stops: () => stops };
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

test('pager: a screenful, then a stop; the typed line counts; a long line takes its wrapped rows', async () => {
  // 5 rows: the typed line, 3 lines, the pager's own row.
  const a = pager([true]);
  a.p.write(lines(5));
  assert.equal(a.shown(), lines(3));
  await a.p.finish();
  assert.equal(a.stops(), 1);
  assert.equal(a.shown(), lines(5));
  // A 25-character line is three rows of 10.
  const b = pager([true]);
  b.p.write(`${'x'.repeat(25)}\nnext\n`);
  assert.equal(b.shown(), `${'x'.repeat(25)}\n`);
  await b.p.finish();
  assert.equal(b.shown(), `${'x'.repeat(25)}\nnext\n`);
});

test('pager: q drops the rest of the output until the next command; trailing blank lines make no stop', async () => {
  const a = pager([false]);
  a.p.write(lines(10));
  assert.equal(await a.p.drained(), false);
  a.p.write('more\n');
  await a.p.finish();
  assert.equal(a.shown(), lines(3));
  a.p.restart(1);
  a.p.write('next command\n');
  assert.match(a.shown(), /next command\n$/);

  const b = pager([]);
  b.p.write(`${lines(3)}\n\n`);
  await b.p.finish();
  assert.equal(b.stops(), 0);
  assert.equal(b.shown(), `${lines(3)}\n\n`);
  // Without a screen nothing is held.
  const c = pager([]);
  c.p.screen = undefined;
  c.p.write(lines(50));
  assert.equal(c.shown(), lines(50));
});

test('pager: a stream (a line after a pause, as rate and tail print) is never stopped', async () => {
  const clock = { now: 0 };
  const a = pager([], { rows: 5, columns: 10 }, clock);
  for (let i = 0; i < 20; i++) {
    clock.now += 2_000;
    a.p.write(`row ${i}\n`);
  }
  assert.equal(a.stops(), 0);
  assert.equal(a.shown().split('\n').length, 21);
  // A burst after the stream still pages.
  a.p.write(lines(10));
  assert.equal(await a.p.drained(), true);
  assert.ok(a.stops() >= 1);
});

test('pager: a screen a front end sends is checked', () => {
  assert.deepEqual(screenOf({ rows: 22, columns: 80 }), { rows: 22, columns: 80 });
  assert.equal(screenOf({ rows: 1, columns: 80 }), undefined);
  assert.equal(screenOf({ rows: '22', columns: 'wide' }), undefined);
  assert.equal(screenOf(undefined), undefined);
});

test('wrap: at word boundaries, under the description of a table row; a paragraph filled again', () => {
  assert.deepEqual(wrapLine('short', 79), ['short']);
  assert.deepEqual(wrapLine('  1. Active Recipients        recipients queued for the host now', 60), [
    '  1. Active Recipients        recipients queued for the host',
    '                              now',
  ]);
  // A description column past half the width: the continuation takes the line's indentation.
  assert.deepEqual(wrapLine('  1. Active Recipients        recipients queued for the host now', 40), [
    '  1. Active Recipients        recipients',
    '  queued for the host now',
  ]);
  const paragraph = [
    'and shows the 20 recipient hosts (domains) first by that column. A "*" after the rank',
    'marks a host that was down at its last delivery attempt.',
    '',
    'Batch: tophosts <1-5>',
  ];
  assert.deepEqual(wrapLines(paragraph, 79), [
    'and shows the 20 recipient hosts (domains) first by that column. A "*" after',
    'the rank marks a host that was down at its last delivery attempt.',
    '',
    'Batch: tophosts <1-5>',
  ]);
  // Batch mode: unchanged.
  assert.deepEqual(wrapLines(paragraph, undefined), paragraph);
});

test('pager: a live stream (tail going live) is never stopped, its first lines included, until the next command', async () => {
  const a = pager([]);
  a.p.stream();
  a.p.write(lines(50));
  assert.equal(a.stops(), 0);
  assert.equal(a.shown(), lines(50));
  // The next command pages again.
  a.p.restart(1);
  a.p.write(lines(10));
  assert.equal(await a.p.drained(), true);
  assert.ok(a.stops() >= 1);
});
