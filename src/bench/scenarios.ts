// The scenarios, each run the same way against any MailServer: relay with the backend up
// (reused connections, or one connection per message), accept with the backend down, drain
// once it is back, and a big queue (memory, disk, restart, status views, stalls).
import { runLoad, type LoadMode, type LoadResult } from './load-generator.js';
import { restart, type FlushHow, type MailServer } from './mta.js';
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

export interface BigQueueResult {
  messages: number;
  fillRate: number;
  fillP99Ms: number;
  rssBytes: number;
  stateBytes: number;
  contentBytes: number;
  restartMs: number[];
  stopMs: number[];
  rssAfterRestartBytes: number;
  /** The engine's heap and buffers with the queue full, and after the restart. */
  memoryFull?: unknown;
  memoryAfterRestart?: unknown;
  statusMs: number[];
  tophostsMs: number[];
  /** `esa shell -c status` as a whole (client start-up included). */
  shellStatusMs: number[];
  controlNote?: string;
  stallFillMs?: number;
  stallRestartMs?: number;
}

let runSeq = 0;

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function deliveryTimeoutMs(messages: number): number {
  return Math.max(120_000, messages * 20);
}

/** Resolves with performance.now() when `target` deliveries have arrived (or the queue is empty). */
async function waitDelivered(env: ScenarioEnv, target: number, messages: number): Promise<number> {
  if (env.sink.delivered !== undefined) return env.sink.waitDelivered(target, deliveryTimeoutMs(messages));
  const until = performance.now() + deliveryTimeoutMs(messages);
  for (;;) {
    if ((await env.server.queued()) === 0) return performance.now();
    if (performance.now() > until) throw new Error(`the queue of ${env.server.name} did not empty`);
    await sleep(20);
  }
}

function load(env: ScenarioEnv, messages: number, sessions: number, mode: LoadMode): Promise<LoadResult> {
  return runLoad({ port: env.server.port, messages, sessions, mode, size: env.size, tag: `${env.tag}-${++runSeq}` });
}

/** Unmeasured traffic first, so the measured runs see warm code. */
export async function warmUp(env: ScenarioEnv, messages: number): Promise<void> {
  if (messages <= 0) return;
  if (!env.sink.up) await env.sink.start();
  const base = env.sink.delivered ?? 0;
  await load(env, messages, 10, 'reuse');
  await waitDelivered(env, base + messages, messages);
}

export async function relayRun(env: ScenarioEnv, messages: number, sessions: number, mode: LoadMode): Promise<RelayRun> {
  if (!env.sink.up) await env.sink.start();
  const { server } = env;
  await server.stall?.();
  const base = env.sink.delivered ?? 0;
  const cpu0 = await server.cpuSeconds();
  const client0 = process.cpuUsage();
  const result = await load(env, messages, sessions, mode);
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
  };
}

async function waitSettled(server: MailServer, messages: number): Promise<void> {
  const until = performance.now() + deliveryTimeoutMs(messages);
  while (!(await server.settledWhileDown())) {
    if (performance.now() > until) throw new Error(`${server.name} still has mail in flight with the backend down`);
    await sleep(100);
  }
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

  // The count goes on across the sink's restart: read it first, so no delivery is missed.
  const base = sink.delivered ?? 0;
  await sink.start();
  const t0 = performance.now();
  const how = await server.flush();
  // With a counting sink the drain runs from the first delivery to the last; without one, from
  // the flush request to the empty queue (the request's own start-up included).
  const first = sink.delivered !== undefined ? await sink.waitDelivered(base + 1, deliveryTimeoutMs(messages)) : t0;
  const end = await waitDelivered(env, base + messages, messages);
  const drainStall = await server.stall?.();
  return {
    acceptRate: messages / ((result.finishedAt - result.startedAt) / 1000),
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
    refusedConnections: result.refusedConnections,
    softFailures: result.softFailures,
    cpuMsPerMessage: ((cpu1 - cpu0) * 1000) / messages,
    clientCpuMsPerMessage: clientMs / messages,
    stallMaxMs: stall?.maxMs,
    // A drain too quick to see two delivery times apart is measured from the flush request.
    drainRate: end > first ? (sink.delivered !== undefined ? messages - 1 : messages) / ((end - first) / 1000) : messages / ((end - t0) / 1000),
    drainHow: how,
    firstDeliveryMs: sink.delivered !== undefined ? first - t0 : NaN,
    drainStallMaxMs: drainStall?.maxMs,
    errors: result.errorSamples,
  };
}

export async function bigQueue(env: ScenarioEnv, messages: number, sessions: number, repeats: number): Promise<BigQueueResult> {
  const { server, sink, log } = env;
  await sink.stop();
  await server.stall?.();
  const started = performance.now();
  let lastNote = started;
  // Filled in slices so progress shows; one load run would do the same work.
  const slice = Math.max(1_000, Math.ceil(messages / 10));
  let sent = 0;
  const latencies: number[] = [];
  while (sent < messages) {
    const n = Math.min(slice, messages - sent);
    const r = await load(env, n, sessions, 'reuse');
    for (const l of r.latenciesMs) latencies.push(l);
    sent += n;
    if (performance.now() - lastNote > 10_000 || sent === messages) {
      lastNote = performance.now();
      log(`  ${server.name}: ${sent.toLocaleString('en-US')} of ${messages.toLocaleString('en-US')} queued, ${Math.round(sent / ((lastNote - started) / 1000))} msg/s`);
    }
  }
  const fillRate = messages / ((performance.now() - started) / 1000);
  const stallFill = await server.stall?.();
  await waitSettled(server, messages);
  // Let periodic state flushes land before measuring disk and memory.
  await sleep(2_000);
  const rss = await server.rssBytes();
  const memoryFull = await server.memory?.();
  const disk = await server.queueDisk();
  const out: BigQueueResult = {
    messages,
    fillRate,
    fillP99Ms: percentile(latencies, 99),
    rssBytes: rss,
    stateBytes: disk.stateBytes,
    contentBytes: disk.contentBytes,
    restartMs: [],
    stopMs: [],
    rssAfterRestartBytes: 0,
    statusMs: [],
    tophostsMs: [],
    shellStatusMs: [],
    stallFillMs: stallFill?.maxMs,
    memoryFull,
  };
  for (let i = 0; i < repeats; i++) {
    const views = await server.statusAndTopHosts();
    if ('skipped' in views) {
      out.controlNote = views.skipped;
      break;
    }
    out.statusMs.push(views.status.ms);
    out.tophostsMs.push(views.tophosts.ms);
    out.controlNote = `${views.status.command} / ${views.tophosts.command}${views.status.note ? ` (${views.status.note})` : ''}`;
    const shell = await server.shellRoundTrip?.('status');
    if (shell !== undefined) out.shellStatusMs.push(shell);
  }
  for (let i = 0; i < repeats; i++) {
    const r = await restart(server);
    out.restartMs.push(r.totalMs);
    out.stopMs.push(r.stopMs);
    log(`  ${server.name}: restart with ${messages.toLocaleString('en-US')} queued: ${(r.totalMs / 1000).toFixed(2)} s (stop ${(r.stopMs / 1000).toFixed(2)} s)`);
    const s = await server.stall?.();
    if (s && (out.stallRestartMs === undefined || s.maxMs > out.stallRestartMs)) out.stallRestartMs = s.maxMs;
  }
  await sleep(1_000);
  await sleep(1_100);
  out.rssAfterRestartBytes = await server.rssBytes();
  out.memoryAfterRestart = await server.memory?.();
  if (out.memoryFull || out.memoryAfterRestart) {
    const m = (x: unknown) => {
      const v = x as { heapUsedMB: number; heapTotalMB: number; arrayBuffersMB: number } | undefined;
      return v ? `heap ${v.heapUsedMB}/${v.heapTotalMB} MB used/total, buffers ${v.arrayBuffersMB} MB` : '?';
    };
    log(`  ${server.name}: memory with the queue full: ${m(out.memoryFull)}; after the restart: ${m(out.memoryAfterRestart)}`);
  }
  const left = await server.queued();
  if (left < messages) log(`  note: ${server.name} holds ${left} of ${messages} messages after the restarts`);
  return out;
}
