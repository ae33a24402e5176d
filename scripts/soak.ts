// `npm run soak`: the long forms of the crash, fault and abuse tests (their short forms run in
// `npm test`), one after the other, each with its counts, bounded to 10 minutes in all. Exits 1
// when a message that got a 250 was lost, a duplicate has no cause, or two engines shared a
// data dir. `--quick` runs every phase small (a check of the script itself).
//
// Hook for more phases: any `test/soak/*.phase.ts` that exports `soakPhase: SoakPhase`
// (test/soak/phase.ts) is run too, after the built-in ones (the hostile-SMTP set plugs in here).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { backendFaults } from '../test/soak/backend-faults.js';
import { crashUnderLoad } from '../test/soak/crash-load.js';
import { diskFillCycles } from '../test/soak/disk-fill.js';
import { raceChildren, raceForDataDir } from '../test/soak/lock-race.js';
import type { PhaseResult, SoakPhase } from '../test/soak/phase.js';
import { startBackend, ROOT } from '../test/helpers/harness.js';

const quick = process.argv.includes('--quick');
const LIMIT_MS = 10 * 60 * 1000;
const started = Date.now();

const watchdog = setTimeout(() => {
  process.stdout.write(`soak: over its ${LIMIT_MS / 60_000} minute bound: stopped\n`);
  process.exit(1);
}, LIMIT_MS);
watchdog.unref();

const builtIn: SoakPhase[] = [
  {
    name: 'crash: kill -9 under load',
    async run() {
      const f = await crashUnderLoad({ kills: quick ? 2 : 24, between: quick ? [30, 60] : [60, 240], timeoutMs: 90_000 });
      return {
        figures: {
          'kills survived': f.kills,
          'accepted (250)': f.accepted,
          'load held (msg/s)': f.msgPerSecond,
          delivered: f.delivered,
          'messages lost': f.lost,
          duplicates: `${f.duplicates} (in flight at a kill: ${f.duplicatesInFlightAtKill}, unexplained: ${f.duplicatesUnexplained})`,
        },
        failures: [
          ...(f.lost ? [`${f.lost} accepted message(s) lost`] : []),
          ...(f.duplicatesUnexplained ? [`${f.duplicatesUnexplained} duplicate(s) with no kill between`] : []),
        ],
      };
    },
  },
  {
    name: 'backend faults (11 modes)',
    async run() {
      const f = await backendFaults({ perMode: quick ? 6 : 60, timeoutMs: 90_000 });
      return {
        figures: {
          modes: f.modes,
          'faults injected': f.faultsInjected,
          messages: f.messages,
          'recipients delivered': f.delivered,
          'bounced, sender told by DSN': f.bouncedWithDsn,
          'messages lost': f.lost,
          duplicates: `${f.duplicates} (backend's 250 cut after the dot: ${f.duplicatesReplyLost})`,
        },
        failures: [
          ...(f.lost ? [`${f.lost} lost: ${JSON.stringify(f.perMode.filter((m) => m.lost))}`] : []),
          ...(f.duplicates !== f.duplicatesReplyLost
            ? [`duplicates outside reset-after-dot: ${JSON.stringify(f.perMode.filter((m) => m.duplicates && m.mode !== 'reset-after-dot'))}`]
            : []),
        ],
      };
    },
  },
  {
    name: 'two engines racing for one data dir',
    async run() {
      const inProcess = await raceForDataDir({ rounds: quick ? 10 : 150 });
      const backend = await startBackend();
      try {
        const children = await raceChildren({ rounds: quick ? 2 : 12, backendPort: backend.port });
        return {
          figures: {
            'in-process rounds': `${inProcess.rounds} (one winner: ${inProcess.oneWon}, two: ${inProcess.bothWon}, none: ${inProcess.noneWon})`,
            '`esa start` pairs after a kill -9': `${children.rounds} (one winner: ${children.oneWon}, two: ${children.bothWon}, none: ${children.noneWon}; winners killed: ${children.killed})`,
          },
          failures: [
            ...(inProcess.bothWon + children.bothWon ? ['two engines got one data dir'] : []),
            ...(inProcess.noneWon + children.noneWon ? ['a race had no winner'] : []),
            ...inProcess.otherErrors,
            ...children.otherErrors,
          ],
        };
      } finally {
        await backend.stop();
      }
    },
  },
  {
    name: 'full disk (tmpfs) under load',
    async run(): Promise<PhaseResult> {
      const f = await diskFillCycles({ cycles: quick ? 2 : 15, timeoutMs: 60_000 });
      if (f.skipped) return { figures: { skipped: f.skipped }, failures: [] };
      return {
        figures: {
          'fill/free cycles': f.cycles,
          'storage-short episodes': f.storageEpisodes,
          'accepted (250)': f.accepted,
          '452 4.3.1 replies': f.refused452,
          'other refusals': f.otherReplies.length ? f.otherReplies.join(' | ') : 0,
          'messages lost': f.lost,
          duplicates: f.duplicates,
          'unhandled rejections': f.unhandledRejections,
        },
        failures: [
          ...(f.lost ? [`${f.lost} lost`] : []),
          ...(f.duplicates ? [`${f.duplicates} duplicate(s) without a kill`] : []),
          ...(f.unhandledRejections ? [`${f.unhandledRejections} unhandled rejection(s)`] : []),
          ...(f.otherReplies.length ? [`replies other than 250/452: ${f.otherReplies.join(' | ')}`] : []),
        ],
      };
    },
  },
];

/** Phases other files add (see the hook above). */
async function pluggedIn(): Promise<SoakPhase[]> {
  const dir = path.join(ROOT, 'test/soak');
  const found = (await readdir(dir)).filter((name) => name.endsWith('.phase.ts')).sort();
  const phases: SoakPhase[] = [];
  for (const name of found) {
    const mod = (await import(pathToFileURL(path.join(dir, name)).href)) as { soakPhase?: SoakPhase };
    if (mod.soakPhase) phases.push(mod.soakPhase);
  }
  return phases;
}

const results: { name: string; result: PhaseResult; ms: number }[] = [];
for (const phase of [...builtIn, ...(await pluggedIn())]) {
  const t = Date.now();
  process.stdout.write(`soak: ${phase.name}...\n`);
  let result: PhaseResult;
  try {
    result = await phase.run({ quick });
  } catch (e) {
    result = { figures: {}, failures: [`did not finish: ${(e as Error).message}`] };
  }
  results.push({ name: phase.name, result, ms: Date.now() - t });
  for (const [k, v] of Object.entries(result.figures)) process.stdout.write(`  ${k.padEnd(34)} ${v}\n`);
  for (const f of result.failures) process.stdout.write(`  FAILED: ${f}\n`);
  process.stdout.write(`  (${Math.round((Date.now() - t) / 1000)} s)\n`);
}
const failed = results.filter((r) => r.result.failures.length);
process.stdout.write(`soak: ${results.length - failed.length} passed, ${failed.length} failed in ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(failed.length ? 1 : 0);
