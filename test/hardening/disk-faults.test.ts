// A full or read-only disk, the unit form (no mount needed): the data dir's disk turns full (ENOSPC) or
// read-only (EROFS) under a running engine, through an in-process fault layer. The engine
// stays up, answers 452 4.3.1, `status` and the mail log say so, nothing rejects unhandled,
// and acceptance and state saves resume by themselves once the disk works again.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { formatStatus } from '../../src/appliance/commands/monitoring/status-report.js';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { IdAllocator } from '../../src/engine/queue/ids.js';
import { listenerPort, readMailLog, removeDir, sendMail, startEngine, tempDir, waitFor } from '../helpers/harness.js';
import { DiskFaults, type DiskFault } from './disk-fault-fs.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
let root: string;
let faults: DiskFaults;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  root = await tempDir('esa-disk-faults-');
  faults = await DiskFaults.install(root);
});

after(async () => {
  faults.uninstall();
  process.off('unhandledRejection', onUnhandled);
  await removeDir(root);
});

async function engineOn(name: string): Promise<Engine> {
  return startEngine({ dataDir: path.join(root, name), storageProbeMs: 20 });
}

async function spooled(engine: Engine): Promise<number[]> {
  return engineParts(engine).queue.spool.allMids();
}

for (const fault of ['ENOSPC', 'EROFS'] as DiskFault[]) {
  test(`${fault} under a running engine: 452 4.3.1, status and mail log say so, then it recovers by itself`, async () => {
    const engine = await engineOn(`running-${fault}`);
    try {
      const port = listenerPort(engine);
      const first = await sendMail(port, { to: 'bob@example.com' });
      assert.ok(first.ok, first.response);

      faults.mode = fault;
      // The message being written when the disk says no, then the next at MAIL FROM.
      for (let i = 0; i < 2; i++) {
        const r = await sendMail(port, { to: 'bob@example.com' });
        assert.equal(r.ok, false);
        assert.match(r.response, /^452 4\.3\.1 /, r.response);
      }
      // The periodic state save, the queue state flush, the mail log: all refused, none fatal.
      const parts = engineParts(engine);
      await parts.saveState().catch(() => undefined);
      await parts.queue.store.flush();
      await parts.log.flush();
      const snap = engine.api.statusSnapshot(false);
      assert.ok(snap.storageShort, 'status knows storage is short');
      const report = formatStatus(snap, false).join('\n');
      assert.match(report, /^Storage:\s+cannot write .*\(E(NOSPC|ROFS)\).*receiving refused \(452 4\.3\.1\)$/m);
      assert.match(report, /Resource Conservation\s+3$/m);
      assert.equal(engine.api.gauges().storageUsedPercent, 100);

      faults.mode = null;
      await waitFor(() => parts.storage.short === null, 'the storage probe to see the disk work again');
      const again = await sendMail(port, { to: 'bob@example.com' });
      assert.ok(again.ok, again.response);
      const mid = Number(/Message (\d+) accepted/.exec(again.response)?.[1]);
      assert.ok((await spooled(engine)).includes(mid));

      const log = await readMailLog(engine);
      assert.match(log, /Info: Storage short: cannot write .*; new mail is refused with 452 4\.3\.1 until writes succeed again/);
      assert.match(log, /Info: Storage recovered: writes succeed again after \d+s; accepting mail/);
      // The lines logged while the disk refused them were kept and written after.
      assert.match(log, new RegExp(`MID ${mid} ready`));
      assert.deepEqual(unhandled, []);
    } finally {
      faults.mode = null;
      await engine.stop();
    }
  });
}

test('an engine starts on a full disk: it refuses mail until space returns, then takes it', async () => {
  const dataDir = path.join(root, 'start-full');
  const firstRun = await startEngine({ dataDir });
  await firstRun.stop();
  faults.mode = 'ENOSPC';
  const engine = await startEngine({ dataDir, storageProbeMs: 20 });
  try {
    assert.ok(engineParts(engine).storage.short, 'started in storage-short mode');
    const r = await sendMail(listenerPort(engine), { to: 'bob@example.com' });
    assert.match(r.response, /^452 4\.3\.1 /);
    faults.mode = null;
    await waitFor(() => engineParts(engine).storage.short === null, 'recovery');
    const ok = await sendMail(listenerPort(engine), { to: 'bob@example.com' });
    assert.ok(ok.ok, ok.response);
    assert.deepEqual(unhandled, []);
  } finally {
    faults.mode = null;
    await engine.stop();
  }
});

test('an engine stops cleanly on a full disk (the spool keeps every message)', async () => {
  const engine = await engineOn('stop-full');
  const port = listenerPort(engine);
  const r = await sendMail(port, { to: 'bob@example.com' });
  assert.ok(r.ok);
  faults.mode = 'ENOSPC';
  try {
    await engine.stop();
  } finally {
    faults.mode = null;
  }
  const again = await engineOn('stop-full');
  try {
    assert.equal(again.api.gauges().queuedMessages, 1);
  } finally {
    await again.stop();
  }
});

test('the id reservation: a failed background save rejects nothing, and no MID is handed out past what is on disk', async () => {
  const reserved = { mid: 1, icid: 1, dcid: 1 };
  let disk = { ...reserved };
  let full = false;
  const failures: unknown[] = [];
  const ids = new IdAllocator(
    reserved,
    async () => {
      await new Promise((r) => setImmediate(r));
      if (full) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      disk = { ...reserved };
    },
    (e) => failures.push(e),
  );
  await ids.open();
  assert.equal(disk.mid, 10_001);
  full = true;
  let handed = 0;
  let refused: Error | undefined;
  for (let i = 0; i < 20_000; i++) {
    try {
      ids.take('mid');
      handed++;
    } catch (e) {
      refused = e as Error;
      break;
    }
    if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  await ids.close();
  assert.equal(handed, 10_000, 'MIDs stop exactly at the durable reservation');
  assert.equal((refused as NodeJS.ErrnoException | undefined)?.code, 'ENOSPC');
  assert.ok(failures.length >= 1, 'the failed save was reported, not thrown');
  full = false;
  await ids.save();
  assert.ok(ids.canTakeMid());
  assert.equal(ids.take('mid'), 10_001);
  assert.deepEqual(unhandled, []);
});

test('mail log lines the disk refused are written once it works, and none are duplicated', async () => {
  const engine = await engineOn('log-kept');
  try {
    const { log } = engineParts(engine);
    faults.mode = 'ENOSPC';
    for (let i = 0; i < 50; i++) log.info(`kept line ${i}`);
    await log.flush();
    assert.ok(log.unwrittenBytes > 0);
    faults.mode = null;
    await log.flush();
    const text = await readFile(log.file, 'utf8');
    for (let i = 0; i < 50; i++) assert.equal(text.split(`kept line ${i}\n`).length, 2, `line ${i} once`);
  } finally {
    faults.mode = null;
    await engine.stop();
  }
});
