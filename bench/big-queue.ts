// Scenario 4, the big queue: N × 2 KB messages queued with the backend down, half to
// one domain and the rest over 1,000 hosts; then memory per queued message, the queue on disk,
// status / tophosts / showrecipients round trips, a restart until a fresh message gets 250 (and
// what `status` says while the queue loads), and the drain rate against a 5,000-message queue.
import { bigQueueRecipient, sampleHost } from './big-queue-mail.js';
import { ControlClient } from './control-client.js';
import { EngineProcess } from './engine-process.js';
import { LoadAborted } from './load-generator.js';
import { sleep } from './proc.js';
import { seedQueue } from './queue-seed.js';
import { drain, load, waitSettled, type ScenarioEnv } from './scenarios.js';
import type { GcReport } from './stall-monitor.js';
import { percentile } from './stats.js';

/** AsyncOS's largest model on paper (technote 118369): what memory per message is projected to. */
export const LARGEST_MODEL_MESSAGES = 4_890_000;

export interface BigQueueOptions {
  messages: number;
  sessions: number;
  /** Round trips and restarts, each this many times. */
  repeats: number;
  /** Fill by seeding the stopped engine's data dir (queue-seed.ts) instead of SMTP. */
  seed: boolean;
  /** Size of the small queue whose drain rate the big one is held to (0 skips it). */
  compareAt: number;
}

/** One `status` answer during a restart: when, and its lines about loading the queue. */
export interface StatusSample {
  /** ms since the restart began (SIGTERM). */
  atMs: number;
  roundTripMs: number;
  loading: string[];
}

export interface RestartRun {
  /** SIGTERM until a fresh message got 250, ms. */
  until250Ms: number;
  /** SIGTERM until connect+EHLO succeeded, ms. */
  untilEhloMs: number;
  stopMs: number;
  /** SIGTERM until the first `status` answered over the control socket (engine). */
  firstStatusMs?: number;
  /** SIGTERM until `status` stopped mentioning the queue loading (engine; undefined when it never did). */
  loadedMs?: number;
  /** The distinct loading lines `status` showed, each with when it was first seen. */
  loadingSeen: StatusSample[];
  /** Longest event-loop stall from the engine's start until the queue was loaded. */
  stallMs?: number;
  /** The same, split: from the process start until the 250, and from then until loaded. */
  stallUntil250Ms?: number;
  stallAfter250Ms?: number;
  /** The engine's garbage collections from its start until the queue was loaded (the longer phase's longest pause). */
  gc?: GcReport;
}

export interface BigQueueResult {
  messages: number;
  filledBy: 'smtp' | 'seed';
  /** Messages per second: through SMTP, or written by the seeding path (engine stopped). */
  fillRate: number;
  fillP99Ms: number;
  stallFillMs?: number;
  /** --seed: the engine's start on the seeded queue, SIGTERM-free (spawn until a 250). */
  seedStart?: RestartRun;
  rssEmptyBytes: number;
  /** RSS with the queue held, once it has settled (see settledRss). */
  rssBytes: number;
  /** RSS 2 s after the fill ended. */
  rssAfterFillBytes: number;
  /** (RSS full − RSS empty) / N. */
  bytesPerMessage: number;
  /** RSS empty + bytesPerMessage × 4,890,000. */
  projectedLargestBytes: number;
  stateBytes: number;
  contentBytes: number;
  files: number;
  statusMs: number[];
  tophostsMs: number[];
  /** `showrecipients host <showrecipientsHost>`: until its first row (engine, control socket). */
  showrecipientsMs: number[];
  /** One of the 1,000 hosts, with about N / 2,000 of the messages. */
  showrecipientsHost: string;
  /** `esa shell -c status` as a whole (client start-up included). */
  shellStatusMs: number[];
  controlNote?: string;
  restarts: RestartRun[];
  restartMs: number[];
  restartEhloMs: number[];
  stopMs: number[];
  stallRestartMs?: number;
  rssAfterRestartBytes: number;
  memoryFull?: unknown;
  memoryAfterRestart?: unknown;
  /** Messages drained in the end: N plus one per restart probe. */
  drained: number;
  drainRate: number;
  stallDrainMs?: number;
  small?: { messages: number; drainRate: number; stallDrainMs?: number };
  /** Drain rate at N / at the small queue. */
  drainRatio?: number;
}

/** A `status` line about the queue loading ("load average" is the CPU's). */
export function loadingLines(statusText: string): string[] {
  return statusText
    .split('\n')
    .filter((l) => /load/i.test(l) && !/load average/i.test(l))
    .map((l) => l.trim());
}

/** Fills `count` messages over SMTP in slices (progress shows); `first` continues the numbering. */
async function fillSmtp(env: ScenarioEnv, first: number, count: number, sessions: number, log: boolean) {
  const { server } = env;
  const started = performance.now();
  let lastNote = started;
  const slice = Math.max(1_000, Math.ceil(count / 20));
  const latencies: number[] = [];
  for (let sent = 0; sent < count; ) {
    const n = Math.min(slice, count - sent);
    const r = await load(env, n, sessions, 'reuse', { recipient: bigQueueRecipient, firstIndex: first + sent });
    for (const l of r.latenciesMs) latencies.push(l);
    sent += n;
    if (log && (performance.now() - lastNote > 10_000 || sent === count)) {
      lastNote = performance.now();
      env.log(
        `  ${server.name}: ${sent.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} queued, ${Math.round(sent / ((lastNote - started) / 1000))} msg/s`,
      );
    }
  }
  return { rate: count / ((performance.now() - started) / 1000), p99Ms: percentile(latencies, 99) };
}

/**
 * Sends one message until it gets 250 (refusals and 4xx retried every 10 ms); resolves with
 * performance.now() then. Gives up past the deadline or once `given.up` is set.
 */
async function accepted(env: ScenarioEnv, index: number, deadline: number, given: { up: boolean }): Promise<number> {
  for (;;) {
    try {
      const r = await load(env, 1, 1, 'per-message', { recipient: bigQueueRecipient, firstIndex: index, retryDelayMs: 10 });
      return r.finishedAt;
    } catch (e) {
      if (!(e instanceof LoadAborted) || given.up || performance.now() > deadline) throw e;
    }
  }
}

/**
 * Polls `status` over the engine's control socket while it starts: when it first answers, the
 * loading lines it shows, and when they are gone. Runs until `stop()`, and then on until the
 * loading lines are gone (at most `maxMs` after the start).
 */
function watchStatus(socketPath: string, t0: number, maxMs: number) {
  let stoppedAt = 0;
  const samples: StatusSample[] = [];
  let firstStatusMs: number | undefined;
  let loadedMs: number | undefined;
  let loadingNow = false;
  const run = (async () => {
    let client: ControlClient | undefined;
    try {
      while (performance.now() - t0 < maxMs) {
        // Once stopped: on while the queue loads, and until status has answered once (10 s at most).
        if (stoppedAt && !loadingNow && (firstStatusMs !== undefined || performance.now() - stoppedAt > 10_000)) return;
        if (!client) {
          client = await ControlClient.connect(socketPath).catch(() => undefined);
          if (!client) {
            await sleep(20);
            continue;
          }
        }
        const r = await client.time('status').catch(() => undefined);
        if (!r) {
          client.close();
          client = undefined;
          continue;
        }
        const at = performance.now() - t0;
        firstStatusMs ??= at;
        const loading = loadingLines(r.output);
        if (loading.length) {
          const key = loading.join(' | ');
          if (samples[samples.length - 1]?.loading.join(' | ') !== key) samples.push({ atMs: at, roundTripMs: r.ms, loading });
        } else if (loadingNow || (samples.length > 0 && loadedMs === undefined)) loadedMs = at;
        loadingNow = loading.length > 0;
        await sleep(100);
      }
    } finally {
      client?.close();
    }
  })();
  return {
    async stop(): Promise<{ firstStatusMs?: number; loadedMs?: number; samples: StatusSample[] }> {
      stoppedAt = performance.now();
      await run;
      return { firstStatusMs, loadedMs, samples };
    },
  };
}

/**
 * Starts the server (stopped, or stopping now: `stop`) and times until a fresh message gets
 * 250; for the engine, watches `status` until the queue has loaded and reads the longest stall
 * since its process began.
 */
async function startUntil250(env: ScenarioEnv, probeIndex: number, stop?: () => Promise<void>): Promise<RestartRun> {
  const { server } = env;
  const engine = server instanceof EngineProcess ? server : undefined;
  const t0 = performance.now();
  if (stop) await stop();
  const stopMs = performance.now() - t0;
  const deadline = t0 + 600_000;
  const watch = engine ? watchStatus(`${engine.dataDir}/esa.sock`, t0, 600_000) : undefined;
  const given = { up: false };
  const starting = server.start().then(() => performance.now());
  // A start that fails ends the wait for the 250 (and the probe's retries) at once.
  const failed = starting.then(
    () => new Promise<never>(() => undefined),
    (e: unknown) => {
      given.up = true;
      throw e;
    },
  );
  const t250 = await Promise.race([accepted(env, probeIndex, deadline, given), failed]);
  const stallUntil250 = await server.stall?.();
  const tEhlo = await starting;
  const seen = await watch?.stop();
  const stallAfter250 = await server.stall?.();
  const stalls = [stallUntil250?.maxMs, stallAfter250?.maxMs].filter((x): x is number => x !== undefined);
  return {
    until250Ms: t250 - t0,
    untilEhloMs: tEhlo - t0,
    stopMs,
    firstStatusMs: seen?.firstStatusMs,
    loadedMs: seen?.loadedMs,
    loadingSeen: seen?.samples ?? [],
    stallMs: stalls.length ? Math.max(...stalls) : undefined,
    stallUntil250Ms: stallUntil250?.maxMs,
    stallAfter250Ms: stallAfter250?.maxMs,
    gc: mergeGc(stallUntil250?.gc, stallAfter250?.gc),
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');

function mergeGc(a?: GcReport, b?: GcReport): GcReport | undefined {
  if (!a || !b) return a ?? b;
  const longer = b.longestMs > a.longestMs ? b : a;
  return { longestMs: longer.longestMs, longestKind: longer.longestKind, totalMs: a.totalMs + b.totalMs, count: a.count + b.count };
}

/** `; longest GC pause 38.2 ms (mark-compact), 412 collections, 2,310 ms in all`: whether a stall was the collector's. */
function gcText(gc?: GcReport): string {
  if (!gc) return '';
  return `; longest GC pause ${gc.longestMs.toFixed(1)} ms (${gc.longestKind || 'none'}), ${fmt(gc.count)} collections, ${fmt(Math.round(gc.totalMs))} ms in all`;
}

/**
 * RSS once it stops falling: read every 2 s for up to 30 s, until a reading is within 1 % of
 * the one before (an idle Node.js process gives its garbage back within seconds).
 */
async function settledRss(read: () => Promise<number>, first: number): Promise<number> {
  let last = first;
  for (let i = 0; i < 15; i++) {
    await sleep(2_000);
    const now = await read();
    if (now >= last * 0.99) return Math.min(now, last);
    last = now;
  }
  return last;
}

export async function bigQueue(env: ScenarioEnv, o: BigQueueOptions): Promise<BigQueueResult> {
  const { server, sink, log } = env;
  const engine = server instanceof EngineProcess ? server : undefined;
  await sink.stop();
  // Message numbers go on across fills and probes: each recipient and Message-ID is new.
  let index = 0;
  const seeding = o.seed && engine !== undefined;
  // The same server with its queue empty, before the small queue's garbage grows its heap. Seeded,
  // the queue is first seen by a freshly started engine: so is the empty one it is compared with.
  const rssEmpty = async () => {
    await sleep(2_000);
    return server.rssBytes();
  };
  let rssEmptyBytes = seeding ? 0 : await rssEmpty();

  // The small queue first, filled the same way: the drain rate the big one is held to.
  let small: BigQueueResult['small'];
  if (o.compareAt > 0) {
    await fillSmtp(env, index, o.compareAt, o.sessions, false);
    index += o.compareAt;
    await waitSettled(server, o.compareAt);
    await server.stall?.();
    const d = await drain(env, o.compareAt);
    small = { messages: o.compareAt, drainRate: d.rate, stallDrainMs: d.stallMaxMs };
    log(`  ${server.name}: drain of ${fmt(o.compareAt)} queued: ${Math.round(d.rate)} msg/s`);
    await sink.stop();
  }
  if (seeding) {
    await engine.stop();
    await engine.start();
    rssEmptyBytes = await rssEmpty();
  }

  const host = sampleHost(index);
  let fill: { rate: number; p99Ms: number };
  let stallFillMs: number | undefined;
  let seedStart: RestartRun | undefined;
  if (seeding) {
    await engine.stop();
    const s = await seedQueue({
      dataDir: engine.dataDir,
      messages: o.messages,
      size: env.size,
      tag: `${env.tag}-seed`,
      recipient: (i) => bigQueueRecipient(index + i),
      progress: (done) => {
        if (done % 100_000 === 0) log(`  esa: ${fmt(done)} of ${fmt(o.messages)} seeded`);
      },
    });
    index += o.messages;
    fill = { rate: o.messages / (s.ms / 1000), p99Ms: NaN };
    log(`  esa: ${fmt(o.messages)} seeded (MID ${s.firstMid}–${s.lastMid}), ${Math.round(fill.rate)} msg/s; starting the engine on them`);
    seedStart = await startUntil250(env, index++);
  } else {
    await server.stall?.();
    log(`  ${server.name}: filling ${fmt(o.messages)} through SMTP`);
    fill = await fillSmtp(env, index, o.messages, o.sessions, true);
    index += o.messages;
    const stall = await server.stall?.();
    stallFillMs = stall?.maxMs;
    if (stall) log(`  ${server.name}: filled at ${Math.round(fill.rate)} msg/s, longest stall ${stall.maxMs.toFixed(1)} ms${gcText(stall.gc)}`);
  }
  let queued = o.messages + (seedStart ? 1 : 0);
  await waitSettled(server, queued);
  // Let periodic state flushes land before measuring disk and memory.
  await sleep(2_000);
  const rssAfterFillBytes = await server.rssBytes();
  // Right after a fill the heap still holds the fill's garbage (V8 returns it once the process
  // goes quiet): what the server holds with the queue is read once its memory has settled.
  const rssBytes = await settledRss(() => server.rssBytes(), rssAfterFillBytes);
  const memoryFull = await server.memory?.();
  const disk = await server.queueDisk();
  const bytesPerMessage = (rssBytes - rssEmptyBytes) / queued;
  const out: BigQueueResult = {
    messages: o.messages,
    filledBy: seeding ? 'seed' : 'smtp',
    fillRate: fill.rate,
    fillP99Ms: fill.p99Ms,
    stallFillMs,
    seedStart,
    rssEmptyBytes,
    rssAfterFillBytes,
    rssBytes,
    bytesPerMessage,
    projectedLargestBytes: rssEmptyBytes + bytesPerMessage * LARGEST_MODEL_MESSAGES,
    stateBytes: disk.stateBytes,
    contentBytes: disk.contentBytes,
    files: disk.files,
    statusMs: [],
    tophostsMs: [],
    showrecipientsMs: [],
    showrecipientsHost: host,
    shellStatusMs: [],
    restarts: [],
    restartMs: [],
    restartEhloMs: [],
    stopMs: [],
    rssAfterRestartBytes: 0,
    memoryFull,
    drained: 0,
    drainRate: NaN,
    small,
  };
  log(
    `  ${server.name}: RSS ${(rssEmptyBytes / 1048576).toFixed(1)} MB empty, ${(rssBytes / 1048576).toFixed(1)} MB with ${fmt(queued)} queued, settled ` +
      `(${(rssAfterFillBytes / 1048576).toFixed(1)} MB 2 s after the fill; ${Math.round(bytesPerMessage)} bytes per message); state ${(disk.stateBytes / 1048576).toFixed(1)} MB, spool ${(disk.contentBytes / 1048576).toFixed(1)} MB`,
  );

  for (let i = 0; i < o.repeats; i++) {
    const views = await server.statusAndTopHosts();
    if ('skipped' in views) {
      out.controlNote = views.skipped;
      break;
    }
    out.statusMs.push(views.status.ms);
    out.tophostsMs.push(views.tophosts.ms);
    out.controlNote = `${views.status.command} / ${views.tophosts.command}${views.status.note ? ` (${views.status.note})` : ''}`;
    if (engine) {
      const client = await ControlClient.connect(`${engine.dataDir}/esa.sock`, { pager: true });
      try {
        const t = performance.now();
        const r = await client.time(`showrecipients host ${host}`);
        if (client.firstRowAt) out.showrecipientsMs.push(client.firstRowAt - t);
        else log(`  ${server.name}: showrecipients host ${host} printed no row: ${r.output.trim().split('\n')[0] ?? ''}`);
      } finally {
        client.close();
      }
    }
    const shell = await server.shellRoundTrip?.('status');
    if (shell !== undefined) out.shellStatusMs.push(shell);
  }

  for (let i = 0; i < o.repeats; i++) {
    const r = await startUntil250(env, index++, () => server.stop());
    queued++;
    out.restarts.push(r);
    out.restartMs.push(r.until250Ms);
    out.restartEhloMs.push(r.untilEhloMs);
    out.stopMs.push(r.stopMs);
    if (r.stallMs !== undefined && (out.stallRestartMs === undefined || r.stallMs > out.stallRestartMs)) out.stallRestartMs = r.stallMs;
    log(
      `  ${server.name}: restart with ${fmt(queued)} queued: a fresh message got 250 after ${(r.until250Ms / 1000).toFixed(2)} s ` +
        `(EHLO ${(r.untilEhloMs / 1000).toFixed(2)} s, stop ${(r.stopMs / 1000).toFixed(2)} s)` +
        (r.loadedMs !== undefined ? `, queue loaded after ${(r.loadedMs / 1000).toFixed(2)} s` : '') +
        (r.stallMs !== undefined
          ? `, longest stall ${r.stallMs.toFixed(1)} ms (${r.stallUntil250Ms?.toFixed(1)} until the 250, ${r.stallAfter250Ms?.toFixed(1)} after)`
          : '') +
        gcText(r.gc),
    );
    for (const s of r.loadingSeen) log(`    status at ${(s.atMs / 1000).toFixed(2)} s (${Math.round(s.roundTripMs)} ms): ${s.loading.join(' | ')}`);
  }
  await sleep(2_000);
  out.rssAfterRestartBytes = await server.rssBytes();
  out.memoryAfterRestart = await server.memory?.();
  const m = (x: unknown) => {
    const v = x as { heapUsedMB: number; heapTotalMB: number; arrayBuffersMB: number } | undefined;
    return v ? `heap ${v.heapUsedMB}/${v.heapTotalMB} MB used/total, buffers ${v.arrayBuffersMB} MB` : '?';
  };
  if (out.memoryFull || out.memoryAfterRestart)
    log(`  ${server.name}: memory with the queue full: ${m(out.memoryFull)}; after the restart: ${m(out.memoryAfterRestart)}`);

  // The backend comes back: everything queued drains.
  await server.stall?.();
  log(`  ${server.name}: draining ${fmt(queued)}`);
  const d = await drain(env, queued);
  out.drained = queued;
  out.drainRate = d.rate;
  out.stallDrainMs = d.stallMaxMs;
  if (small) out.drainRatio = d.rate / small.drainRate;
  log(
    `  ${server.name}: drain of ${fmt(queued)} queued: ${Math.round(d.rate)} msg/s` +
      (small ? ` (${(out.drainRatio ?? NaN).toFixed(2)}× the ${fmt(small.messages)} queue's ${Math.round(small.drainRate)})` : '') +
      (d.stallMaxMs !== undefined ? `, longest stall ${d.stallMaxMs.toFixed(1)} ms` : '') +
      gcText(d.gc),
  );
  return out;
}

/**
 * The queue limit for a run of `messages` (the default, 1,000,000 messages and 10,240 MB, would
 * refuse the millionth message plus the small queue and probes): twice the run, at least the default.
 */
export function queueLimitsFor(messages: number, size: number): { maxMessages: number; maxMb: number; startArgs: string[] } {
  const maxMessages = Math.max(1_000_000, 2 * messages);
  // Each spool file carries an envelope line and a Received: header besides the content.
  const maxMb = Math.max(10_240, Math.ceil((2 * messages * (size + 1_024)) / 1048576));
  return { maxMessages, maxMb, startArgs: ['--queue-max-messages', String(maxMessages), '--queue-max-mb', String(maxMb)] };
}
