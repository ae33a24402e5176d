// What a long clock jump costs in real time: a sandbox engine (its built-in backend down, or
// answering 451) with N messages injected through its listener, then `sim clock +H` played as
// the sandbox plays it (every timer of the engine at its own time, SimClock.play). Prints the
// real time of the jump, the moments it stood at, and what the mail log says happened.
//   node --import tsx scripts/clock-jump-cost.ts 10000 72h [down|tempfail]
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../src/engine/engine.js';
import { BackendServer } from '../src/sandbox/backend.js';
import { parseDuration } from '../src/sandbox/duration.js';
import { Sandbox } from '../src/sandbox/sandbox.js';

const [count = '10000', span = '72h', mode = 'down'] = process.argv.slice(2);
const n = Number(count);
const ms = parseDuration(span);
if (!Number.isInteger(n) || n < 1 || ms === undefined || (mode !== 'down' && mode !== 'tempfail')) {
  console.error('usage: clock-jump-cost.ts <messages> <duration, e.g. 72h> [down|tempfail]');
  process.exit(2);
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'esa-jump-cost-'));
const backend = new BackendServer({ host: '127.0.0.1', port: 0, name: 'exchange.example.com' });
await backend.start();
const sandbox = new Sandbox(backend);
const engine = await Engine.start({
  dataDir,
  timeScale: 0,
  overrides: { listen: { host: '127.0.0.1', port: 0 }, route: { host: '127.0.0.1', port: backend.port } },
  sandbox,
});
try {
  await sandbox.setBackendMode(mode);
  let t = performance.now();
  const injected = await sandbox.inject(n, 'example.com');
  await sandbox.settle();
  console.log(`${injected.accepted} of ${n} messages queued in ${((performance.now() - t) / 1000).toFixed(1)} s (backend ${mode})`);
  t = performance.now();
  const report = await sandbox.jump(ms, { wallBudgetMs: Infinity });
  const wall = (performance.now() - t) / 1000;
  await engine.idle();
  // The current mail log and the rotated ones.
  const logs = (await readdir(path.join(dataDir, 'logs'))).filter((f) => f.startsWith('mail_logs'));
  const log = (await Promise.all(logs.map((f) => readFile(path.join(dataDir, 'logs', f), 'utf8')))).join('');
  const count = (re: RegExp) => log.split('\n').filter((l) => re.test(l)).length;
  console.log(`sim clock +${span}: ${wall.toFixed(1)} s of real time, ${report.steps} moment(s) played`);
  console.log(
    `mail log: ${count(/marked down/)} host probes failed, ${count(/Delayed: /)} soft bounces, ${count(/Message done/)} deliveries, ${count(/5\.4\.7/)} expired, ${count(/generated for bounce/)} DSNs, ${count(/generated for delay warning/)} delay warnings`,
  );
  console.log(`queue now: ${engine.api.gauges().queuedMessages} message(s); heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB`);
} finally {
  await engine.stop();
  await backend.stop();
  if (process.env.KEEP) console.log(dataDir);
  else await rm(dataDir, { recursive: true, force: true });
}
