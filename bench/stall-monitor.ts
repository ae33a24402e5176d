// Opt-in event-loop stall report for benchmarks: with ESA_STALL_REPORT=<file> in the
// environment, the process samples its event-loop delay (perf_hooks monitorEventLoopDelay)
// and writes the longest stall and the p99 as JSON to that file every second and when it
// exits (the engine exits through process.exit after SIGTERM). SIGUSR2 ends a phase: the
// figures so far are written to `<file>.phase` with `phaseEnded: true`, then the histogram
// starts afresh, so a
// benchmark can measure the stalls of one phase (a load run, a restart) on its own. Garbage
// collections are followed too (perf_hooks 'gc' entries): the longest pause tells whether a
// stall was the collector's.
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** The garbage collections of a phase. */
export interface GcReport {
  /** The longest pause, ms, and its kind. */
  longestMs: number;
  longestKind: string;
  /** All pauses together, ms, and how many. */
  totalMs: number;
  count: number;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Follows garbage collections: `current` is the phase's figures so far, `reset` starts the next phase. */
function gcWatch(): { current(): GcReport; reset(): void } {
  let gc: GcReport = { longestMs: 0, longestKind: '', totalMs: 0, count: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      if (e.duration > gc.longestMs) {
        gc.longestMs = e.duration;
        gc.longestKind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    current: () => ({ ...gc, longestMs: round(gc.longestMs), totalMs: round(gc.totalMs) }),
    reset: () => {
      gc = { longestMs: 0, longestKind: '', totalMs: 0, count: 0 };
    },
  };
}

export interface StallReport {
  /** Longest event-loop delay seen in this phase, ms. */
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  meanMs: number;
  /** Samples taken in this phase. */
  count: number;
  /** Which phase (0 = since start; +1 at each SIGUSR2). */
  phase: number;
  /** These are the final figures of the phase (written on SIGUSR2). */
  phaseEnded: boolean;
  /** Written at exit. */
  final: boolean;
  /** Real ms since the phase began. */
  phaseMs: number;
  /** Garbage collections in this phase so far. */
  gc: GcReport;
  /** process.memoryUsage() when written, MB. */
  memory: { rssMB: number; heapTotalMB: number; heapUsedMB: number; externalMB: number; arrayBuffersMB: number };
}

/** Starts the monitor when ESA_STALL_REPORT names a file; does nothing otherwise. */
export function startStallReport(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.ESA_STALL_REPORT;
  if (!file) return;
  let phase = 0;
  let phaseStart = performance.now();
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const gcs = gcWatch();
  const write = (phaseEnded: boolean, final: boolean, to = file) => {
    const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
    const some = histogram.count > 0;
    const mem = process.memoryUsage();
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    const report: StallReport = {
      maxMs: some ? ms(histogram.max) : 0,
      p99Ms: some ? ms(histogram.percentile(99)) : 0,
      p50Ms: some ? ms(histogram.percentile(50)) : 0,
      meanMs: some ? ms(histogram.mean) : 0,
      count: histogram.count,
      phase,
      phaseEnded,
      final,
      phaseMs: Math.round(performance.now() - phaseStart),
      gc: gcs.current(),
      memory: {
        rssMB: mb(mem.rss),
        heapTotalMB: mb(mem.heapTotal),
        heapUsedMB: mb(mem.heapUsed),
        externalMB: mb(mem.external),
        arrayBuffersMB: mb(mem.arrayBuffers),
      },
    };
    const text = JSON.stringify(report) + '\n';
    // At exit only a synchronous write still lands. Otherwise the write must not hold the event
    // loop: on a disk busy with the spool's fsyncs a synchronous write waited for the journal
    // (tens of ms), which this monitor then reported as the engine's own stall.
    if (final) {
      try {
        writeFileSync(to, text);
      } catch {
        // A report that cannot be written must not disturb the engine.
      }
      return;
    }
    void writeFile(to, text).catch(() => undefined);
  };
  const timer = setInterval(() => write(false, false), 1_000);
  timer.unref();
  process.on('SIGUSR2', () => {
    write(true, false, `${file}.phase`);
    histogram.reset();
    gcs.reset();
    phase++;
    phaseStart = performance.now();
  });
  process.once('exit', () => write(false, true));
}
