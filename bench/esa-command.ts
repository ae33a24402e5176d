// How the benchmark runs `esa` itself as a child process: the built code when it runs from
// dist/, the TypeScript sources through tsx when it runs from bench/ (tests).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const fromSources = here.endsWith('.ts');
/** The project root (the folder with package.json). */
export const PROJECT_ROOT = fromSources ? path.resolve(path.dirname(here), '..') : path.resolve(path.dirname(here), '../..');

/** Node arguments that run the `esa` command line. */
export function esaEntry(): string[] {
  if (!fromSources) return [path.join(PROJECT_ROOT, 'dist/cli/main.js')];
  const built = path.join(PROJECT_ROOT, 'dist/cli/main.js');
  if (existsSync(built) && process.env.ESA_BENCH_FROM_SOURCES !== '1') return [built];
  return ['--import', 'tsx', path.join(PROJECT_ROOT, 'cli/main.ts')];
}

/** Starts `esa <args>`; `nodeArgs` go before the script (e.g. --cpu-prof). */
export function spawnEsa(args: string[], options: SpawnOptions = {}, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, ...esaEntry(), ...args], { cwd: PROJECT_ROOT, ...options });
}

export interface EsaRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `esa <args>` to its end. */
export function runEsa(args: string[], timeoutMs = 60_000): Promise<EsaRun> {
  const started = performance.now();
  const child = spawnEsa(args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}
