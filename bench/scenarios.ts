// The scenarios, each run the same way against any MailServer: relay with the backend up
// (reused connections, or one connection per message), accept with the backend down, and drain
// once it is back. The big queue has a file of its own (big-queue.ts).
import { runLoad, type LoadMode, type LoadOptions, type LoadResult } from './load-generator.js';
import type { FlushHow, MailServer } from './mta.js';
import type { GcReport } from './stall-monitor.js';
import { sleep } from './proc.js';
import type { Sink } from './sink.js';
import { percentile } from './stats.js';

export interface ScenarioEnv {
  server: MailServer;
  sink: Sink;
  size: number;
  /** Tags Message-IDs so runs differ. */
  tag: string;
  log: (line: string) => void;
}

/** What every load run measures of the SMTP side. */
export interface LoadFigures {
  p50Ms: number;
  p99Ms: number;
  refusedConnections: number;
  softFailures: number;
  /** CPU of the server per message, ms. */
  cpuMsPerMessage: number;
  /** CPU of the load generator (this process) per message, ms: it shares the machine. */
  clientCpuMsPerMessage: number;
  stallMaxMs?: number;
  errors: string[];
}

export interface RelayRun extends LoadFigures {
  /** Messages per second from the first byte sent to the last delivery at the sink. */
  rate: number;
  /** The paced run after it (relay only): the same sessions at a fixed offered rate. */
  paced?: { rate: number; p50Ms: number; p99Ms: number };
  /** Median ms from connect to ready for MAIL, per connection the load generator opened (STARTTLS included with --tls). */
  setupP50Ms?: number;
}

export interface DownDrainRun extends LoadFigures {
  acceptRate: number;
  /** Messages per second from the first to the last delivery after the backend came back. */
  drainRate: number;
  drainHow: FlushHow;
  /** From the flush request (or the backend's return, for a host retry) to the first delivery, ms. */
  firstDeliveryMs: number;
  drainStallMaxMs?: number;
}

let runSeq = 0;

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

export function deliveryTimeoutMs(messages: number): number {
  return Math.max(120_000, messages * 20);
}

/** Resolves with performance.now() when `target` deliveries have arrived (or the queue is empty). */
export async function waitDelivered(env: ScenarioEnv, target: number, messages: number): Promise<number> {
  if (env.sink.delivered !== undefined) return env.sink.waitDelivered(target, deliveryTimeoutMs(messages));
  const until = performance.now() + deliveryTimeoutMs(messages);
  for (;;) {
    if ((await env.server.queued()) === 0) return performance.now();
    if (performance.now() > until) throw new Error(`the queue of ${env.server.name} did not empty`);
    await sleep(20);
  }
}

export function load(env: ScenarioEnv, messages: number, sessions: number, mode: LoadMode, more: Partial<LoadOptions> = {}): Promise<LoadResult> {
  return runLoad({ port: env.server.port, messages, sessions, mode, size: env.size, tag: `${env.tag}-${++runSeq}`, ...more });
}

/** Unmeasured traffic first, so the measured runs see warm code. */
export async function warmUp(env: ScenarioEnv, messages: number): Promise<void> {
  if (messages <= 0) return;
  if (!env.sink.up) await env.sink.start();
  const base = env.sink.delivered ?? 0;
  await load(env, messages, 10, 'reuse');
  await waitDelivered(env, base + messages, messages);
}

export async function relayRun(env: ScenarioEnv, messages: number, sessions: number, mode: LoadMode, more: Partial<LoadOptions> = {}): Promise<RelayRun> {
  if (!env.sink.up) await env.sink.start();
  const { server } = env;
  await server.stall?.();
  const base = env.sink.delivered ?? 0;
  const cpu0 = await server.cpuSeconds();
  const client0 = process.cpuUsage();
  const result = await load(env, messages, sessions, mode, more);
  const clientMs = cpuMs(client0);
  const end = await waitDelivered(env, base + messages, messages);
  const cpu1 = await server.cpuSeconds();
  const stall = await server.stall?.();
  return {
    rate: messages / ((end - result.startedAt) / 1000),
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
    refusedConnections: result.refusedConnections,
    softFailures: result.softFailures,
    cpuMsPerMessage: ((cpu1 - cpu0) * 1000) / messages,
    clientCpuMsPerMessage: clientMs / messages,
    stallMaxMs: stall?.maxMs,
    errors: result.errorSamples,
    ...(result.setupMs.length ? { setupP50Ms: percentile(result.setupMs, 50) } : {}),
  };
}

export async function waitSettled(server: MailServer, messages: number): Promise<void> {
  const until = performance.now() + deliveryTimeoutMs(messages);
  while (!(await server.settledWhileDown())) {
    if (performance.now() > until) throw new Error(`${server.name} still has mail in flight with the backend down`);
    await sleep(100);
  }
}

export interface Drain {
  /** Messages per second from the first to the last delivery. */
  rate: number;
  how: FlushHow;
  firstDeliveryMs: number;
  /** Longest event-loop stall since the server's last stall reading (the caller starts the phase). */
  stallMaxMs?: number;
  /** The engine's garbage collections in the same phase. */
  gc?: GcReport;
}

/** The backend comes back and the server is told to flush: `messages` deliveries are awaited. */
export async function drain(env: ScenarioEnv, messages: number): Promise<Drain> {
  const { server, sink } = env;
  // The count goes on across the sink's restart: read it first, so no delivery is missed.
  const base = sink.delivered ?? 0;
  await sink.start();
  const t0 = performance.now();
  const how = await server.flush();
  // With a counting sink the drain runs from the first delivery to the last; without one, from
  // the flush request to the empty queue (the request's own start-up included).
  const first = sink.delivered !== undefined ? await sink.waitDelivered(base + 1, deliveryTimeoutMs(messages)) : t0;
  const end = await waitDelivered(env, base + messages, messages);
  const stall = await server.stall?.();
  return {
    // A drain too quick to see two delivery times apart is measured from the flush request.
    rate: end > first ? (sink.delivered !== undefined ? messages - 1 : messages) / ((end - first) / 1000) : messages / ((end - t0) / 1000),
    how,
    firstDeliveryMs: sink.delivered !== undefined ? first - t0 : NaN,
    stallMaxMs: stall?.maxMs,
    gc: stall?.gc,
  };
}

export async function downDrainRun(env: ScenarioEnv, messages: number, sessions: number): Promise<DownDrainRun> {
  const { server, sink } = env;
  await sink.stop();
  await server.stall?.();
  const cpu0 = await server.cpuSeconds();
  const client0 = process.cpuUsage();
  const result = await load(env, messages, sessions, 'reuse');
  const clientMs = cpuMs(client0);
  const cpu1 = await server.cpuSeconds();
  const stall = await server.stall?.();
  await waitSettled(server, messages);
  const queued = await server.queued();
  if (queued < messages) env.log(`  note: ${server.name} holds ${queued} of ${messages} messages with the backend down`);

  const d = await drain(env, messages);
  return {
    acceptRate: messages / ((result.finishedAt - result.startedAt) / 1000),
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
    refusedConnections: result.refusedConnections,
    softFailures: result.softFailures,
    cpuMsPerMessage: ((cpu1 - cpu0) * 1000) / messages,
    clientCpuMsPerMessage: clientMs / messages,
    stallMaxMs: stall?.maxMs,
    drainRate: d.rate,
    drainHow: d.how,
    firstDeliveryMs: d.firstDeliveryMs,
    drainStallMaxMs: d.stallMaxMs,
    errors: result.errorSamples,
  };
}
