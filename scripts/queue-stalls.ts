// Event-loop stalls of queue views and operator actions at N queued: a real engine (its queue,
// scheduler, records, operations and API) holds N single-recipient messages the way it holds
// them while the backend is down (1,000 hosts and one big host with half of the mail, every
// destination down); the script times each view (one synchronous turn) and, for actions that
// work in slices, the longest turn while they run. The messages are put into the queue through
// the test seam, without spool files (writing a million would take longer than the measure):
// what is measured is their records, not their files.
//   node --import tsx scripts/queue-stalls.ts 1000000
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { NO_BOUNCES } from '../src/engine/bounce/bounce-sink.js';
import { Engine } from '../src/engine/engine.js';
import { newMessage, newRecipients } from '../src/engine/queue/message.js';
import { engineParts } from '../src/engine/test-seam.js';
import { forecast } from '../src/model/forecast.js';
import { domainOf } from '../src/model/rat.js';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const HOUR = 3_600_000;

/** 1,000 recipient domains and one big one (half of the mail); every 100th message from another sender. */
const domainFor = (i: number) => (i % 2 === 0 ? 'big.example' : `host${(i >> 1) % 1000}.example`);
const senderFor = (i: number) => (i % 100 === 0 ? 'Other@Example.org' : 'bench@example.org');

async function build(o: { retrying: boolean }) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'esa-stalls-'));
  const engine = await Engine.start({
    dataDir,
    // Frozen: the script moves time itself.
    timeScale: 0,
    warn: (line) => process.stderr.write(`warning: ${line}\n`),
    overrides: { listen: { host: '127.0.0.1', port: 0 }, route: { host: '127.0.0.1', port: 1 } },
    // Bounces are recorded in the queue, their DSNs not built: the walk is what is measured.
    bounces: () => NO_BOUNCES,
  });
  const { clock, ids, queue, scheduler } = engineParts(engine);
  // Down until well after any retry the build sets: no probe, no connection.
  for (const domain of new Set(Array.from({ length: Math.min(n, 2000) }, (_, i) => domainFor(i)))) {
    scheduler.hosts.failed(scheduler.destination(domain), clock.now(), { host_initial_retry: 48 * 3600, host_max_retry_timeout: 48 * 3600 });
  }
  for (let i = 0; i < n; i++) {
    const to = [`user${i}@${domainFor(i)}`];
    const rcpts = newRecipients(to, domainOf);
    if (o.retrying) {
      // Tried once after the outage began: every one due again at the same second.
      rcpts[0].attempts = 1;
      rcpts[0].nextAt = clock.now() + HOUR;
    }
    // MIDs from the engine's allocator (operator actions name the messages below its next MID).
    if (!ids.canTakeMid()) await ids.save();
    const env = { mid: ids.take('mid'), from: senderFor(i), to, arrival: clock.now() - HOUR, icid: 1 + (i >> 4), listener: 'Incoming', profile: 'Default' };
    const msg = newMessage(env, 2048, rcpts);
    queue.messages.admit(msg);
    queue.bytes += 2048;
    scheduler.add(msg);
  }
  const close = async () => {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { clock, scheduler, api: engine.api, close };
}

/** The longest event-loop turn while `work` runs (the gap between two setImmediate callbacks). */
async function longestTurn<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  longest = Math.max(longest, performance.now() - last, 0);
  running = false;
  await new Promise((r) => setImmediate(r));
  return { ms: longest, value };
}

// Collector pauses are part of a long turn but not of the walk's own work: shown beside it.
let longestGc = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longestGc = Math.max(longestGc, e.duration);
}).observe({ entryTypes: ['gc'] });

const rows: [string, number, number, string][] = [];
/** A view or action: its longest event-loop turn and how long it took in all. */
async function timed<T>(what: string, fn: () => Promise<T> | T, note: (v: T) => string = () => ''): Promise<T> {
  const t = performance.now();
  longestGc = 0;
  const r = await longestTurn(fn);
  await new Promise((resolve) => setTimeout(resolve, 20)); // GC entries arrive after the fact
  rows.push([what, r.ms, performance.now() - t - 20, `${note(r.value)}${longestGc >= 5 ? ` (longest GC pause ${longestGc.toFixed(0)} ms)` : ''}`]);
  return r.value;
}
function printRows(): void {
  for (const [what, turn, all, note] of rows)
    process.stdout.write(`${what.padEnd(56)} ${turn.toFixed(1).padStart(8)} ms longest turn ${all.toFixed(0).padStart(6)} ms in all  ${note}\n`);
  rows.length = 0;
}

const fmt = (x: number) => x.toLocaleString('en-US');
const page = (p: { total: number; rows: unknown[] }) => `${p.rows.length} rows of ${fmt(p.total)}`;
process.stdout.write(`building ${fmt(n)} queued...\n`);
{
  const { api, scheduler, close } = await build({ retrying: false });
  for (let round = 0; round < 2; round++) {
    if (round === 1) rows.length = 0; // the first round warms up
    await timed('showrecipients all, first page', () => api.queuedRecipients({ kind: 'all' }, { offset: 0, limit: 20 }), page);
    await timed('showrecipients all, page at n/2', () => api.queuedRecipients({ kind: 'all' }, { offset: n / 2, limit: 20 }), page);
    await timed(
      'showrecipients host big.example, first page',
      () => api.queuedRecipients({ kind: 'host', host: 'big.example' }, { offset: 0, limit: 20 }),
      page,
    );
    await timed(
      'showrecipients host host7.example, first page',
      () => api.queuedRecipients({ kind: 'host', host: 'host7.example' }, { offset: 0, limit: 20 }),
      page,
    );
    await timed(
      'showrecipients host host999.example, first page',
      () => api.queuedRecipients({ kind: 'host', host: 'host999.example' }, { offset: 0, limit: 20 }),
      page,
    );
    await timed(
      'showrecipients sender (case-insensitive), first page',
      () => api.queuedRecipients({ kind: 'sender', sender: 'other@example.org' }, { offset: 0, limit: 20 }),
      page,
    );
    await timed(
      'showrecipients sender (case-sensitive), first page',
      () => api.queuedRecipients({ kind: 'sender', sender: 'Other@Example.org', caseSensitive: true }, { offset: 0, limit: 20 }),
      page,
    );
    await timed(
      'tophosts (hostRows)',
      () => api.hostRows(),
      (r) => `${r.length} hosts`,
    );
    await timed(
      'hoststatus big.example',
      () => api.hostStatus('big.example'),
      (h) => `${fmt(h?.activeRecipients ?? 0)} active`,
    );
    await timed('status (statusSnapshot)', () => api.statusSnapshot(true));
    await timed('oldmessage', () => api.oldestMessage());
    await timed(
      'forecast (snapshot + forecast)',
      async () => forecast(await api.forecastSnapshot()),
      (f) => `${fmt(f.total)} recipients`,
    );
  }
  printRows();

  const act = (what: string, work: () => Promise<number>) => timed(what, work, (v) => `${fmt(v)} recipients`);
  await act('deleterecipients host host7.example', () => api.deleteRecipients({ kind: 'host', host: 'host7.example' }));
  await act('deleterecipients sender other@example.org', () => api.deleteRecipients({ kind: 'sender', sender: 'other@example.org' }));
  await act('bouncerecipients host big.example', () => api.bounceRecipients({ kind: 'host', host: 'big.example' }));
  await act('deleterecipients all', () => api.deleteRecipients({ kind: 'all' }));
  // What the actions left behind: entries of the ready queues dropped lazily when next looked at.
  // (each destination is looked at on its own turn: the longest of them is the figure)
  let longestLook = 0;
  await timed(
    'ready queues looked at after the actions (hasReady)',
    () => {
      let left = 0;
      for (const d of scheduler.destinations.values()) {
        left += d.ready.length;
        const t = performance.now();
        d.hasReady();
        longestLook = Math.max(longestLook, performance.now() - t);
      }
      return left;
    },
    (v) => `${fmt(v)} entries left in all; the longest destination ${longestLook.toFixed(1)} ms`,
  );
  printRows();
  await close();
}
{
  const { clock, scheduler, api, close } = await build({ retrying: true });
  await timed(
    'retry timer: every job due at once',
    async () => {
      clock.advance(HOUR);
      // The retry timer fires on its clock timer; the jobs are ready once every slice ran.
      for (let i = 0; i < 10_000; i++) {
        await new Promise((res) => setImmediate(res));
        let ready = 0;
        for (const d of scheduler.destinations.values()) ready += d.ready.length;
        if (ready >= n) return ready;
      }
      return -1;
    },
    (v) => `${fmt(v)} jobs made due`,
  );
  await timed(
    'hoststatus big.example (every job retrying)',
    () => api.hostStatus('big.example'),
    (h) => `${fmt(h?.activeRecipients ?? 0)} active`,
  );
  await timed(
    'showrecipients host big.example (retrying), first page',
    () => api.queuedRecipients({ kind: 'host', host: 'big.example' }, { offset: 0, limit: 20 }),
    page,
  );
  await timed(
    'showrecipients host host7.example (retrying), first page',
    () => api.queuedRecipients({ kind: 'host', host: 'host7.example' }, { offset: 0, limit: 20 }),
    page,
  );
  await timed(
    'bouncerecipients host big.example (retrying)',
    () => api.bounceRecipients({ kind: 'host', host: 'big.example' }),
    (v) => `${fmt(v)} recipients`,
  );
  printRows();
  await close();
}
