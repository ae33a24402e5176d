// `esa bench`: the engine (a real `esa start` child process) against a real SMTP sink, driven by
// the load generator in this process, and optionally a private Postfix instance through the
// same scenarios; prints a table (or JSON) of the figures with their targets.
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EngineProcess } from './engine-process.js';
import type { MailServer } from './mta.js';
import { postfixUnavailable, PostfixInstance } from './postfix-instance.js';
import { freePort, loadAverage, machineBusy } from './proc.js';
import { formatProfile, summarizeProfiles, type ProfileSummary } from './profile-summary.js';
import { bigQueue, LARGEST_MODEL_MESSAGES, queueLimitsFor, type BigQueueResult } from './big-queue.js';
import { BIG_DOMAIN, BIG_QUEUE_ACCEPT, SMALL_HOSTS } from './big-queue-mail.js';
import { downDrainRun, relayRun, warmUp, type DownDrainRun, type RelayRun, type ScenarioEnv } from './scenarios.js';
import { Sink } from './sink.js';
import { standardBench, standardToolsMissing, type StandardMeasure, type StandardRun } from './standard.js';
import { spread } from './stats.js';
import { formatTable, meets, type Figure } from './table.js';

export const SCENARIOS = ['standard', 'relay', 'relay-conn', 'down', 'bigqueue', 'queue-admin', 'tls'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];
/** What a run without --only runs: `tls` only when asked for (--tls, --only tls). */
const DEFAULT_SCENARIOS: readonly ScenarioId[] = SCENARIOS.filter((s) => s !== 'tls');

export interface BenchOptions {
  messages: number;
  size: number;
  sessions: number;
  connSessions: number;
  /** The offered rate of the paced relay run (latency at the same load for every server); 0 skips it. */
  pacedRate: number;
  runs: number;
  bigQueue: number;
  warmup: number;
  vsPostfix: boolean;
  json: boolean;
  sink: 'auto' | 'smtp-sink' | 'esa';
  drain: 'auto' | 'delivernow' | 'host-retry';
  timeScale: number;
  profileDir?: string;
  scenarios: ScenarioId[];
  quick: boolean;
  /** Fill the big queue by seeding the stopped engine's data dir instead of SMTP. */
  seed: boolean;
  /** The small queue whose drain rate the big one's is compared with (0 skips it). */
  bigQueueCompare: number;
  /** Postfix's big queue above POSTFIX_BIG_QUEUE_MAX too. */
  bigQueuePostfix: boolean;
  /** Messages per run of the standard figures (smtp-source / smtp-sink). */
  standardMessages: number;
}

/** The standard figures' run: 3,000 × 2 KB after a 500-message warm-up. */
export const STANDARD_MESSAGES = 3_000;

/** Above this, Postfix's big queue is skipped unless --big-queue-postfix. */
export const POSTFIX_BIG_QUEUE_MAX = 100_000;
/** `--scale`: the queue an appliance holds while its backend is down. */
export const SCALE_MESSAGES = 1_000_000;

export interface BenchArgs {
  messages?: number;
  size?: number;
  sessions?: number;
  connSessions?: number;
  pacedRate?: number;
  runs?: number;
  bigQueue?: number;
  warmup?: number;
  vs?: string;
  json?: boolean;
  sink?: string;
  drain?: string;
  timeScale?: number;
  profile?: string;
  only?: string;
  quick?: boolean;
  scale?: boolean;
  seed?: boolean;
  bigQueueCompare?: number;
  bigQueuePostfix?: boolean;
  tls?: boolean;
}

/** Command-line values with the defaults (full or --quick) filled in. */
export function benchOptions(a: BenchArgs): BenchOptions {
  const quick = a.quick ?? false;
  const pick = <T>(v: T | undefined, full: T, small: T): T => v ?? (quick ? small : full);
  if (a.vs !== undefined && a.vs !== 'postfix') throw new Error(`--vs knows only "postfix" (got "${a.vs}")`);
  const sink = (a.sink ?? 'auto') as BenchOptions['sink'];
  if (!['auto', 'smtp-sink', 'esa'].includes(sink)) throw new Error('--sink must be auto, smtp-sink or esa');
  const drain = (a.drain ?? 'auto') as BenchOptions['drain'];
  if (!['auto', 'delivernow', 'host-retry'].includes(drain)) throw new Error('--drain must be auto, delivernow or host-retry');
  const scale = a.scale ?? false;
  const scenarios = a.only
    ? a.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : a.tls
      ? ['tls']
      : scale
        ? ['bigqueue']
        : [...DEFAULT_SCENARIOS];
  for (const s of scenarios) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only: unknown scenario "${s}" (${SCENARIOS.join(', ')})`);
  const o: BenchOptions = {
    messages: pick(a.messages, 5_000, 500),
    size: a.size ?? 2_048,
    sessions: a.sessions ?? 20,
    connSessions: a.connSessions ?? 100,
    pacedRate: a.pacedRate ?? 500,
    runs: a.runs ?? (scale ? 1 : pick(undefined, 3, 1)),
    bigQueue: a.bigQueue ?? (scale ? SCALE_MESSAGES : pick(undefined, 100_000, 2_000)),
    warmup: pick(a.warmup, 500, 50),
    // --tls is a comparison: Postfix runs beside the engine when installed.
    vsPostfix: a.vs === 'postfix' || (a.tls ?? false),
    json: a.json ?? false,
    sink,
    drain,
    timeScale: a.timeScale ?? 600,
    profileDir: a.profile ? path.resolve(a.profile) : undefined,
    scenarios: scenarios as ScenarioId[],
    quick,
    seed: a.seed ?? false,
    bigQueueCompare: pick(a.bigQueueCompare, 5_000, 500),
    bigQueuePostfix: a.bigQueuePostfix ?? false,
    standardMessages: pick(a.messages, STANDARD_MESSAGES, 500),
  };
  for (const [k, v] of Object.entries({ messages: o.messages, runs: o.runs, sessions: o.sessions, 'conn-sessions': o.connSessions })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a whole number >= 1`);
  }
  if (o.size < 200) throw new Error('--size must be at least 200 bytes');
  if (!(o.pacedRate >= 0)) throw new Error('--paced-rate must be a number >= 0 (0 skips the paced run)');
  if (!Number.isInteger(o.bigQueue) || o.bigQueue < 0) throw new Error('--big-queue must be a whole number >= 0 (0 skips it)');
  if (!Number.isInteger(o.bigQueueCompare) || o.bigQueueCompare < 0) throw new Error('--big-queue-compare must be a whole number >= 0 (0 skips it)');
  if (!(o.timeScale > 0)) throw new Error('--time-scale must be > 0');
  return o;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  postfix?: string;
  loadBefore: [number, number, number];
  loadAfter?: [number, number, number];
  /** CPU busy share of the whole machine in the 3 s before the benchmark started (others' load). */
  busyBefore?: number;
}

export interface BenchReport {
  machine: MachineInfo;
  options: BenchOptions;
  sink: string;
  figures: Figure[];
  esa: Partial<Record<ScenarioId, unknown>>;
  postfix?: Partial<Record<ScenarioId, unknown>>;
  notes: string[];
  profiles?: ProfileSummary[];
  seconds: number;
}

function machineInfo(): MachineInfo {
  let postfix: string | undefined;
  try {
    postfix = execFileSync('postconf', ['-h', 'mail_version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    postfix = undefined;
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: os.release(),
    node: process.version,
    postfix,
    loadBefore: loadAverage(),
  };
}

type Log = (line: string) => void;

/** Everything started, so a failure or Ctrl-C leaves no process behind. */
class Cleanup {
  readonly #items = new Set<{ dispose(): Promise<void> }>();
  add<T extends { dispose(): Promise<void> }>(item: T): T {
    this.#items.add(item);
    return item;
  }
  async dispose(item: { dispose(): Promise<void> }): Promise<void> {
    this.#items.delete(item);
    await item.dispose();
  }
  async all(): Promise<void> {
    const items = [...this.#items].reverse();
    this.#items.clear();
    for (const item of items) await item.dispose().catch(() => undefined);
  }
}

export async function runBench(o: BenchOptions, log: Log): Promise<BenchReport> {
  const started = performance.now();
  const machine = machineInfo();
  machine.busyBefore = await machineBusy(3_000);
  const notes: string[] = [];
  const cleanup = new Cleanup();
  const onSignal = () => {
    log('esa bench: interrupted, stopping what it started');
    void cleanup.all().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let withPostfix = o.vsPostfix;
  if (withPostfix) {
    const why = await postfixUnavailable();
    if (why) {
      notes.push(`--vs postfix: ${why}; Postfix skipped`);
      log(`esa bench: ${why}; running the engine alone`);
      withPostfix = false;
    }
  }
  const sinkPort = await freePort();
  const sink = Sink.choose(o.sink === 'esa' ? 'esa-backend' : o.sink === 'smtp-sink' ? 'smtp-sink' : 'auto', sinkPort);
  cleanup.add({ dispose: () => sink.stop() });
  if (sink.kind === 'esa-backend') {
    notes.push(
      `the sink is the built-in \`esa backend\`${o.sink === 'esa' ? ' (--sink esa)' : ' (smtp-sink is not installed)'}: deliveries are seen by the queue emptying, and the drain runs from the flush request`,
    );
  }
  if (o.profileDir) await mkdir(o.profileDir, { recursive: true });

  const makeEngine = async (group: string, timeScale: number, startArgs?: string[], limits?: 'shipped'): Promise<EngineProcess> =>
    cleanup.add(
      new EngineProcess({
        port: await freePort(),
        routePort: sinkPort,
        timeScale,
        flush: o.drain === 'delivernow' ? 'delivernow' : o.drain === 'host-retry' ? 'host-retry' : 'auto',
        cpuProfDir: o.profileDir,
        profileName: group,
        startArgs,
        limits,
      }),
    );
  const makePostfix = async (): Promise<PostfixInstance> => cleanup.add(new PostfixInstance(await freePort(), sinkPort));
  const envFor = (server: MailServer): ScenarioEnv => ({ server, sink, size: o.size, tag: `${server.name}-${process.pid}`, log });

  const esaResults: BenchReport['esa'] = {};
  const standard: { esa?: StandardRun[]; postfix?: StandardRun[] } = {};
  const tlsFigures: Figure[] = [];
  const pfResults: NonNullable<BenchReport['postfix']> = {};
  const want = (s: ScenarioId) => o.scenarios.includes(s);

  try {
    await sink.start();
    log(`esa bench: sink ${sink.kind} on 127.0.0.1:${sinkPort}; ${machine.cpus} CPUs, load ${machine.loadBefore.map((l) => l.toFixed(2)).join(' ')}`);

    // S: the headline, Postfix's own smtp-source and smtp-sink, both servers at shipped defaults.
    if (want('standard')) {
      const missing = sink.kind === 'smtp-sink' ? standardToolsMissing() : 'the sink is not smtp-sink';
      const noPostfix = await postfixUnavailable();
      if (missing) {
        notes.push(`standard figures skipped: ${missing}; the bench's own client's figures follow`);
        log(`esa bench: standard figures skipped: ${missing}`);
      } else {
        if (noPostfix) {
          notes.push(`standard figures: ${noPostfix}; the engine alone`);
          log(`esa bench: standard figures: ${noPostfix}; the engine alone`);
        }
        const servers: MailServer[] = [await makeEngine('standard', 1, undefined, 'shipped')];
        if (!noPostfix) servers.push(await makePostfix());
        for (const s of servers) await s.start();
        const r = await standardBench(servers.map(envFor), {
          messages: o.standardMessages,
          size: o.size,
          sessions: o.sessions,
          warmup: o.warmup,
          runs: o.runs,
          log,
        });
        for (const s of servers) {
          standard[s.name === 'esa' ? 'esa' : 'postfix'] = r.get(s);
          await cleanup.dispose(s);
        }
        esaResults.standard = standard.esa;
        if (standard.postfix) pfResults.standard = standard.postfix;
      }
    }

    // 1 and 1b: relay with the backend up.
    if (want('relay') || want('relay-conn')) {
      const servers: MailServer[] = [await makeEngine('relay', 1)];
      if (withPostfix) servers.push(await makePostfix());
      for (const s of servers) await s.start();
      for (const s of servers) await warmUp(envFor(s), o.warmup);
      const reuse = new Map<MailServer, RelayRun[]>(servers.map((s) => [s, []]));
      const perConn = new Map<MailServer, RelayRun[]>(servers.map((s) => [s, []]));
      // Five seconds of traffic at the offered rate (fewer with --messages below that).
      const pacedMessages = Math.min(o.messages, Math.round(o.pacedRate * 5));
      for (let run = 1; run <= o.runs; run++) {
        for (const s of servers) {
          if (want('relay')) {
            const r = await relayRun(envFor(s), o.messages, o.sessions, 'reuse');
            reuse.get(s)!.push(r);
            log(
              `1  relay ${s.name} run ${run}: ${Math.round(r.rate)} msg/s, 250 p50 ${r.p50Ms.toFixed(2)} ms p99 ${r.p99Ms.toFixed(2)} ms, ${r.cpuMsPerMessage.toFixed(2)} CPU ms/msg`,
            );
            if (pacedMessages > 0) {
              const p = await relayRun(envFor(s), pacedMessages, o.sessions, 'reuse', { ratePerSecond: o.pacedRate });
              r.paced = { rate: p.rate, p50Ms: p.p50Ms, p99Ms: p.p99Ms };
              log(
                `1  relay paced at ${o.pacedRate} msg/s ${s.name} run ${run}: ${Math.round(p.rate)} msg/s, 250 p50 ${p.p50Ms.toFixed(2)} ms p99 ${p.p99Ms.toFixed(2)} ms`,
              );
            }
          }
          if (want('relay-conn')) {
            const r = await relayRun(envFor(s), o.messages, o.connSessions, 'per-message');
            perConn.get(s)!.push(r);
            log(
              `1b relay 1 conn/msg ${s.name} run ${run}: ${Math.round(r.rate)} msg/s, p99 ${r.p99Ms.toFixed(2)} ms, ${r.refusedConnections} refused connections`,
            );
          }
        }
      }
      for (const s of servers) {
        const into = s.name === 'esa' ? esaResults : pfResults;
        if (want('relay')) into.relay = reuse.get(s);
        if (want('relay-conn')) into['relay-conn'] = perConn.get(s);
        if (s instanceof EngineProcess && s.limitsNote && want('relay-conn')) notes.push(`1b: ${s.limitsNote}`);
        await cleanup.dispose(s);
      }
    }

    // 2 and 3: accept with the backend down, then drain once it is back.
    if (want('down')) {
      const engine = await makeEngine('down', o.timeScale);
      const servers: MailServer[] = [engine];
      if (withPostfix) servers.push(await makePostfix());
      for (const s of servers) await s.start();
      for (const s of servers) await warmUp(envFor(s), o.warmup);
      const runs = new Map<MailServer, DownDrainRun[]>(servers.map((s) => [s, []]));
      for (let run = 1; run <= o.runs; run++) {
        for (const s of servers) {
          const r = await downDrainRun(envFor(s), o.messages, o.sessions);
          runs.get(s)!.push(r);
          log(
            `2  accept while down ${s.name} run ${run}: ${Math.round(r.acceptRate)} msg/s, 250 p50 ${r.p50Ms.toFixed(2)} ms p99 ${r.p99Ms.toFixed(2)} ms; ` +
              `3 drain (${r.drainHow}): ${Math.round(r.drainRate)} msg/s${Number.isFinite(r.firstDeliveryMs) ? `, first delivery after ${Math.round(r.firstDeliveryMs)} ms` : ''}`,
          );
        }
      }
      if (engine.flushNote) notes.push(`drain: ${engine.flushNote}`);
      for (const s of servers) {
        (s.name === 'esa' ? esaResults : pfResults).down = runs.get(s);
        await cleanup.dispose(s);
      }
    }

    // 4: a big queue with the backend down (big-queue.ts).
    if (want('bigqueue') && o.bigQueue > 0) {
      const limits = queueLimitsFor(o.bigQueue, o.size);
      const startArgs = ['--accept', BIG_QUEUE_ACCEPT, ...limits.startArgs];
      notes.push(
        `big queue: the engine runs with \`esa start ${startArgs.join(' ')}\` (queue limit raised from 1,000,000 messages / 10,240 MB so ${o.bigQueue.toLocaleString('en-US')} fit with room); ` +
          `one recipient per message, half at ${BIG_DOMAIN}, half round-robin over ${SMALL_HOSTS.toLocaleString('en-US')} hosts h0..h999.${BIG_DOMAIN}` +
          (o.seed
            ? "; filled with --seed: written into the stopped engine's data dir by its own MailQueue (fill rate and fill stall are not SMTP's; the restart figures include the start on the seeded queue)"
            : '; filled through SMTP'),
      );
      const servers: (() => Promise<MailServer>)[] = [() => makeEngine('bigqueue', 1, startArgs)];
      if (withPostfix) {
        if (o.bigQueue <= POSTFIX_BIG_QUEUE_MAX || o.bigQueuePostfix) servers.push(makePostfix);
        else notes.push(`big queue: Postfix skipped above ${POSTFIX_BIG_QUEUE_MAX.toLocaleString('en-US')} messages (--big-queue-postfix runs it)`);
      }
      for (const make of servers) {
        const s = await make();
        await s.start();
        log(`4  big queue ${s.name}: ${o.bigQueue.toLocaleString('en-US')} messages with the backend down${o.seed && s.name === 'esa' ? ' (seeded)' : ''}`);
        await warmUp(envFor(s), o.warmup);
        const r = await bigQueue(envFor(s), { messages: o.bigQueue, sessions: o.sessions, repeats: o.runs, seed: o.seed, compareAt: o.bigQueueCompare });
        (s.name === 'esa' ? esaResults : pfResults).bigqueue = r;
        await cleanup.dispose(s);
      }
    }
    // Relay with TLS both ways, and the handshake's cost per connection (tls-scenario.ts).
    if (want('tls')) {
      const { tlsBench } = await import('./tls-scenario.js');
      const r = await tlsBench({
        messages: o.messages,
        size: o.size,
        sessions: o.sessions,
        connSessions: o.connSessions,
        runs: o.runs,
        warmup: o.warmup,
        withPostfix,
        log,
        track: (item) => cleanup.add(item),
      });
      esaResults.tls = r.esa;
      if (r.postfix) pfResults.tls = r.postfix;
      tlsFigures.push(...r.figures);
      notes.push(...r.notes);
    }
    // Queue administration: an in-process engine of its own, no peers needed. Last: its 100,000
    // recipients in this process (and their removal) must not weigh on the relay figures.
    if (want('queue-admin')) {
      const { runQueueAdminBench } = await import('./queue-admin.js');
      const f = await runQueueAdminBench(log);
      log(
        `qa queue-admin: showrecipients first page ${f.firstPageMs.toFixed(1)} ms (target <= 100), bouncerecipients of ${f.bounced}: longest stall ${f.bounceStallMaxMs.toFixed(1)} ms (target <= 50)`,
      );
    }
  } finally {
    await cleanup.all();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  machine.loadAfter = loadAverage();
  const figures = [...standardFigures(o, standard), ...buildFigures(o, esaResults, withPostfix ? pfResults : undefined, notes), ...tlsFigures];
  const report: BenchReport = {
    machine,
    options: o,
    sink: sink.kind,
    figures,
    esa: esaResults,
    postfix: withPostfix || standard.postfix ? pfResults : undefined,
    notes,
    seconds: (performance.now() - started) / 1000,
  };
  if (o.profileDir) report.profiles = await summarizeProfiles(o.profileDir);
  return report;
}

function pickRuns<T>(runs: T[] | undefined, f: (r: T) => number | undefined): number[] | undefined {
  return runs?.map((r) => f(r) ?? NaN);
}

function figure(
  id: string,
  label: string,
  unit: Figure['unit'],
  esa: number[] | undefined,
  postfix: number[] | undefined,
  target?: Figure['target'],
): Figure | undefined {
  if (!esa && !postfix) return undefined;
  return { id, label, unit, esa: esa ? spread(esa) : undefined, postfix: postfix ? spread(postfix) : undefined, target };
}

/** The headline rows: each standard figure's rate (target 2× Postfix's) and both servers' CPU per message. */
function standardFigures(o: BenchOptions, r: { esa?: StandardRun[]; postfix?: StandardRun[] }): Figure[] {
  if (!r.esa) return [];
  const n = `${o.standardMessages.toLocaleString('en-US')} × ${(o.size / 1024).toFixed(o.size % 1024 ? 1 : 0)} KB`;
  const of = (runs: StandardRun[] | undefined, key: keyof StandardRun, f: (m: StandardMeasure) => number) => runs?.map((x) => (x[key] ? f(x[key]) : NaN));
  const rows: [keyof StandardRun, string][] = [
    ['relay', `S1 relay ${n}, ${o.sessions} reused sessions (smtp-source -d -s ${o.sessions}), shipped defaults`],
    ['conn', `S2 one connection per message (smtp-source -s ${o.sessions})`],
    ['accept', `S3 accept while the backend is down (smtp-source -d -s ${o.sessions})`],
    ['drain', 'S4 drain after it returns (delivernow ALL / postqueue -f)'],
  ];
  const out: (Figure | undefined)[] = [];
  for (const [key, label] of rows) {
    out.push(
      figure(
        `standard.${key}`,
        label,
        'msg/s',
        of(r.esa, key, (m) => m.rate),
        of(r.postfix, key, (m) => m.rate),
        r.postfix ? { kind: 'ratio', op: '>=', value: 2 } : undefined,
      ),
      figure(
        `standard.${key}.cpu`,
        '   server CPU per message (all its processes)',
        'ms',
        of(r.esa, key, (m) => m.cpuMsPerMessage),
        of(r.postfix, key, (m) => m.cpuMsPerMessage),
      ),
    );
  }
  return out.filter((f): f is Figure => f !== undefined);
}

function buildFigures(o: BenchOptions, esa: BenchReport['esa'], pf: BenchReport['postfix'] | undefined, notes: string[]): Figure[] {
  // The targets: each rate at least twice Postfix's, the relay's final-250 latency no worse.
  const vsPf = (v: number, op: '>=' | '<=' = '>='): Figure['target'] => (pf ? { kind: 'ratio', op, value: v } : undefined);
  const e = esa as { relay?: RelayRun[]; 'relay-conn'?: RelayRun[]; down?: DownDrainRun[]; bigqueue?: BigQueueResult };
  const p = (pf ?? {}) as typeof e;
  const n = o.messages.toLocaleString('en-US');
  const kb = `${(o.size / 1024).toFixed(o.size % 1024 ? 1 : 0)} KB`;
  const out: (Figure | undefined)[] = [
    figure(
      'relay.rate',
      `1  relay ${n} × ${kb}, ${o.sessions} sessions reusing connections`,
      'msg/s',
      pickRuns(e.relay, (r) => r.rate),
      pickRuns(p.relay, (r) => r.rate),
      vsPf(2),
    ),
    figure(
      'relay.p50',
      '   final 250 latency p50',
      'ms',
      pickRuns(e.relay, (r) => r.p50Ms),
      pickRuns(p.relay, (r) => r.p50Ms),
      vsPf(1, '<='),
    ),
    figure(
      'relay.p99',
      '   final 250 latency p99',
      'ms',
      pickRuns(e.relay, (r) => r.p99Ms),
      pickRuns(p.relay, (r) => r.p99Ms),
      vsPf(1, '<='),
    ),
    o.pacedRate
      ? figure(
          'relay.pacedP50',
          `   final 250 latency p50, ${o.pacedRate} msg/s offered (the same load for both)`,
          'ms',
          pickRuns(e.relay, (r) => r.paced?.p50Ms),
          pickRuns(p.relay, (r) => r.paced?.p50Ms),
        )
      : undefined,
    o.pacedRate
      ? figure(
          'relay.pacedP99',
          `   final 250 latency p99, ${o.pacedRate} msg/s offered`,
          'ms',
          pickRuns(e.relay, (r) => r.paced?.p99Ms),
          pickRuns(p.relay, (r) => r.paced?.p99Ms),
        )
      : undefined,
    figure(
      'relay.cpu',
      '   server CPU per message',
      'ms',
      pickRuns(e.relay, (r) => r.cpuMsPerMessage),
      pickRuns(p.relay, (r) => r.cpuMsPerMessage),
    ),
    figure(
      'relay.clientCpu',
      '   load generator CPU per message (same machine)',
      'ms',
      pickRuns(e.relay, (r) => r.clientCpuMsPerMessage),
      pickRuns(p.relay, (r) => r.clientCpuMsPerMessage),
    ),
    figure(
      'relay.stall',
      '   longest event-loop stall',
      'ms',
      pickRuns(e.relay, (r) => r.stallMaxMs),
      undefined,
      { kind: 'value', op: '<=', value: 50 },
    ),
    figure(
      'relay-conn.rate',
      `1b relay, one connection per message, ${o.connSessions} sessions`,
      'msg/s',
      pickRuns(e['relay-conn'], (r) => r.rate),
      pickRuns(p['relay-conn'], (r) => r.rate),
      vsPf(2),
    ),
    figure(
      'relay-conn.p99',
      '   final 250 latency p99',
      'ms',
      pickRuns(e['relay-conn'], (r) => r.p99Ms),
      pickRuns(p['relay-conn'], (r) => r.p99Ms),
    ),
    figure(
      'relay-conn.cpu',
      '   server CPU per message',
      'ms',
      pickRuns(e['relay-conn'], (r) => r.cpuMsPerMessage),
      pickRuns(p['relay-conn'], (r) => r.cpuMsPerMessage),
    ),
    figure(
      'relay-conn.clientCpu',
      '   load generator CPU per message',
      'ms',
      pickRuns(e['relay-conn'], (r) => r.clientCpuMsPerMessage),
      pickRuns(p['relay-conn'], (r) => r.clientCpuMsPerMessage),
    ),
    figure(
      'relay-conn.refused',
      '   connections refused (retried)',
      'count',
      pickRuns(e['relay-conn'], (r) => r.refusedConnections),
      pickRuns(p['relay-conn'], (r) => r.refusedConnections),
    ),
    figure(
      'down.accept',
      `2  accept while the backend is down, ${o.sessions} sessions`,
      'msg/s',
      pickRuns(e.down, (r) => r.acceptRate),
      pickRuns(p.down, (r) => r.acceptRate),
      vsPf(2),
    ),
    figure(
      'down.p99',
      '   final 250 latency p99',
      'ms',
      pickRuns(e.down, (r) => r.p99Ms),
      pickRuns(p.down, (r) => r.p99Ms),
    ),
    figure(
      'down.cpu',
      '   server CPU per message',
      'ms',
      pickRuns(e.down, (r) => r.cpuMsPerMessage),
      pickRuns(p.down, (r) => r.cpuMsPerMessage),
    ),
    figure(
      'down.stall',
      '   longest event-loop stall',
      'ms',
      pickRuns(e.down, (r) => r.stallMaxMs),
      undefined,
      { kind: 'value', op: '<=', value: 50 },
    ),
    figure(
      'drain.rate',
      `3  drain after ${e.down?.[0]?.drainHow ?? 'delivernow'} / ${p.down?.[0]?.drainHow ?? 'postqueue -f'}`,
      'msg/s',
      pickRuns(e.down, (r) => r.drainRate),
      pickRuns(p.down, (r) => r.drainRate),
      vsPf(2),
    ),
    figure(
      'drain.stall',
      '   longest event-loop stall',
      'ms',
      pickRuns(e.down, (r) => r.drainStallMaxMs),
      undefined,
      { kind: 'value', op: '<=', value: 50 },
    ),
  ];
  const eb = e.bigqueue;
  const pb = p.bigqueue;
  if (eb || pb) {
    const one = (b: BigQueueResult | undefined, f: (b: BigQueueResult) => number | undefined) => (b ? [f(b) ?? NaN] : undefined);
    const runs = (b: BigQueueResult | undefined, f: (b: BigQueueResult) => number[]) => (b && f(b).length ? f(b) : undefined);
    const atMost = (value: number): Figure['target'] => ({ kind: 'value', op: '<=', value });
    const big = (eb ?? pb)!.messages.toLocaleString('en-US');
    const how = eb?.filledBy === 'seed' ? 'seeded into the data dir (--seed)' : 'through SMTP';
    const small = (eb?.small ?? pb?.small)?.messages.toLocaleString('en-US') ?? '–';
    const largest = LARGEST_MODEL_MESSAGES.toLocaleString('en-US');
    out.push(
      figure(
        'big.fill',
        `4  big queue: ${big} × ${kb} queued with the backend down, ${how}, fill rate`,
        'msg/s',
        one(eb, (b) => b.fillRate),
        one(pb, (b) => b.fillRate),
      ),
      figure(
        'big.stallFill',
        '   longest event-loop stall while filling',
        'ms',
        one(eb, (b) => b.stallFillMs),
        undefined,
        atMost(50),
      ),
      figure(
        'big.rssEmpty',
        '   memory, the same server with its queue empty (esa RSS; postfix PSS of all processes)',
        'MB',
        one(eb, (b) => b.rssEmptyBytes),
        one(pb, (b) => b.rssEmptyBytes),
      ),
      figure(
        'big.rssFill',
        `   memory 2 s after filling ${big} (the fill's garbage not yet given back)`,
        'MB',
        one(eb, (b) => b.rssAfterFillBytes),
        one(pb, (b) => b.rssAfterFillBytes),
      ),
      figure(
        'big.rss',
        `   memory with ${big} queued, settled`,
        'MB',
        one(eb, (b) => b.rssBytes),
        one(pb, (b) => b.rssBytes),
        atMost(512 * 1024 * 1024),
      ),
      figure(
        'big.perMessage',
        '   memory per queued message, (full − empty) / queued',
        'bytes',
        one(eb, (b) => b.bytesPerMessage),
        one(pb, (b) => b.bytesPerMessage),
      ),
      figure(
        'big.projected',
        `   memory projected at ${largest} queued (AsyncOS's largest model)`,
        'MB',
        one(eb, (b) => b.projectedLargestBytes),
        one(pb, (b) => b.projectedLargestBytes),
      ),
      figure(
        'big.state',
        '   queue state on disk (esa queue/state; postfix defer logs)',
        'MB',
        one(eb, (b) => b.stateBytes),
        one(pb, (b) => b.stateBytes),
      ),
      figure(
        'big.content',
        '   message files on disk (esa queue/spool)',
        'MB',
        one(eb, (b) => b.contentBytes),
        one(pb, (b) => b.contentBytes),
      ),
      figure(
        'big.status',
        `   status round trip (esa: control socket${pb ? '; postfix: postqueue -p' : ''})`,
        'ms',
        runs(eb, (b) => b.statusMs),
        runs(pb, (b) => b.statusMs),
        atMost(50),
      ),
      figure(
        'big.tophosts',
        `   tophosts round trip (esa: control socket${pb ? '; postfix: qshape deferred' : ''})`,
        'ms',
        runs(eb, (b) => b.tophostsMs),
        runs(pb, (b) => b.tophostsMs),
        atMost(50),
      ),
      figure(
        'big.showrecipients',
        `   showrecipients host ${eb?.showrecipientsHost ?? ''} (${Math.round((eb?.messages ?? 0) / 2 / SMALL_HOSTS).toLocaleString('en-US')} queued), until its first row (control socket)`,
        'ms',
        runs(eb, (b) => b.showrecipientsMs),
        undefined,
      ),
      figure(
        'big.shellStatus',
        '   `esa shell -c status` as a whole (client start-up included)',
        'ms',
        runs(eb, (b) => b.shellStatusMs),
        undefined,
      ),
      figure(
        'big.restart',
        '   restart: SIGTERM until a fresh message gets 250',
        's',
        runs(eb, (b) => b.restartMs.map((x) => x / 1000)),
        runs(pb, (b) => b.restartMs.map((x) => x / 1000)),
        { kind: 'value', op: '<=', value: 2 },
      ),
      figure(
        'big.restartEhlo',
        '   restart: SIGTERM until connect+EHLO answers',
        's',
        runs(eb, (b) => b.restartEhloMs.map((x) => x / 1000)),
        runs(pb, (b) => b.restartEhloMs.map((x) => x / 1000)),
      ),
      figure(
        'big.loaded',
        '   restart: SIGTERM until status no longer says the queue is loading',
        's',
        runs(eb, (b) => b.restarts.filter((r) => r.loadedMs !== undefined).map((r) => r.loadedMs! / 1000)),
        undefined,
      ),
      figure(
        'big.stallRestart',
        '   longest event-loop stall in a restart (start until the queue is loaded)',
        'ms',
        one(eb, (b) => b.stallRestartMs),
        undefined,
        atMost(50),
      ),
      figure(
        'big.rss2',
        '   memory after the restart',
        'MB',
        one(eb, (b) => b.rssAfterRestartBytes),
        one(pb, (b) => b.rssAfterRestartBytes),
      ),
      figure(
        'big.drain',
        `   drain of the ${big} after ${eb ? 'delivernow' : 'postqueue -f'}`,
        'msg/s',
        one(eb, (b) => b.drainRate),
        one(pb, (b) => b.drainRate),
      ),
      figure(
        'big.drainSmall',
        `   drain of ${small} queued the same way`,
        'msg/s',
        one(eb, (b) => b.small?.drainRate),
        one(pb, (b) => b.small?.drainRate),
      ),
      figure(
        'big.drainRatio',
        `   drain rate at ${big} / at ${small}`,
        '×',
        one(eb, (b) => b.drainRatio),
        one(pb, (b) => b.drainRatio),
        { kind: 'value', op: '>=', value: 0.8 },
      ),
      figure(
        'big.stallDrain',
        '   longest event-loop stall while draining',
        'ms',
        one(eb, (b) => b.stallDrainMs),
        undefined,
        atMost(50),
      ),
    );
    if (eb?.controlNote) notes.push(`status/tophosts (esa): ${eb.controlNote}`);
    if (eb?.seedStart) {
      const r = eb.seedStart;
      notes.push(
        `big queue: the first start on the seeded queue: a fresh message got 250 after ${(r.until250Ms / 1000).toFixed(2)} s, EHLO after ${(r.untilEhloMs / 1000).toFixed(2)} s` +
          (r.stallMs !== undefined ? `, longest stall ${r.stallMs.toFixed(1)} ms` : ''),
      );
    }
    const loading = eb?.restarts.flatMap((r) => r.loadingSeen) ?? [];
    if (eb?.restarts.length) {
      notes.push(
        loading.length
          ? `big queue: status while the queue was loading: ${loading.map((l) => `${(l.atMs / 1000).toFixed(2)} s: "${l.loading.join(' / ')}"`).join('; ')}`
          : `big queue: status never said the queue was loading (first answer ${eb.restarts.map((r) => (r.firstStatusMs === undefined ? '–' : `${(r.firstStatusMs / 1000).toFixed(2)} s`)).join(', ')} after SIGTERM)`,
      );
    }
  }
  const refused = e['relay-conn']?.reduce((a, r) => a + r.refusedConnections, 0) ?? 0;
  if (refused > 0) {
    notes.push(
      `1b: the engine refused ${refused.toLocaleString('en-US')} connections in all (421, the listener's default limit of 50 connections); the load generator retried each after 50 ms`,
    );
  }
  return out.filter((f): f is Figure => f !== undefined);
}

export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const withPostfix = r.postfix !== undefined;
  const lines = [
    `esa bench: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node.js ${m.node}${m.postfix ? `, Postfix ${m.postfix}` : ''}`,
    `machine ${Number.isFinite(m.busyBefore ?? NaN) ? `${Math.round((m.busyBefore ?? 0) * 100)}% busy` : 'load unknown'} in the 3 s before the start; ` +
      `load average before ${m.loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${(m.loadAfter ?? [0, 0, 0]).map((l) => l.toFixed(2)).join(' ')}; ` +
      `${r.options.runs} run(s) per figure (median, min–max); sink ${r.sink}; ${Math.round(r.seconds)} s`,
    '',
    formatTable(r.figures, withPostfix),
  ];
  const missed = r.figures.filter((f) => meets(f) === false);
  if (missed.length) lines.push('', `targets missed: ${missed.map((f) => f.id).join(', ')}`);
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  if (r.profiles?.length) {
    lines.push('', 'engine CPU profiles:');
    for (const p of r.profiles) lines.push(formatProfile(p));
  }
  return lines.join('\n');
}
