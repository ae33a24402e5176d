// Small statistics for the benchmark: percentiles of latency samples and the
// median/min/max summary of repeated runs.

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every run's value, in run order. */
  runs: number[];
}

/** The p-th percentile (0..100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of the runs of one figure; NaN values (skipped runs) are left out. */
export function spread(runs: readonly number[]): Spread {
  const ok = runs.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [...runs] };
  return { median: median(ok), min: Math.min(...ok), max: Math.max(...ok), runs: [...runs] };
}
