// The engine under test: `esa start` as a child process on a temp data dir, its listener on a
// free loopback port and its default route at the sink. Reads its memory and CPU from /proc,
// its queue from the spool directory, its stalls and heap from ESA_STALL_REPORT; starts a drain
// with `esa shell -c delivernow` and times status/tophosts over its control socket.
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ControlClient } from './control-client.js';
import { runEsa, spawnEsa, type EsaRun } from './esa-command.js';
import type { ControlTiming, FlushHow, MailServer } from './mta.js';
import { childAnswersSmtp, cpuSeconds, dirUsage, rssBytes, sleep, stopChild } from './proc.js';
import type { GcReport, StallReport } from './stall-monitor.js';

/**
 * Sessions the bench's engine takes at once, in all and from one address (127.0.0.1): Postfix's
 * default_process_limit, which caps its smtpd processes (127.0.0.1 is in mynetworks, exempt from
 * its per-client limit). The product keeps AsyncOS's 50 / 25; only the bench's own data dir is
 * raised, so the 1b comparison (100 new connections at once) is at the same concurrency.
 */
export const BENCH_LISTENER_CONNECTIONS = 100;

/**
 * Connections the bench's engine delivers over at once, and messages it sends over one: Postfix's
 * default_destination_concurrency_limit (20), which its relay transport uses toward the relayhost,
 * and as many as destconfig allows (Postfix sets no count, only smtp_connection_reuse_time_limit).
 * The product keeps its defaults (10 and 50).
 */
export const BENCH_DELIVERY_CONNECTIONS = 20;
export const BENCH_MESSAGES_PER_CONNECTION = 1_000;

export interface EngineProcessOptions {
  port: number;
  routePort: number;
  timeScale: number;
  /** Write a V8 CPU profile of the engine here (node --cpu-prof) when it stops. */
  cpuProfDir?: string;
  /** Names the profile folders: <name>-<start number>/. */
  profileName?: string;
  /** How drain is started: `delivernow` over the control socket, or waiting for the host retry. */
  flush: 'delivernow' | 'host-retry' | 'auto';
  /** More `esa start` flags (the big queue: --accept, --queue-max-messages, --queue-max-mb). */
  startArgs?: string[];
  /** `shipped`: the product's own listener and delivery limits; else Postfix's concurrency (the default). */
  limits?: 'postfix' | 'shipped';
}

/** Whether `esa shell` exists in this build, and whether it runs a given command. */
let shellCommand: Promise<boolean> | undefined;
export function shellAvailable(): Promise<boolean> {
  shellCommand ??= runEsa(['shell', '--help'], 20_000).then((r) => r.code === 0);
  return shellCommand;
}

export class EngineProcess implements MailServer {
  readonly name = 'esa';
  readonly port: number;
  #dir = '';
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);
  #stderr = '';
  #phase = 0;
  #profileRuns = 0;
  #control: Promise<ControlClient> | undefined;
  #starts = 0;
  /** What happened when delivernow was tried (for the report). */
  flushNote = '';
  /** The listener limits the bench set on its data dir (for the report). */
  limitsNote = '';

  constructor(readonly options: EngineProcessOptions) {
    this.port = options.port;
  }

  get dataDir(): string {
    return path.join(this.#dir, 'data');
  }

  get stallFile(): string {
    return path.join(this.#dir, 'stall.json');
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (!this.#dir) this.#dir = await mkdtemp(path.join(tmpdir(), 'esa-bench-'));
    // For diagnosis: extra node flags (e.g. --trace-gc) and the engine's stdout kept in a file.
    const nodeArgs: string[] = (process.env.ESA_BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const stdoutFile = process.env.ESA_BENCH_ENGINE_STDOUT;
    const stdout = stdoutFile ? openSync(`${stdoutFile}.${process.pid}.${++this.#starts}`, 'a') : 'ignore';
    if (this.options.cpuProfDir) {
      // One folder per engine start: Node names the files by thread (main thread and workers).
      const dir = path.join(this.options.cpuProfDir, `${this.options.profileName ?? 'engine'}-${++this.#profileRuns}`);
      nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    }
    const child = spawnEsa(
      [
        'start',
        '--data-dir',
        this.dataDir,
        '--listen',
        `127.0.0.1:${this.port}`,
        '--route',
        `127.0.0.1:${this.options.routePort}`,
        '--time-scale',
        String(this.options.timeScale),
        ...(this.options.startArgs ?? []),
      ],
      {
        stdio: ['ignore', stdout, 'pipe'],
        env: { ...process.env, ESA_STALL_REPORT: this.stallFile, NODE_ENV: 'production' },
      },
      nodeArgs,
    );
    if (typeof stdout === 'number') closeSync(stdout);
    this.#stderr = '';
    child.stderr!.on('data', (d) => (this.#stderr = (this.#stderr + d).slice(-4_000)));
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.#child = child;
    this.#phase = 0;
    await childAnswersSmtp(this.#exited, this.port, 300_000, (code) => `the engine exited at start (status ${code}): ${this.#stderr.trim()}`);
    // Once per data dir: the setting is committed and kept across restarts.
    if (!this.limitsNote && this.options.limits !== 'shipped') await this.#matchPostfixConcurrency();
  }

  /** Raises the listener's session limits to Postfix's, as an admin would (listenerconfig, commit). */
  async #matchPostfixConcurrency(): Promise<void> {
    const n = BENCH_LISTENER_CONNECTIONS;
    const d = BENCH_DELIVERY_CONNECTIONS;
    const r = await this.shell(
      `listenerconfig edit IncomingMail max_connections=${n} max_conn=${n}; destconfig default concurrency=${d} max_messages=${BENCH_MESSAGES_PER_CONNECTION}; commit "bench: Postfix's concurrency"`,
    );
    if (r.code !== 0) {
      throw new Error(`setting the bench listener's limits failed (status ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    }
    this.limitsNote =
      `the engine's listener takes ${n} sessions in all and ${n} from one address, and it delivers over up to ${d} connections of up to ${BENCH_MESSAGES_PER_CONNECTION} messages each, ` +
      `on the bench's data dir (Postfix's default_process_limit and default_destination_concurrency_limit; the product defaults stay 50 and 25, 10 and 50)`;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    const control = this.#control;
    this.#control = undefined;
    if (control) (await control.catch(() => undefined))?.close();
    if (!(await stopChild(child, this.#exited, 120_000))) throw new Error('the engine did not stop within 120 s of SIGTERM (killed)');
  }

  /** The queue's size as the engine counts it, over one control session kept for the run. */
  async queued(): Promise<number> {
    this.#control ??= ControlClient.connect(path.join(this.dataDir, 'esa.sock'));
    return (await this.#control).queued();
  }

  async settledWhileDown(): Promise<boolean> {
    // A 250 means the message is spooled and scheduled; nothing else has to happen.
    return true;
  }

  async flush(): Promise<FlushHow> {
    if (this.options.flush !== 'host-retry' && (await shellAvailable())) {
      const r = await this.shell('delivernow');
      if (r.code === 0) return 'delivernow';
      this.flushNote = `esa shell -c delivernow failed (status ${r.code}: ${(r.stderr || r.stdout).trim().split('\n')[0]}); waited for the host retry`;
    } else if (this.options.flush === 'host-retry') {
      this.flushNote = 'host retry chosen with --drain host-retry';
    } else {
      this.flushNote = '`esa shell` is not in this build: waited for the host retry instead of delivernow';
    }
    if (this.options.flush === 'delivernow') throw new Error(this.flushNote);
    return 'host retry';
  }

  shell(line: string): Promise<EsaRun> {
    return runEsa(['shell', '--data-dir', this.dataDir, '-c', line], 60_000);
  }

  async rssBytes(): Promise<number> {
    return this.#child?.pid ? rssBytes(this.#child.pid) : 0;
  }

  async cpuSeconds(): Promise<number> {
    return this.#child?.pid ? cpuSeconds(this.#child.pid) : 0;
  }

  async queueDisk(): Promise<{ stateBytes: number; contentBytes: number; files: number }> {
    const state = await dirUsage(path.join(this.dataDir, 'queue', 'state'));
    const spool = await dirUsage(path.join(this.dataDir, 'queue', 'spool'));
    return { stateBytes: state.bytes, contentBytes: spool.bytes, files: state.files + spool.files };
  }

  async statusAndTopHosts(): Promise<{ status: ControlTiming; tophosts: ControlTiming } | { skipped: string }> {
    let client: ControlClient;
    try {
      client = await ControlClient.connect(path.join(this.dataDir, 'esa.sock'));
    } catch (e) {
      return { skipped: `no control socket answers (${(e as Error).message}): status/tophosts not measured` };
    }
    try {
      const timed = async (command: string): Promise<ControlTiming> => {
        const r = await client.time(command);
        if (!r.ok) throw new Error(`${command} failed: ${r.output.trim().split('\n').pop()}`);
        // The same through `esa shell -c`, once, for what an operator waits (client start-up included).
        return { command, ms: r.ms, note: 'over the control socket, one session' };
      };
      return { status: await timed('status'), tophosts: await timed('tophosts') };
    } catch (e) {
      return { skipped: (e as Error).message };
    } finally {
      client.close();
    }
  }

  /** `esa shell -c LINE` as an operator runs it: ms including the client's start-up. */
  async shellRoundTrip(line: string): Promise<number | undefined> {
    if (!(await shellAvailable())) return undefined;
    const r = await this.shell(line);
    return r.code === 0 ? r.ms : undefined;
  }

  /** The engine's own view of its memory (V8 heap and buffers), from its last stall report. */
  async memory(): Promise<StallReport['memory'] | undefined> {
    try {
      return (JSON.parse(await readFile(this.stallFile, 'utf8')) as StallReport).memory;
    } catch {
      return undefined;
    }
  }

  /** Ends the current stall phase and returns its figures (see stall-monitor.ts). */
  async stall(): Promise<{ maxMs: number; p99Ms: number; gc?: GcReport } | undefined> {
    const pid = this.#child?.pid;
    if (!pid) return undefined;
    const phase = this.#phase++;
    await rm(`${this.stallFile}.phase`, { force: true });
    process.kill(pid, 'SIGUSR2');
    const until = performance.now() + 10_000;
    while (performance.now() < until) {
      try {
        const r = JSON.parse(await readFile(`${this.stallFile}.phase`, 'utf8')) as StallReport;
        if (r.phaseEnded && r.phase === phase) return { maxMs: r.maxMs, p99Ms: r.p99Ms, gc: r.gc };
      } catch {
        // not written yet, or written half-way
      }
      await sleep(20);
    }
    return undefined;
  }

  /** Starts a new stall phase (the figures of the one that ends are dropped). */
  async stallReset(): Promise<void> {
    await this.stall();
  }

  stderrTail(): string {
    return this.#stderr;
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = '';
  }
}
