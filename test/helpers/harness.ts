// Test harness: a real engine (in-process or as a child process), a real backend SMTP server
// and a real SMTP client, all on loopback with ports chosen by the OS and temp data dirs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import type { CounterColumns, CounterName } from '../../src/api/engine-api.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import { BackendServer } from '../../src/sandbox/backend.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function tempDir(prefix = 'esa-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A backend that keeps what it receives in memory. */
export async function startBackend(): Promise<BackendServer> {
  const backend = new BackendServer({ port: 0, keep: true });
  await backend.start();
  return backend;
}

export interface TestEngineOptions extends Partial<EngineOptions> {
  backendPort?: number;
  accept?: string[];
  /** Simulated clock speed; 0 (default in tests) freezes it so tests move it with advance(). */
  scale?: number;
}

/** An engine on a temp data dir, listening on a free port, routing ALL to the backend. */
export async function startEngine(o: TestEngineOptions = {}): Promise<Engine> {
  const dataDir = o.dataDir ?? (await tempDir());
  return Engine.start({
    dataDir,
    timeScale: o.scale ?? 0,
    clockStart: o.clockStart ?? Date.UTC(2026, 10, 28, 12, 0, 0),
    warn: o.warn ?? (() => undefined),
    connectionLingerMs: o.connectionLingerMs ?? 200,
    connectTimeoutMs: o.connectTimeoutMs ?? 2_000,
    logRotateBytes: o.logRotateBytes,
    logKeep: o.logKeep,
    bounces: o.bounces,
    sandbox: o.sandbox,
    foregroundLoadMs: o.foregroundLoadMs,
    beforeQueueRange: o.beforeQueueRange,
    periodicSaveMs: o.periodicSaveMs,
    beforeClusterWrite: o.beforeClusterWrite,
    cluster: o.cluster,
    overrides: {
      listen: { host: '127.0.0.1', port: 0 },
      route: { host: '127.0.0.1', port: o.backendPort ?? 1 },
      accept: o.accept ?? ['example.com'],
      ...o.overrides,
    },
  });
}

/** A copy of the running configuration to change and commit (as a session's pending copy is). */
export function configCopy(engine: Engine): ApplianceConfig {
  return structuredClone<ApplianceConfig>(engine.api.config());
}

/** One of `status`'s counters (Reset / Uptime / Lifetime), as the engine API reports it. */
export function counter(engine: Engine, name: CounterName): CounterColumns {
  return engine.api.statusSnapshot(false).counters[name];
}

/** Whether a message is in the queue (some recipient not done yet, or its DSN not yet queued). */
export async function isQueued(engine: Engine, mid: number): Promise<boolean> {
  return (await engine.api.message(mid)) !== undefined;
}

export function listenerPort(engine: Engine, name = 'IncomingMail'): number {
  return engine.api.listenerViews().find((l) => l.name === name)!.port;
}

export interface SendResult {
  ok: boolean;
  response: string;
  code?: number;
}

/** Sends one message over a fresh SMTP connection; never throws, returns the reply. */
export async function sendMail(
  port: number,
  mail: { from?: string; to: string | string[]; subject?: string; text?: string; raw?: string | Buffer },
): Promise<SendResult> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({
      from: mail.from ?? 'alice@example.org',
      to: mail.to,
      subject: mail.subject ?? 'test',
      text: mail.text ?? 'hello',
      ...(mail.raw ? { raw: mail.raw, envelope: { from: mail.from ?? 'alice@example.org', to: mail.to } } : {}),
    });
    return { ok: true, response: info.response };
  } catch (e) {
    const err = e as { response?: string; responseCode?: number; message: string };
    return { ok: false, response: err.response ?? err.message, code: err.responseCode };
  } finally {
    transport.close();
  }
}

/**
 * Polls `cond` until it holds. The timeout only ends a test that would hang: generous, so a
 * loaded machine (a full test run beside another) is never mistaken for a failure.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `esa` from the sources as a child process. */
export function spawnEsa(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Collects a child's output and resolves with its exit code. */
export function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Sends `count` messages over a few reused connections; returns the 250 replies' MIDs. */
export async function sendMany(
  port: number,
  count: number,
  mail: (i: number) => { from?: string; to: string | string[]; subject?: string; text?: string } = () => ({ to: 'bob@example.com' }),
  connections = 5,
): Promise<number[]> {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: connections,
    maxMessages: Infinity,
  });
  try {
    const replies = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const m = mail(i);
        return transport.sendMail({ from: m.from ?? 'alice@example.org', to: m.to, subject: m.subject ?? `message ${i}`, text: m.text ?? 'hello' });
      }),
    );
    return replies.map((r) => Number(/Message (\d+) accepted/.exec(r.response)?.[1]));
  } finally {
    transport.close();
  }
}

/** The engine's mail log as written so far (flushed first). */
export async function readMailLog(engine: Engine): Promise<string> {
  const [current] = await engine.api.mailLogFiles();
  return readFile(current, 'utf8');
}

/**
 * `esa start` as a child process on `dataDir`, everything routed to `backendPort`, its clock
 * 100x faster; resolves with its listener port once it accepts (for kill -9 tests).
 */
export async function startEngineChild(dataDir: string, backendPort: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', `127.0.0.1:${backendPort}`, '--time-scale', '100']);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listener IncomingMail on [\d.]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}: ${err}`)));
  }).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  return { child, port };
}
