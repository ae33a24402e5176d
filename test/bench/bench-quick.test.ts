// `esa bench` end to end at a tiny scale (a real engine child process, a real sink, the load
// generator), and the pure parts of the benchmark: statistics, the table, profile summaries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchOptions, formatReport, runBench } from '../../bench/bench.js';
import { summarizeProfile } from '../../bench/profile-summary.js';
import { percentile, spread } from '../../bench/stats.js';
import { standardToolsMissing } from '../../bench/standard.js';
import { postfixUnavailable } from '../../bench/postfix-instance.js';
import { formatTable, meets, type Figure } from '../../bench/table.js';

test('percentiles and run spreads', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(samples, 50), 50);
  assert.equal(percentile(samples, 99), 99);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.deepEqual(spread([3, 1, NaN, 2]), { median: 2, min: 1, max: 3, runs: [3, 1, NaN, 2] });
});

test('the table shows both servers, the ratio and whether a target is met', () => {
  const figures: Figure[] = [
    { id: 'a', label: 'relay', unit: 'msg/s', esa: spread([900, 1000, 1100]), postfix: spread([1000]), target: { kind: 'ratio', op: '>=', value: 1 } },
    { id: 'b', label: 'restart', unit: 's', esa: spread([6]), target: { kind: 'value', op: '<=', value: 5 } },
  ];
  assert.equal(meets(figures[0]), true);
  assert.equal(meets(figures[1]), false);
  const table = formatTable(figures, true);
  assert.match(table, /\| relay \(msg\/s\)\s+\|\s+1,000 \(900–1,100\) \|\s+1,000 \|\s+1\.00× \|/);
  assert.match(table, /MISS/);
});

test('options: --quick sets small counts, bad values are refused', () => {
  const quick = benchOptions({ quick: true });
  assert.equal(quick.messages, 500);
  assert.equal(quick.runs, 1);
  assert.equal(benchOptions({}).messages, 5_000);
  assert.throws(() => benchOptions({ vs: 'sendmail' }), /postfix/);
  assert.throws(() => benchOptions({ only: 'relay,nonsense' }), /unknown scenario/);
  const scale = benchOptions({ scale: true, seed: true });
  assert.deepEqual([scale.scenarios, scale.bigQueue, scale.runs, scale.seed, scale.bigQueueCompare], [['bigqueue'], 1_000_000, 1, true, 5_000]);
  assert.equal(benchOptions({ scale: true, bigQueue: 20_000 }).bigQueue, 20_000);
  assert.throws(() => benchOptions({ bigQueueCompare: -1 }), /--big-queue-compare/);
  assert.equal(benchOptions({}).pacedRate, 500);
  // The headline: 3,000 messages through smtp-source, run by default (500 with --quick or as --messages says).
  assert.equal(benchOptions({}).standardMessages, 3_000);
  assert.equal(quick.standardMessages, 500);
  assert.equal(benchOptions({ messages: 40 }).standardMessages, 40);
  assert.equal(benchOptions({}).scenarios[0], 'standard');
  assert.throws(() => benchOptions({ pacedRate: -5 }), /--paced-rate/);
});

test('a CPU profile is summarised by self time, naming who called a native function', () => {
  const summary = summarizeProfile({
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: 0 }, children: [2, 4] },
      { id: 2, callFrame: { functionName: 'write', url: 'file:///x/dist/src/queue/spool.js', lineNumber: 9 }, children: [3] },
      { id: 3, callFrame: { functionName: 'openFileHandle', url: '', lineNumber: 0 } },
      { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: 0 } },
    ],
    samples: [3, 3, 2, 4],
    timeDeltas: [1000, 1000, 1000, 5000],
    startTime: 0,
    endTime: 8000,
  });
  assert.equal(summary.busyMs, 3);
  assert.equal(summary.functions[0].name, 'openFileHandle ← write src/queue/spool.js:10');
  assert.equal(summary.engineInclusive[0].name, 'write src/queue/spool.js:10');
  assert.equal(summary.engineInclusive[0].ms, 3);
});

test('esa bench runs every scenario against a real engine at a tiny scale', { timeout: 600_000 }, async () => {
  const lines: string[] = [];
  // Every scenario of a default run but the standard figures (their own test below).
  const only = 'relay,relay-conn,down,bigqueue,queue-admin';
  const options = benchOptions({ only, messages: 40, runs: 1, bigQueue: 150, bigQueueCompare: 100, warmup: 5, connSessions: 10, sessions: 5 });
  const report = await runBench(options, (l) => lines.push(l));
  const byId = new Map(report.figures.map((f) => [f.id, f]));
  const big = ['big.rss', 'big.restart', 'big.status', 'big.tophosts', 'big.showrecipients', 'big.drain', 'big.drainSmall', 'big.drainRatio'];
  for (const id of ['relay.rate', 'relay.pacedP50', 'relay-conn.rate', 'down.accept', 'drain.rate', ...big]) {
    const f = byId.get(id);
    assert.ok(f?.esa && f.esa.median > 0, `${id} measured (${lines.join(' / ')})`);
  }
  // The paced run keeps to its schedule: message i starts no sooner than i / 500 s after the first.
  const paced = (report.esa.relay as { paced?: { rate: number } }[])[0].paced!;
  assert.ok(paced.rate <= (500 * 40) / 39, `paced at 500 msg/s offered, measured ${paced.rate.toFixed(0)}`);
  assert.equal(report.postfix, undefined);
  assert.match(formatReport(report), /1 {2}relay 40 × 2 KB/);
});

test('esa bench measures the standard figures with smtp-source and smtp-sink, Postfix beside the engine', { timeout: 300_000 }, async () => {
  const lines: string[] = [];
  const options = benchOptions({ only: 'standard', messages: 40, runs: 1, warmup: 5, sessions: 5 });
  const report = await runBench(options, (l) => lines.push(l));
  const byId = new Map(report.figures.map((f) => [f.id, f]));
  // The standard figures: smtp-source and smtp-sink, against Postfix too where it can run.
  if (!standardToolsMissing()) {
    const withPostfix = !(await postfixUnavailable());
    for (const id of ['standard.relay', 'standard.conn', 'standard.accept', 'standard.drain']) {
      const f = byId.get(id);
      assert.ok(f?.esa && f.esa.median > 0, `${id} measured (${lines.join(' / ')})`);
      if (withPostfix) assert.ok(f.postfix && f.postfix.median > 0, `${id} measured for Postfix`);
    }
    assert.match(formatReport(report), /S1 relay 40 × 2 KB, 5 reused sessions \(smtp-source -d -s 5\), shipped defaults/);
  } else {
    assert.match(report.notes.join('\n'), /standard figures skipped/);
  }
});
