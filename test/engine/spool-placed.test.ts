// Spool files placed ahead (src/engine/queue/placed-files.ts): a file sits at an upcoming MID's name,
// durably, before a message takes it, so the message's one durable write is all that stands
// between the end of its DATA and its 250. These tests run the spool on the power-loss model
// (test/helpers/power-loss-fs.ts) and cut power after every file system operation: whatever a
// cut leaves under a MID's name is either that MID's whole message or a placed file the load at
// start recognizes and removes (empty, or another MID's delivered message); every message whose
// write returned is there.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { PlacedFiles, type PlacedFile } from '../../src/engine/queue/placed-files.js';
import { parseSpoolFile, placedLeftover, type Spool } from '../../src/engine/queue/spool.js';
import type { RawFile } from '../../src/engine/fs/raw-file.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { listenerPort, readMailLog, removeDir, sendMail, startBackend, startEngine, waitFor } from '../helpers/harness.js';
import type { Image } from '../helpers/power-loss-fs.js';
import { spoolFilesIn, testEnvelope as envelope, withSpoolOnModel } from '../helpers/spool-on-model.js';

const linux = process.platform === 'linux';

/** Receives one message of `bytes` through the spool's incoming path (as the listener does); resolves with its MID once durable. */
async function receive(spool: Spool, bytes: number, ids: { next: number }): Promise<number> {
  const incoming = spool.incoming((_head, mid) => {
    const m = mid ?? ids.next++;
    // The MID is known only now (a placed file's): the first line says whose content this is.
    return { envelope: envelope(m), prefix: Buffer.from(`X-Mid: ${m}\r\n`) };
  });
  incoming.add(Buffer.from('Subject: test\r\n\r\n' + 'x'.repeat(bytes)));
  const { envelope: e } = await incoming.finish();
  return e.mid;
}

interface Found {
  messages: Set<number>;
  leftovers: number;
}

/** What the load at start would find in a power cut's image: messages (each checked to be its own) and placed leftovers. */
function classify(image: Image, what: string): Found {
  const found: Found = { messages: new Set(), leftovers: 0 };
  for (const { where, mid, data } of spoolFilesIn(image)) {
    if (placedLeftover(mid, data)) {
      found.leftovers++;
      continue;
    }
    // Not a leftover: it must be this MID's whole message (a damaged file would be set aside, wrongly here).
    const parsed = parseSpoolFile(mid, data);
    assert.equal(parsed.envelope.mid, mid, `${what}: ${where} holds message ${parsed.envelope.mid}`);
    assert.ok(parsed.content.toString('latin1').startsWith(`X-Mid: ${mid}\r\n`), `${what}: ${where} holds another's content`);
    found.messages.add(mid);
  }
  return found;
}

test(
  'messages written into placed files are durable when the write returns, and no power cut leaves a placed file that passes for a message',
  { skip: !linux && 'the model reads files back through /proc' },
  async () => {
    await withSpoolOnModel('esa-spool-placed-', async (spool, model) => {
      const ids = { next: 1 };
      const cuts: { at: number; image: Image; written: number[]; removed: Set<number> }[] = [];
      const written: number[] = [];
      const removed = new Set<number>();
      await spool.open();
      spool.placeAhead(() => ids.next++);
      await spool.placementsSettled();
      assert.ok(spool.placedFiles.ready > 0, 'files are placed ahead once started');
      model.onOperation = () => cuts.push({ at: model.operations, image: model.cut(), written: [...written], removed: new Set(removed) });
      // Larger messages first: the spare files placed for the smaller ones below are cut to length.
      for (let i = 0; i < 20; i++) written.push(await receive(spool, 3_000, ids));
      // Delivered, then relaying: each delivered file becomes spare, is placed again at a new MID and overwritten.
      for (const mid of written.slice(0, 20)) {
        await spool.remove(mid, 3_000);
        removed.add(mid);
      }
      await spool.syncRemovals();
      for (let i = 0; i < 120; i++) {
        const mid = await receive(spool, 1_000 + (i % 7) * 50, ids);
        written.push(mid);
        if (i % 2 === 0) {
          const old = written[written.length - 3];
          if (old !== undefined && !removed.has(old)) {
            await spool.remove(old, 1_000);
            removed.add(old);
          }
        }
      }
      model.onOperation = null;
      const { taken } = spool.placedFiles;
      assert.ok(taken >= 130, `messages written into placed files: ${taken} of ${written.length}`);
      assert.ok(spool.filesReused >= 20, `delivered messages' files placed again: ${spool.filesReused}`);

      assert.ok(cuts.length > 300, `power cuts: ${cuts.length}`);
      let leftovers = 0;
      for (const cut of cuts) {
        const what = `power cut after operation ${cut.at}`;
        const found = classify(cut.image, what);
        leftovers += found.leftovers;
        // Every write that returned is there, unless removed since (a removal may or may not be durable: delivered at least once).
        const lost = cut.written.filter((mid) => !cut.removed.has(mid) && !found.messages.has(mid));
        assert.deepEqual(lost, [], `${what}: written and durable, missing after the cut`);
      }
      assert.ok(leftovers > 0, 'cuts leave placed files behind (the case the load at start removes)');
      await spool.syncRemovals();
      const end = classify(model.cut(), 'at the end, the removals made durable');
      const kept = written.filter((mid) => !removed.has(mid));
      assert.deepEqual(
        [...end.messages].sort((a, b) => a - b),
        kept.sort((a, b) => a - b),
      );
      // A reused file holds exactly its new message: the longer one it held before is cut off.
      for (const mid of kept) {
        const data = await readFile(spool.file(mid));
        assert.ok(data.length < 1_000 + 7 * 50 + 500, `message ${mid}'s file is ${data.length} bytes`);
      }
    });
  },
);

test('placed files a crash left are removed at the next start: not queued, not set aside as damaged, never delivered', async () => {
  const backend = await startBackend();
  let dataDir: string | undefined;
  try {
    const first = await startEngine({ backendPort: backend.port });
    dataDir = first.api.dataDir;
    const r = await sendMail(listenerPort(first), { to: 'b@example.com', subject: 'before the crash' });
    assert.ok(r.ok, r.response);
    await waitFor(() => backend.messages.length === 1 && first.api.gauges().queuedMessages === 0, 'delivery');
    assert.ok(engineParts(first).queue.spool.placedFiles.taken >= 1, 'the message was written into a placed file');
    const spoolDir = engineParts(first).queue.spool.dir;
    await first.stop();
    assert.deepEqual(await placedNames(spoolDir), [], 'a stop removes the files still placed');

    // What a crash leaves: a new file placed and never written, and a delivered message's file
    // placed at a new MID (its envelope line names the old one).
    const bucket = path.join(spoolDir, '0');
    const old = Buffer.from(`${JSON.stringify({ spool: 2, ...envelope(3) })}\nSubject: delivered long ago\r\n\r\nold\nESA-END size=35 crc32=00000000\n`);
    await mkdir(bucket, { recursive: true });
    await writeFile(path.join(bucket, '40.msg'), '');
    await writeFile(path.join(bucket, '41.msg'), old);
    const second = await startEngine({ dataDir, backendPort: backend.port });
    try {
      await waitFor(() => engineParts(second).queue.loading === undefined, 'the load at start');
      assert.equal(second.api.gauges().queuedMessages, 0, 'nothing queued from the placed files');
      assert.equal(engineParts(second).queue.spool.damagedFilesKept(), 0, 'nothing set aside as damaged');
      assert.deepEqual(
        (await readdir(bucket)).filter((n) => n === '40.msg' || n === '41.msg'),
        [],
        'both removed',
      );
      assert.doesNotMatch(await readMailLog(second), /damaged|unreadable/);
      // Mail flows as before.
      const again = await sendMail(listenerPort(second), { to: 'c@example.com', subject: 'after the restart' });
      assert.ok(again.ok, again.response);
      await waitFor(() => backend.messages.length === 2, 'delivery after the restart');
      assert.deepEqual(
        backend.messages.map((m) => /^Subject: (.*)$/m.exec(m.content.toString())?.[1]),
        ['before the crash', 'after the restart'],
      );
    } finally {
      await second.stop();
    }
  } finally {
    await backend.stop();
    if (dataDir) await removeDir(dataDir);
  }
});

test('the first message after a fresh start takes MID 1: the engine listens once the first files are placed', async () => {
  const backend = await startBackend();
  const engine = await startEngine({ backendPort: backend.port });
  try {
    // Checked as start returns, before anything else runs: a message could arrive now.
    const placed = engineParts(engine).queue.spool.placedFiles;
    assert.equal(engineParts(engine).queue.spool.nextPlacedMid(), 1, 'MID 1 is placed and ready');
    assert.equal(placed.ready, 64, 'the files placed ahead are all ready');
    const r = await sendMail(listenerPort(engine), { to: 'a@example.com' });
    assert.ok(r.ok, r.response);
    await waitFor(() => backend.messages.length === 1, 'delivery');
    assert.match(await readMailLog(engine), /Info: MID 1 ICID \d+ From: <[^>]*>/);
    assert.doesNotMatch(await readMailLog(engine), /\bMID (?!1\b)\d+ ICID/, 'no other MID was given');
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(engine.api.dataDir);
  }
});

/** Placed files left in bucket directories: names of files that are empty or name another MID. */
async function placedNames(spoolDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const bucket of (await readdir(spoolDir)).filter((n) => /^\d+$/.test(n))) {
    for (const name of await readdir(path.join(spoolDir, bucket))) {
      const m = /^(\d+)\.msg$/.exec(name);
      if (m && placedLeftover(Number(m[1]), await readFile(path.join(spoolDir, bucket, name)))) out.push(`${bucket}/${name}`);
    }
  }
  return out;
}

test('placed files: a message takes the lowest MID no longer than it needs; placements are bounded and stop when no MID can be reserved', async () => {
  const closed: number[] = [];
  const fakeFh = { close: async () => undefined } as unknown as RawFile;
  const sizes = new Map<number, number>([
    [1, 900],
    [2, 100],
    [3, 100],
  ]);
  const placements: number[] = [];
  const placed = new PlacedFiles({
    place: (mid) => {
      placements.push(mid);
      return Promise.resolve({ fh: fakeFh, size: sizes.get(mid) ?? 0, spare: sizes.has(mid) });
    },
    discard: async (file: PlacedFile) => void closed.push(file.mid),
  });
  let next = 1;
  let midsLeft = 3;
  placed.start(() => (midsLeft-- > 0 ? next++ : undefined));
  await placed.settled();
  assert.deepEqual(placements, [1, 2, 3], 'one placement per MID reserved, none without');
  assert.equal(placed.next(), 1);
  // The lowest MID whose file needs no cutting: MID 1's file (900 bytes) is longer than 500.
  assert.equal(placed.take(() => 500)?.mid, 2);
  assert.equal(placed.take(() => 1_000)?.mid, 1);
  // None fits: the lowest all the same (the write cuts it first).
  assert.equal(placed.take(() => 50)?.mid, 3);
  assert.equal(
    placed.take(() => 50),
    undefined,
    'none ready: the message writes the old way',
  );
  midsLeft = 2;
  placed.take(() => 50);
  await placed.settled();
  assert.equal(placed.ready, 2);
  await placed.close();
  assert.deepEqual(closed.sort(), [4, 5], 'a stop discards the files still placed');
});

test('placed files: a file too long for the messages coming is taken all the same once 16 messages took higher MIDs', async () => {
  const fakeFh = { close: async () => undefined } as unknown as RawFile;
  const placed = new PlacedFiles({
    // MID 100 holds a long delivered message; every other file is new (empty).
    place: (mid) => Promise.resolve({ fh: fakeFh, size: mid === 100 ? 60_000 : 0, spare: mid === 100 }),
    discard: async () => undefined,
  });
  let next = 100;
  placed.start(() => next++);
  await placed.settled();
  const order: number[] = [];
  for (let i = 0; i < 17; i++) {
    order.push(placed.take(() => 2_000)!.mid);
    await placed.settled();
  }
  assert.deepEqual(order, [...Array.from({ length: 16 }, (_, i) => 101 + i), 100], 'MID 100 waits 16 messages, then is taken (and cut)');
  assert.equal(placed.next(), 117);
  await placed.close();
});
