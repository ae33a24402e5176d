// Spool files are reused (src/engine/queue/temp-files.ts): a delivered message's file is moved to
// `spool/incoming/` and overwritten by a later message. These tests run the spool on the
// power-loss model (test/helpers/power-loss-fs.ts) and cut power after every file system
// operation: no cut may leave a message's name holding another message's content, which is
// what overwriting a file whose old name is not yet durably gone would do.
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parseSpoolFile, Spool } from '../../src/engine/queue/spool.js';
import { removeDir, tempDir } from '../helpers/harness.js';
import type { Image } from '../helpers/power-loss-fs.js';
import { spoolFilesIn, testEnvelope as envelope, withSpoolOnModel } from '../helpers/spool-on-model.js';

const linux = process.platform === 'linux';

function content(mid: number, bytes: number): Buffer {
  const head = `Subject: message ${mid}\r\n\r\n`;
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length)));
}

/** Every spool file a power cut would leave, by MID; fails on a file that is not its own message. */
function spooled(image: Image, what: string): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (const { where, mid, data } of spoolFilesIn(image)) {
    // A file cut short is what an unacknowledged write may leave; the engine sets it aside. Not so here:
    // every name below was written whole before it was made durable.
    const parsed = parseSpoolFile(mid, data);
    assert.equal(parsed.envelope.mid, mid, `${what}: ${where} holds message ${parsed.envelope.mid}`);
    assert.match(parsed.content.toString('latin1'), new RegExp(`^Subject: message ${mid}\r\n`), `${what}: ${where} content`);
    out.set(mid, parsed.content);
  }
  return out;
}

test(
  "a delivered message's spool file is overwritten only once its removal is durable: no power cut brings another message back under its name",
  { skip: !linux && 'the model reads files back through /proc' },
  async () => {
    await withSpoolOnModel('esa-spool-reuse-', async (spool, model) => {
      const cuts: { at: number; image: Image; written: number[] }[] = [];
      const written: number[] = [];
      await spool.open();
      // Larger messages first: the files reused for the smaller ones below are cut to length.
      for (let mid = 1; mid <= 20; mid++) {
        await spool.write(envelope(mid), [content(mid, 3_000)]);
        written.push(mid);
      }
      model.onOperation = () => cuts.push({ at: model.operations, image: model.cut(), written: [...written] });
      // Delivered: removed, but the removals not yet made durable. New mail (in the next range: its
      // directory syncs do not make these removals durable) must not take these files.
      for (let mid = 1; mid <= 20; mid++) await spool.remove(mid, 3_000);
      for (let mid = 1_001; mid <= 1_020; mid++) {
        await spool.write(envelope(mid), [content(mid, mid)]);
        written.push(mid);
      }
      assert.equal(spool.filesReused, 0, 'no file is reused before its removal is durable');
      await spool.syncRemovals();
      for (let mid = 1_021; mid <= 1_060; mid++) {
        await spool.write(envelope(mid), [content(mid, mid)]);
        written.push(mid);
      }
      const reusedBefore = spool.filesReused;
      assert.ok(reusedBefore >= 10, `files reused once spare: ${reusedBefore}`);
      // Delivered from the bucket being written (relaying): the writers' next directory sync makes
      // a removal durable, and the file is reused from then on, without waiting for syncRemovals.
      for (let i = 0; i < 40; i++) {
        if (i < 20) await spool.remove(1_001 + i, 1_001 + i);
        const mid = 1_061 + i;
        await spool.write(envelope(mid), [content(mid, mid)]);
        written.push(mid);
      }
      model.onOperation = null;
      assert.ok(spool.filesReused - reusedBefore >= 5, `files reused after the writers' syncs: ${spool.filesReused - reusedBefore}`);

      assert.ok(cuts.length > 100, `power cuts: ${cuts.length}`);
      for (const cut of cuts) {
        const what = `power cut after operation ${cut.at}`;
        const left = spooled(cut.image, what);
        // Every write that returned is there (a removal may or may not be: delivered at least once).
        const lost = cut.written.filter((mid) => mid > 1_020 && !left.has(mid));
        assert.deepEqual(lost, [], `${what}: written and durable, missing after the cut`);
      }
      const now = spooled(model.cut(), 'at the end');
      assert.deepEqual(
        [...now.keys()].sort((a, b) => a - b),
        Array.from({ length: 80 }, (_, i) => i + 1_021),
        'the removed messages are gone, the new ones there',
      );
      // A reused file holds exactly its new message: the longer one it held before is cut off.
      for (let mid = 1_021; mid <= 1_100; mid++) {
        assert.equal(now.get(mid)!.length, mid, `message ${mid}'s length`);
        const onDisk = (await stat(spool.file(mid))).size;
        assert.ok(onDisk < mid + 400, `message ${mid}'s file is ${onDisk} bytes`);
      }
    });
  },
);

test('spare files are kept in spool/incoming/ for reuse, and those left at a stop are removed at the next start', async () => {
  const root = await tempDir('esa-spool-spare-');
  const incoming = path.join(root, 'queue', 'spool', 'incoming');
  try {
    const spool = new Spool(path.join(root, 'queue'));
    await spool.open();
    for (let mid = 1; mid <= 30; mid++) await spool.write(envelope(mid), [content(mid, 500)]);
    for (let mid = 1; mid <= 30; mid++) await spool.remove(mid, 500);
    // A large message's file is unlinked, never kept.
    await spool.write(envelope(31), [content(31, 100_000)]);
    await spool.remove(31, 100_000);
    await spool.syncRemovals();
    const names = await readdir(incoming);
    // The 30 spares, and up to 8 new files opened ahead (fewer once spares are opened ahead instead).
    assert.ok(names.length >= 30 && names.length <= 38, `spool/incoming/: ${names.join(' ')}`);
    assert.deepEqual(await spool.allMids(), []);
    await spool.close();

    const again = new Spool(path.join(root, 'queue'));
    await again.open();
    await again.write(envelope(1_000), [content(1_000, 500)]);
    await again.close();
    assert.deepEqual(await again.allMids(), [1_000]);
    assert.deepEqual(await readdir(incoming), [], 'the files of the run before are gone, and those opened ahead');
  } finally {
    await removeDir(root);
  }
});
