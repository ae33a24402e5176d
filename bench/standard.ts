// The headline figures measured the standard way: Postfix's own `smtp-source` in front and
// `smtp-sink` behind, the engine and Postfix each at its shipped defaults, runs alternated:
// relay over reused sessions, one connection per message, accept while the backend is down,
// and drain once it is back (`delivernow ALL` / `postqueue -f`).
import { spawn } from 'node:child_process';
import type { MailServer } from './mta.js';
import { loadAverage, reapedChildrenCpuSeconds } from './proc.js';
import { drain, waitDelivered, waitSettled, type ScenarioEnv } from './scenarios.js';
import { findProgram } from './sink.js';

export type StandardFigure = 'relay' | 'conn' | 'accept' | 'drain';
export const STANDARD_FIGURES: readonly StandardFigure[] = ['relay', 'conn', 'accept', 'drain'];

/** One figure of one run. */
export interface StandardMeasure {
  /** Messages per second. */
  rate: number;
  /** The server's CPU (all its processes) per message, ms. */
  cpuMsPerMessage: number;
  /** smtp-source's own CPU per message, ms (it shares the machine). */
  sourceCpuMsPerMessage: number;
  /** The 1-minute load average when the figure started. */
  load: number;
}

export type StandardRun = Partial<Record<StandardFigure, StandardMeasure>>;

export interface StandardOptions {
  messages: number;
  size: number;
  sessions: number;
  warmup: number;
  runs: number;
  log: (line: string) => void;
}

/** Why the standard figures cannot be measured here, or undefined when they can. */
export function standardToolsMissing(): string | undefined {
  const missing = ['smtp-source', 'smtp-sink'].filter((p) => !findProgram(p));
  return missing.length ? `${missing.join(' and ')} not installed (apt-get install -y postfix)` : undefined;
}

/** The sender and recipient smtp-source uses: the recipient in the engine's RAT and Postfix's relay_domains. */
const FROM = 'source@bench.example.net';
const TO = 'user@example.com';

interface SourceResult {
  startedAt: number;
  finishedAt: number;
  cpuMs: number;
}

/**
 * Runs `smtp-source` to its end: `reuse` is `-d` (each session sends its messages over one
 * connection), otherwise a connection per message. Its warnings (a 4xx, a refused connection)
 * make the run fail: a message it gave up on never reaches the sink.
 */
export function smtpSource(port: number, messages: number, sessions: number, size: number, reuse: boolean): Promise<SourceResult> {
  const args = [...(reuse ? ['-d'] : []), '-s', String(sessions), '-m', String(messages), '-l', String(size), '-f', FROM, '-t', TO, `127.0.0.1:${port}`];
  // Its CPU: what this process's reaped children used grows by it (the bench starts no other child meanwhile).
  return reapedChildrenCpuSeconds().then(
    (cpu0) =>
      new Promise((resolve, reject) => {
        const startedAt = performance.now();
        const child = spawn(findProgram('smtp-source')!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2_000)));
        child.once('error', (e) => reject(new Error(`smtp-source did not start: ${e.message}`)));
        // 'close', not 'exit': its stderr is read to the end first, and it has been reaped.
        child.once('close', (code) => {
          const finishedAt = performance.now();
          if (code !== 0 || stderr.trim()) {
            reject(new Error(`smtp-source ${args.join(' ')} ended with status ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`));
            return;
          }
          void reapedChildrenCpuSeconds().then((cpu1) => resolve({ startedAt, finishedAt, cpuMs: (cpu1 - cpu0) * 1000 }), reject);
        });
      }),
  );
}

/** Unmeasured traffic through smtp-source first, so the measured runs see warm code and caches. */
export async function standardWarmUp(env: ScenarioEnv, messages: number): Promise<void> {
  if (messages <= 0) return;
  if (!env.sink.up) await env.sink.start();
  const base = env.sink.delivered ?? 0;
  await smtpSource(env.server.port, messages, 10, env.size, true);
  await waitDelivered(env, base + messages, messages);
}

/** Relay with the backend up: from smtp-source's start to the last message at the sink. */
async function relay(env: ScenarioEnv, messages: number, sessions: number, reuse: boolean): Promise<StandardMeasure> {
  if (!env.sink.up) await env.sink.start();
  const load = loadAverage()[0];
  const base = env.sink.delivered ?? 0;
  const cpu0 = await env.server.cpuSeconds();
  const src = await smtpSource(env.server.port, messages, sessions, env.size, reuse);
  const end = await waitDelivered(env, base + messages, messages);
  const cpu1 = await env.server.cpuSeconds();
  return {
    rate: messages / ((end - src.startedAt) / 1000),
    cpuMsPerMessage: ((cpu1 - cpu0) * 1000) / messages,
    sourceCpuMsPerMessage: src.cpuMs / messages,
    load,
  };
}

/** Accept with the backend down (smtp-source's start to its end), then drain after it returns. */
async function downAndDrain(env: ScenarioEnv, messages: number, sessions: number): Promise<{ accept: StandardMeasure; drain: StandardMeasure }> {
  const { server, sink } = env;
  await sink.stop();
  const load = loadAverage()[0];
  const cpu0 = await server.cpuSeconds();
  const src = await smtpSource(server.port, messages, sessions, env.size, true);
  const cpu1 = await server.cpuSeconds();
  await waitSettled(server, messages);
  const queued = await server.queued();
  if (queued < messages) env.log(`  note: ${server.name} holds ${queued} of ${messages} messages with the backend down`);
  const drainLoad = loadAverage()[0];
  const cpu2 = await server.cpuSeconds();
  const d = await drain(env, messages);
  const cpu3 = await server.cpuSeconds();
  return {
    accept: {
      rate: messages / ((src.finishedAt - src.startedAt) / 1000),
      cpuMsPerMessage: ((cpu1 - cpu0) * 1000) / messages,
      sourceCpuMsPerMessage: src.cpuMs / messages,
      load,
    },
    drain: { rate: d.rate, cpuMsPerMessage: ((cpu3 - cpu2) * 1000) / messages, sourceCpuMsPerMessage: 0, load: drainLoad },
  };
}

const LABEL: Record<StandardFigure, string> = {
  relay: 'relay, smtp-source -d',
  conn: 'one connection per message, smtp-source',
  accept: 'accept while the backend is down, smtp-source -d',
  drain: 'drain after it returns',
};

/**
 * The four figures for every server, `runs` times; each figure runs on every server before the
 * next figure starts, so the servers see the same load. Servers must be started already.
 */
export async function standardBench(envs: ScenarioEnv[], o: StandardOptions): Promise<Map<MailServer, StandardRun[]>> {
  const out = new Map<MailServer, StandardRun[]>(envs.map((e) => [e.server, []]));
  for (const env of envs) await standardWarmUp(env, o.warmup);
  const say = (f: StandardFigure, env: ScenarioEnv, run: number, m: StandardMeasure) =>
    o.log(
      `S  ${LABEL[f]} ${env.server.name} run ${run}: ${Math.round(m.rate)} msg/s, server ${m.cpuMsPerMessage.toFixed(2)} CPU ms/msg` +
        (m.sourceCpuMsPerMessage ? `, smtp-source ${m.sourceCpuMsPerMessage.toFixed(2)}` : '') +
        `; load ${m.load.toFixed(2)}`,
    );
  for (let run = 1; run <= o.runs; run++) {
    const runs = new Map(envs.map((e) => [e.server, {} as StandardRun]));
    for (const env of envs) {
      const m = await relay(env, o.messages, o.sessions, true);
      runs.get(env.server)!.relay = m;
      say('relay', env, run, m);
    }
    for (const env of envs) {
      const m = await relay(env, o.messages, o.sessions, false);
      runs.get(env.server)!.conn = m;
      say('conn', env, run, m);
    }
    for (const env of envs) {
      const r = await downAndDrain(env, o.messages, o.sessions);
      Object.assign(runs.get(env.server)!, r);
      say('accept', env, run, r.accept);
      say('drain', env, run, r.drain);
    }
    for (const env of envs) out.get(env.server)!.push(runs.get(env.server)!);
  }
  return out;
}
