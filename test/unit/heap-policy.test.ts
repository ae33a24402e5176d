// The engine's heap growing factor: set at `esa start` unless node was given its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { applyHeapPolicy, HEAP_GROWING_PERCENT, heapGrowingGiven } from '../../src/platform/heap-policy.js';

test('a growing factor given to node (command line or NODE_OPTIONS) is kept; otherwise the engine sets its own', () => {
  assert.equal(heapGrowingGiven(['--heap-growing-percent=20'], ''), true);
  assert.equal(heapGrowingGiven([], '--max-old-space-size=4096 --heap_growing_percent=80'), true);
  assert.equal(heapGrowingGiven(['--enable-source-maps'], '--max-old-space-size=4096'), false);
  assert.equal(applyHeapPolicy(['--heap-growing-percent=20'], ''), false);
  assert.equal(HEAP_GROWING_PERCENT, 50);
});

test('with the policy a growing live set keeps the heap near what is live (a real V8 heap, in a child process)', () => {
  // A live set that grows while garbage is made, as a queue filling under mail: the largest
  // committed heap seen along the way is compared. One GC thread, so that the collector's
  // timing does not depend on how loaded the machine is.
  const script = `
    const { applyHeapPolicy } = await import(${JSON.stringify(new URL('../../src/platform/heap-policy.ts', import.meta.url).href)});
    if (process.argv[1] === 'policy') applyHeapPolicy([], '');
    const v8 = await import('node:v8');
    const keep = []; let garbage = []; let peak = 0;
    for (let i = 0; i < 1_500_000; i++) {
      keep.push({ a: i, b: [i] });
      for (let j = 0; j < 4; j++) garbage.push({ g: i, h: [j] });
      if (garbage.length > 100_000) garbage = [];
      if (i % 10_000 === 0) peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
    }
    console.log(JSON.stringify({ total: peak, live: keep.length }));
  `;
  const run = (mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--single-threaded-gc', '--import', 'tsx', '--input-type=module', '-e', script, mode], { encoding: 'utf8' }),
    ) as { total: number };
  const withPolicy = run('policy');
  const without = run('default');
  assert.ok(withPolicy.total < without.total, `heap with the policy ${(withPolicy.total / 1e6).toFixed(0)} MB, without ${(without.total / 1e6).toFixed(0)} MB`);
});
