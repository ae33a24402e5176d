// A full or read-only disk on a real small file system: the data dir on a 5 MB tmpfs, filled by mail
// until the disk says no, then remounted read-only. Needs `mount` (root, or a container that
// allows it); skipped with the reason when mounting is refused. The unit form, which runs
// anywhere, is disk-faults.test.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startupError } from '../../cli/start.js';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { listenerPort, readMailLog, removeDir, sendMail, startEngine, tempDir, waitFor } from '../helpers/harness.js';

const run = promisify(execFile);
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
let mnt = '';
let skip: string | false = false;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  mnt = await tempDir('esa-tmpfs-');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=5m,mode=0700', 'tmpfs', mnt]);
  } catch (e) {
    skip = `cannot mount a tmpfs here (${((e as { stderr?: string }).stderr || (e as Error).message).trim()}): the in-process form (disk-faults.test.ts) covers the engine's side`;
  }
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  if (!skip) await run('umount', [mnt]).catch(() => run('umount', ['-l', mnt]));
  await removeDir(mnt);
});

async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** Sends 200 KB messages until one is refused; returns the 250s and the refusal. */
async function fillWithMail(port: number): Promise<{ accepted: number[]; refusal: string }> {
  const accepted: number[] = [];
  const body = 'x'.repeat(76) + '\r\n';
  for (let i = 0; i < 200; i++) {
    const r = await sendMail(port, { to: 'bob@example.com', text: body.repeat(200_000 / body.length) });
    if (!r.ok) return { accepted, refusal: r.response };
    accepted.push(Number(/Message (\d+) accepted/.exec(r.response)?.[1]));
  }
  throw new Error('the disk never filled');
}

async function spooled(engine: Engine): Promise<Set<number>> {
  return new Set(await engineParts(engine).queue.spool.allMids());
}

test('data dir on a 5 MB tmpfs: full, a restart while full, read-only — 452s, no crash, every 250 kept, recovery by itself', async (t) => {
  if (skip) return t.skip(skip);
  const dataDir = path.join(mnt, 'data');
  const filler = path.join(mnt, 'filler');
  let engine = await startEngine({ dataDir, storageProbeMs: 20 });
  try {
    const port = listenerPort(engine);
    // Leave ~1.5 MB: a few messages fit, then the disk is full.
    await writeFile(filler, Buffer.alloc(Math.max(0, (await freeBytes(mnt)) - 1_500_000)));
    const { accepted, refusal } = await fillWithMail(port);
    assert.ok(accepted.length >= 2, `some mail fitted (${accepted.length})`);
    assert.match(refusal, /^452 4\.3\.1 /, refusal);
    assert.ok(engineParts(engine).storage.short, 'storage-short mode');
    const again = await sendMail(port, { to: 'bob@example.com' });
    assert.match(again.response, /^452 4\.3\.1 /);
    for (const mid of accepted) assert.ok((await spooled(engine)).has(mid), `MID ${mid} that got a 250 is spooled`);

    await unlink(filler);
    await waitFor(() => engineParts(engine).storage.short === null, 'recovery once space returns');
    const after = await sendMail(port, { to: 'bob@example.com' });
    assert.ok(after.ok, after.response);
    assert.match(await readMailLog(engine), /Storage short: .*no space left on the device \(ENOSPC\)[\s\S]*Storage recovered/);

    // Full again, stopped, and started again while full: it starts, refuses, then recovers.
    await writeFile(filler, Buffer.alloc(Math.max(0, (await freeBytes(mnt)) - 300_000)));
    await fillWithMail(port);
    const queued = (await spooled(engine)).size;
    await engine.stop();
    await writeFile(path.join(mnt, 'filler2'), Buffer.alloc(Math.max(0, (await freeBytes(mnt)) - 8192))).catch(() => undefined);
    engine = await startEngine({ dataDir, storageProbeMs: 20 });
    await engine.queueLoaded;
    assert.equal(engine.api.gauges().queuedMessages, queued, 'every spooled message queued again');
    const refused = await sendMail(listenerPort(engine), { to: 'bob@example.com' });
    assert.match(refused.response, /^452 4\.3\.1 /);
    await unlink(filler);
    await unlink(path.join(mnt, 'filler2'));
    await waitFor(() => engineParts(engine).storage.short === null, 'recovery after the restart');
    assert.ok((await sendMail(listenerPort(engine), { to: 'bob@example.com' })).ok);
    await engine.stop();

    // Read-only (mount -o remount,ro; Linux refuses it while the engine has files open for
    // writing, so the running case is disk-faults.test.ts's): a start is refused in one line.
    await run('mount', ['-o', 'remount,ro', mnt]);
    try {
      const err = await startEngine({ dataDir }).then(
        (e) => e.stop().then(() => undefined),
        (e: unknown) => e,
      );
      assert.equal((err as NodeJS.ErrnoException | undefined)?.code, 'EROFS');
      assert.match(startupError(err), /^the data dir is on a read-only file system: /);
    } finally {
      await run('mount', ['-o', 'remount,rw', mnt]);
    }
    engine = await startEngine({ dataDir, storageProbeMs: 20 });
    assert.equal(engineParts(engine).storage.short, null);
    assert.deepEqual(unhandled, []);
  } finally {
    await engine.stop();
  }
});
