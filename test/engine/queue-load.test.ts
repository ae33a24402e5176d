// A queue on disk is loaded range by range at start, behind listeners that already take mail:
// spool files live in MID-range buckets (spool/<mid/1000>/<mid>.msg), a spool of the flat
// layout is moved into them, new MIDs start past every range on disk, `status` says how far
// the load has got, and emptied ranges leave no directory behind.
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { formatStatus } from '../../src/appliance/commands/monitoring/status-report.js';
import type { Envelope } from '../../src/engine/queue/message.js';
import { Spool } from '../../src/engine/queue/spool.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { listenerPort, readMailLog, removeDir, sendMail, startBackend, startEngine, tempDir, waitFor } from '../helpers/harness.js';

let backend: BackendServer;
const dirs: string[] = [];

before(async () => {
  backend = await startBackend();
});

after(async () => {
  await backend.stop();
  for (const d of dirs) await removeDir(d);
});

/** Spools messages as an engine of this version would have (no queue state: rebuilt at start). */
async function spoolMessages(dataDir: string, mids: number[]): Promise<void> {
  const spool = new Spool(path.join(dataDir, 'queue'));
  await spool.open();
  for (const mid of mids) {
    const envelope: Envelope = {
      mid,
      from: 'alice@example.org',
      to: [`bob${mid}@example.com`],
      arrival: Date.UTC(2026, 10, 28, 11, 0, 0),
      icid: 1,
      listener: 'IncomingMail',
      profile: 'Default',
    };
    await spool.write(envelope, [Buffer.from(`Subject: queued ${mid}\r\n\r\nbody of ${mid}\r\n`)]);
  }
  await spool.close();
}

/** The spool's bucket directories (`incoming/` holds the temporary files opened ahead). */
async function buckets(dataDir: string): Promise<string[]> {
  return (await readdir(path.join(dataDir, 'queue', 'spool'))).filter((n) => /^\d+$/.test(n)).sort();
}

function deliveredSubjects(): string[] {
  return backend.messages.map((m) => /Subject: (.*)\r\n/.exec(m.content.toString('utf8'))?.[1] ?? '?').sort();
}

test('a queue of four ranges loads behind an open listener: 250 meanwhile, status says how far, every message delivered', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  await spoolMessages(dataDir, [10, 1010, 2010, 3010]);
  assert.deepEqual(await buckets(dataDir), ['0', '1', '2', '3']);

  backend.messages.length = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held = false;
  const engine = await startEngine({
    dataDir,
    backendPort: backend.port,
    foregroundLoadMs: 0,
    beforeQueueRange: async (done) => {
      if (done === 2) {
        held = true;
        await gate;
      }
    },
  });
  try {
    await waitFor(() => held, 'the load to reach its third range');
    const sent = await sendMail(listenerPort(engine), { to: 'carol@example.com', subject: 'while loading' });
    assert.ok(sent.ok, sent.response);
    // New MIDs start past every range on disk.
    assert.equal(Number(/Message (\d+) accepted/.exec(sent.response)![1]), 4000);

    const snapshot = engine.api.statusSnapshot(false);
    assert.deepEqual(snapshot.queueLoading, { messages: 2, expectedMessages: 2, ranges: 4, rangesDone: 2 });
    const line = formatStatus(snapshot, false).find((l) => l.startsWith('Queue:'));
    assert.match(line ?? '', /^Queue:\s+still loading after the start: 2 of about 2 messages \(50%\), 2 of 4 ranges$/);

    release();
    await engine.queueLoaded;
    assert.equal(engine.api.statusSnapshot(false).queueLoading, undefined);
    await engine.idle();
    await waitFor(() => backend.messages.length === 5, 'five deliveries');
    assert.deepEqual(deliveredSubjects(), ['queued 10', 'queued 1010', 'queued 2010', 'queued 3010', 'while loading']);
    assert.match(await readMailLog(engine), /Info: Loading the queue in the background: 0 message\(s\) of about 0 loaded, 4 of 4 range\(s\) to go\n/);
    assert.match(await readMailLog(engine), /Info: Startup: 4 message\(s\) in the queue \(4 recovered from the spool\)\n/);
    // Emptied ranges leave no directory behind (the newest, where mail is written, stays).
    await engine.idle();
    assert.deepEqual(await buckets(dataDir), ['4']);
    assert.deepEqual(await readdir(path.join(dataDir, 'queue', 'state')), []);
  } finally {
    release();
    await engine.stop();
  }
});

test('a load that stops on an error says so in status, keeps taking mail, and the next start loads the rest', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  await spoolMessages(dataDir, [20, 1020, 2020]);
  backend.messages.length = 0;
  const warnings: string[] = [];
  const engine = await startEngine({
    dataDir,
    backendPort: backend.port,
    foregroundLoadMs: 0,
    warn: (line) => warnings.push(line),
    beforeQueueRange: async (done) => {
      if (done === 1) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    },
  });
  try {
    await engine.queueLoaded;
    const snapshot = engine.api.statusSnapshot(false);
    assert.deepEqual(snapshot.queueLoading, { messages: 1, expectedMessages: 1, ranges: 3, rangesDone: 1, stopped: 'EIO: i/o error, read' });
    const line = formatStatus(snapshot, false).find((l) => l.startsWith('Queue:'));
    assert.match(
      line ?? '',
      /^Queue:\s+loading stopped after the start at 1 of about 1 messages \(33%\), 1 of 3 ranges: EIO: i\/o error, read; the rest stays on disk and loads at the next start$/,
    );
    assert.ok(
      warnings.some((w) => w.startsWith('cannot load the rest of the queue: EIO')),
      warnings.join(' | '),
    );
    const sent = await sendMail(listenerPort(engine), { to: 'carol@example.com', subject: 'after the error' });
    assert.ok(sent.ok, sent.response);
    await waitFor(() => backend.messages.length === 2, 'the loaded message and the new one delivered');
  } finally {
    await engine.stop();
  }
  // The next start loads the two ranges left on disk.
  const again = await startEngine({ dataDir, backendPort: backend.port });
  try {
    await again.queueLoaded;
    assert.equal(again.api.statusSnapshot(false).queueLoading, undefined);
    await waitFor(() => backend.messages.length === 4, 'the rest delivered after the restart');
    assert.deepEqual(deliveredSubjects(), ['after the error', 'queued 1020', 'queued 20', 'queued 2020']);
  } finally {
    await again.stop();
  }
});

test('a spool of the flat layout (before buckets) is moved into bucket directories and delivered', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  await spoolMessages(dataDir, [7, 1234]);
  const spoolDir = path.join(dataDir, 'queue', 'spool');
  // As the previous version left them: spool/<mid>.msg.
  await rename(path.join(spoolDir, '0', '7.msg'), path.join(spoolDir, '7.msg'));
  await rename(path.join(spoolDir, '1', '1234.msg'), path.join(spoolDir, '1234.msg'));
  await mkdir(path.join(spoolDir, '9'));
  // A temporary file opened ahead and half written when the last run stopped: never acknowledged.
  await mkdir(path.join(spoolDir, 'incoming'), { recursive: true });
  await writeFile(path.join(spoolDir, 'incoming', '3.tmp'), '{"spool":2,"mid":99,"from":"x@example.org","to":["y@example.com"]');

  backend.messages.length = 0;
  const engine = await startEngine({ dataDir, backendPort: backend.port });
  try {
    await engine.idle();
    await waitFor(() => backend.messages.length === 2, 'two deliveries');
    assert.deepEqual(deliveredSubjects(), ['queued 1234', 'queued 7']);
    const left = await readdir(spoolDir);
    assert.ok(!left.some((n) => n.endsWith('.msg')), `no flat spool files left: ${left.join(' ')}`);
    assert.ok(!(await readdir(path.join(spoolDir, 'incoming'))).includes('3.tmp'), 'the leftover temporary file is gone');
    // New mail goes past the highest range there was (the empty bucket 9 counts).
    const sent = await sendMail(listenerPort(engine), { to: 'carol@example.com', subject: 'after' });
    assert.equal(Number(/Message (\d+) accepted/.exec(sent.response)![1]), 10_000);
  } finally {
    await engine.stop();
  }
});

test('a restart with queued mail for a down host keeps every message, in the same bucket files', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  let engine = await startEngine({ dataDir, backendPort: 1 });
  const mids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const sent = await sendMail(listenerPort(engine), { to: `dave${i}@example.com`, subject: `down ${i}` });
    mids.push(Number(/Message (\d+) accepted/.exec(sent.response)![1]));
  }
  // Each is tried once (the backend refuses) and waits for a retry ahead of the frozen clock, so
  // none is due the moment the next start opens.
  await engine.idle();
  await engine.stop();
  for (const mid of mids) assert.ok((await stat(path.join(dataDir, 'queue', 'spool', String(Math.floor(mid / 1000)), `${mid}.msg`))).isFile());

  backend.messages.length = 0;
  engine = await startEngine({ dataDir, backendPort: backend.port });
  try {
    // The load may go on behind the open listeners (past its 300 ms in the foreground on a
    // loaded machine): counted once it is done.
    await engine.queueLoaded;
    assert.equal(engine.api.gauges().queuedMessages, 3);
    // Their retry time is ahead (the clock stands still here): delivered on the operator's word.
    engine.api.deliverNow();
    await engine.idle();
    await waitFor(() => backend.messages.length === 3, 'three deliveries');
    assert.deepEqual(deliveredSubjects(), ['down 0', 'down 1', 'down 2']);
    assert.match(await readMailLog(engine), /Info: Startup: 3 message\(s\) in the queue\n/);
  } finally {
    await engine.stop();
  }
});
