// Memory per queued message: builds N single-recipient messages the way the engine does while
// the backend is down (newMessage/newRecipients, QueueRecords.enter, DeliveryScheduler.add with
// the destination marked down), forces GC and prints the JS heap bytes per message; with
// `--counts`, also the heap objects per message by kind (from a heap snapshot).
//   node --expose-gc --import tsx scripts/queue-memory.ts 200000 [--counts]
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSnapshot } from 'node:v8';
import { SimClock } from '../src/engine/clock.js';
import { hostStatus } from '../src/engine/views.js';
import { newMessage, newRecipients, type Envelope, type QueuedMessage } from '../src/engine/queue/message.js';
import { domainOf } from '../src/model/rat.js';
import { offlineScheduler } from '../test/helpers/offline-scheduler.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('queue-memory: run with node --expose-gc\n');
  process.exit(2);
}
const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
const withCounts = process.argv.includes('--counts');

const clock = new SimClock();
const messages = new Map<number, QueuedMessage>(); // MailQueue.messages
const { scheduler, records, config } = offlineScheduler(clock);

/** 1,000 recipient domains and one big one (half of the mail), every destination down. */
const domainFor = (i: number) => (i % 2 === 0 ? 'big.example' : `host${(i >> 1) % 1000}.example`);
for (const domain of new Set(Array.from({ length: Math.min(n, 2000) }, (_, i) => domainFor(i)))) {
  scheduler.hosts.failed(scheduler.destination(domain), clock.now(), { host_initial_retry: 3600, host_max_retry_timeout: 3600 });
}

/** Strings as the listener gets them: fresh per message, the address cut out of smtp-server's command line. */
function envelopeOf(i: number): Envelope {
  const mailCmd = `MAIL FROM:<bench@example.org> SIZE=2048`;
  const rcptCmd = `RCPT TO:<user${i}@${domainFor(i)}>`;
  const cut = (cmd: string) => cmd.split(':').slice(1).join(':').trim().split(/\s+/)[0].slice(1, -1);
  return {
    mid: i + 1,
    from: cut(mailCmd),
    to: [cut(rcptCmd)],
    arrival: clock.now(),
    icid: 1 + (i >> 4),
    listener: ['Incoming', 'Mail'].join(''),
    profile: ['Def', 'ault'].join(''),
    messageId: `<${i}.x@bench.localdomain>`,
    subject: `message ${i}`,
  };
}

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

// As the first probe of a down host leaves it: one message attempted, waiting for its retry
// (times in the records' fields from then on, as in the running engine).
{
  const envelope = envelopeOf(-1);
  const msg = newMessage(envelope, 2048, newRecipients(envelope.to, domainOf));
  scheduler.add(msg);
  records.attempted(msg, msg.rcpts, '421 4.4.1 connection refused');
  records.retryAt(msg, msg.rcpts, clock.now() + 3_600_000);
}

const before = heapUsed();
// The longest collector pause while the queue fills (forced collections are not in it).
let longestGc = 0;
const gcWatch = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longestGc = Math.max(longestGc, e.duration);
});
gcWatch.observe({ entryTypes: ['gc'] });
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const envelope = envelopeOf(i);
  const msg = newMessage(envelope, 2048, newRecipients(envelope.to, domainOf));
  messages.set(envelope.mid, msg);
  scheduler.add(msg);
}
const buildMs = performance.now() - t0;
// GC entries are delivered after the fact, once the event loop runs.
await new Promise((r) => setTimeout(r, 100));
for (const e of gcWatch.takeRecords()) longestGc = Math.max(longestGc, e.duration);
gcWatch.disconnect();
const after = heapUsed();
const t1 = performance.now();
gc();
const fullGcMs = performance.now() - t1;
const t2 = performance.now();
const big = hostStatus(scheduler, config, 'big.example', clock.now());
const hostStatusMs = performance.now() - t2;
const perMessage = (after - before) / n;
process.stdout.write(
  `${n.toLocaleString('en-US')} queued (single recipient, ${scheduler.destinations.size} destinations down): ` +
    `${Math.round(perMessage)} B of JS heap per message (${((after - before) / 2 ** 20).toFixed(1)} MB), ` +
    `${((perMessage * 1e6) / 2 ** 20).toFixed(0)} MB at 1,000,000; built in ${Math.round(buildMs)} ms\n`,
);
process.stdout.write(
  `longest GC pause while filling ${longestGc.toFixed(1)} ms; a forced full GC ${fullGcMs.toFixed(1)} ms; ` +
    `hoststatus of big.example (${big?.activeRecipients} recipients) ${hostStatusMs.toFixed(1)} ms\n`,
);
if (records.active !== n + 1) throw new Error(`expected ${n} active recipients, got ${records.active}`);

if (withCounts) {
  // Heap objects by kind and constructor, those that come about once per message or more.
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snap = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const kinds = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + iType]];
    const name = type === 'object' || type === 'closure' || type === 'array' ? snap.strings[snap.nodes[i + iName]] : '';
    const key = `${type}${name ? ` ${name}` : ''}`;
    const k = kinds.get(key) ?? { count: 0, bytes: 0 };
    k.count++;
    k.bytes += snap.nodes[i + iSize];
    kinds.set(key, k);
  }
  const rows = [...kinds].filter(([, k]) => k.count >= n / 20).sort((a, b) => b[1].bytes - a[1].bytes);
  process.stdout.write('per message:   objects    bytes  kind\n');
  for (const [key, k] of rows) process.stdout.write(`${(k.count / n).toFixed(2).padStart(19)} ${(k.bytes / n).toFixed(0).padStart(8)}  ${key}\n`);
}
