// What a scenario needs from the mail server under test, so the same scenarios run against
// the engine and against a private Postfix instance.

import type { GcReport } from './stall-monitor.js';

export type FlushHow = 'delivernow' | 'postqueue -f' | 'host retry';

export interface ControlTiming {
  /** The command as run. */
  command: string;
  /** Round trip, ms (whole client process, see `note`). */
  ms: number;
  note?: string;
}

export interface MailServer {
  /** `esa` or `postfix`. */
  readonly name: string;
  /** Its SMTP listener on 127.0.0.1. */
  readonly port: number;
  /** Starts it; resolves once connect+EHLO succeeds. */
  start(): Promise<void>;
  /** Stops it and waits until its processes are gone. */
  stop(): Promise<void>;
  /** Messages in its queue now. */
  queued(): Promise<number>;
  /** True once nothing is in flight: accepted mail sits waiting (the backend is down). */
  settledWhileDown(): Promise<boolean>;
  /** Makes everything queued due now; says how. */
  flush(): Promise<FlushHow>;
  /** Resident memory, bytes (all its processes). */
  rssBytes(): Promise<number>;
  /** CPU seconds used so far (all its processes). */
  cpuSeconds(): Promise<number>;
  /** Queue state and content on disk. */
  queueDisk(): Promise<{ stateBytes: number; contentBytes: number; files: number }>;
  /** The status and top-hosts views, timed; undefined when the server cannot answer them. */
  statusAndTopHosts(): Promise<{ status: ControlTiming; tophosts: ControlTiming } | { skipped: string }>;
  /** A CLI command as an operator runs it, whole client process, ms (the engine: `esa shell -c`). */
  shellRoundTrip?(line: string): Promise<number | undefined>;
  /** How its memory divides (the engine: V8 heap, buffers), when it can tell. */
  memory?(): Promise<{ rssMB: number; heapTotalMB: number; heapUsedMB: number; externalMB: number; arrayBuffersMB: number } | undefined>;
  /** Longest event-loop stall so far, ms, when the server reports it. */
  stall?(): Promise<{ maxMs: number; p99Ms: number; gc?: GcReport } | undefined>;
  /** Removes its temporary directory. */
  dispose(): Promise<void>;
}

/** Stop, start again: ms from the stop request until the listener answers EHLO again. */
export async function restart(server: MailServer): Promise<{ totalMs: number; stopMs: number }> {
  const t0 = performance.now();
  await server.stop();
  const stopMs = performance.now() - t0;
  await server.start();
  return { totalMs: performance.now() - t0, stopMs };
}
