// How the engine process's JavaScript heap may grow. After each full collection V8 lets the
// heap grow to a multiple of what was live, up to 4× when collecting is slow next to allocating:
// the case of a big queue (a million messages live while mail keeps arriving). Measured with
// `npm run bench -- --scale` (1,000,000 queued through SMTP): 252 MB live in a 729 MB heap,
// 796 MB RSS, and event-loop stalls of 77–89 ms from collecting a heap that size. With the
// multiple fixed at 1.5 the same run gave 268 MB live in a 363 MB heap, 432 MB RSS, stalls of
// at most 48 ms, and the same fill and drain rates (docs/benchmarks.md).
//
// `esa start` applies it once the queue on disk is loaded: while a million messages load nearly
// everything allocated stays live, and collecting more often only lengthened the start's longest
// pause (68 ms instead of 31–35). V8 reads the flag at each collection, so setting it then is
// enough. A value given to node itself (`node --heap-growing-percent=N`, or in NODE_OPTIONS) is
// left alone.
import v8 from 'node:v8';

/** The heap may grow to (1 + this / 100) × what was live at the last full collection. */
export const HEAP_GROWING_PERCENT = 50;

const GIVEN = /--heap[-_]growing[-_]percent/;

/** Whether node was started with its own heap growing factor (then it is kept). */
export function heapGrowingGiven(execArgv: readonly string[], nodeOptions: string): boolean {
  return execArgv.some((a) => GIVEN.test(a)) || GIVEN.test(nodeOptions);
}

/** Sets the engine's heap growing factor unless node was given one; true when it was set here. */
export function applyHeapPolicy(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (heapGrowingGiven(execArgv, nodeOptions)) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
