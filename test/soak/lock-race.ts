// Two engines racing for one data dir left by a crash (a stale `esa.lock` naming a dead pid):
// in-process (both Engine.start calls at once) and as child processes (two `esa start` at once,
// the winner then killed with SIGKILL so the next round starts from a crash again). Each round
// must have exactly one winner. Used by disk-lock.test.ts (short) and the soak (long).
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataDirBusyError } from '../../src/platform/data-dir-lock.js';
import { removeDir, spawnEsa, startEngine, tempDir } from '../helpers/harness.js';

export interface RaceResult {
  rounds: number;
  oneWon: number;
  bothWon: number;
  noneWon: number;
  otherErrors: string[];
}

export async function raceForDataDir({ rounds }: { rounds: number }): Promise<RaceResult> {
  const result: RaceResult = { rounds, oneWon: 0, bothWon: 0, noneWon: 0, otherErrors: [] };
  for (let i = 0; i < rounds; i++) {
    const dataDir = await tempDir('esa-race-');
    await writeFile(path.join(dataDir, 'esa.lock'), '999999\n');
    const settled = await Promise.allSettled([startEngine({ dataDir }), startEngine({ dataDir })]);
    const won = settled.filter((s) => s.status === 'fulfilled').length;
    for (const s of settled) {
      if (s.status === 'fulfilled') await s.value.stop();
      else if (!(s.reason instanceof DataDirBusyError)) result.otherErrors.push(String(s.reason));
    }
    if (won === 1) result.oneWon++;
    else if (won === 2) result.bothWon++;
    else result.noneWon++;
    await removeDir(dataDir);
  }
  return result;
}

/** Starts `esa start` on dataDir; resolves 'ready' once it serves, or its exit code and stderr. */
function startChild(
  dataDir: string,
  backendPort: number,
): { child: ChildProcess; outcome: Promise<{ ready: true } | { ready: false; code: number | null; stderr: string }> } {
  const child = spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', `127.0.0.1:${backendPort}`, '--time-scale', '100']);
  let out = '';
  let err = '';
  const outcome = new Promise<{ ready: true } | { ready: false; code: number | null; stderr: string }>((resolve) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/engine ready/.test(out)) resolve({ ready: true });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => resolve({ ready: false, code, stderr: err }));
  });
  return { child, outcome };
}

/** Child-process rounds on one data dir: two starts at once, the winner killed with SIGKILL. */
export async function raceChildren({ rounds, backendPort }: { rounds: number; backendPort: number }): Promise<RaceResult & { killed: number }> {
  const result = { rounds, oneWon: 0, bothWon: 0, noneWon: 0, otherErrors: [] as string[], killed: 0 };
  const dataDir = await tempDir('esa-race-children-');
  try {
    for (let i = 0; i < rounds; i++) {
      const a = startChild(dataDir, backendPort);
      const b = startChild(dataDir, backendPort);
      const outcomes = await Promise.all([a.outcome, b.outcome]);
      const won = outcomes.filter((o) => o.ready).length;
      for (const o of outcomes) {
        if (!o.ready && !(o.code === 2 && /^esa: another engine .* is running on /.test(o.stderr) && o.stderr.trim().split('\n').length === 1)) {
          result.otherErrors.push(`exit ${o.code}: ${o.stderr.trim()}`);
        }
      }
      if (won === 1) result.oneWon++;
      else if (won === 2) result.bothWon++;
      else result.noneWon++;
      for (const { child } of [a, b]) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          result.killed++;
          await new Promise((r) => child.once('exit', r));
        }
      }
    }
  } finally {
    await removeDir(dataDir);
  }
  return result;
}
