// The spool: each file carries its content length and a checksum, and one cut short is set
// aside in queue/corrupt/, logged, reported by status and never delivered half; content
// streams to the spool instead of piling up in memory.
import assert from 'node:assert/strict';
import { readdir, readFile, truncate, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { formatStatus } from '../../src/appliance/commands/monitoring/status-report.js';
import { parseSpoolFile, SPILL_BYTES, SpoolDamagedError } from '../../src/engine/queue/spool.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { configCopy, isQueued, listenerPort, readMailLog, removeDir, sendMail, startBackend, startEngine, tempDir, waitFor } from '../helpers/harness.js';
import { streamedMail } from './hostile-smtp.js';

test('a spool file cut short after its envelope line is set aside, logged, reported, and not delivered', async () => {
  const backend = await startBackend();
  const dataDir = await tempDir();
  try {
    let engine = await startEngine({ dataDir, backendPort: backend.port });
    await engine.api.suspendDelivery(['ALL']);
    const sent = await sendMail(listenerPort(engine), { to: 'bob@example.com', subject: 'to be cut', text: 'line of the body\n'.repeat(200) });
    assert.ok(sent.ok, sent.response);
    const mid = Number(/Message (\d+) accepted/.exec(sent.response)![1]);
    await engine.stop();
    // A crash of the disk, not of the engine: the file loses its end.
    const file = path.join(dataDir, 'queue', 'spool', String(Math.floor(mid / 1000)), `${mid}.msg`);
    const whole = await readFile(file);
    await truncate(file, whole.indexOf(0x0a) + 1 + 500);

    engine = await startEngine({ dataDir, backendPort: backend.port });
    try {
      await engine.api.resumeDelivery(['ALL']);
      await waitFor(async () => /was generated for bounce of MID/.test(await readMailLog(engine)), 'the bounce of the damaged message');
      await engine.idle();
      assert.equal(backend.messages.filter((m) => m.content.includes('to be cut')).length, 0, 'nothing of it was delivered');
      assert.deepEqual(await readdir(path.join(dataDir, 'queue', 'corrupt')), [`${mid}.msg`]);
      const log = await readMailLog(engine);
      assert.match(log, new RegExp(`MID ${mid} spool file ${mid}\\.msg is damaged \\(cut short: no end line\\): moved to .*corrupt.*, not delivered`));
      assert.match(log, new RegExp(`Bounced: DCID \\d+ MID ${mid} to RID \\[0\\] - 5\\.3\\.0 - `));
      const status = formatStatus(engine.api.statusSnapshot(false), false).join('\n');
      assert.match(status, /Damaged messages:\s+1 \(in queue\/corrupt, not delivered\)/);
      assert.equal(await isQueued(engine, mid), false);
    } finally {
      await engine.stop();
    }
  } finally {
    await backend.stop();
    await removeDir(dataDir);
  }
});

test('the check itself: length, checksum, a missing end line; version 1 files still read', () => {
  const envelope = { mid: 7, from: 'a@b', to: ['c@d'], arrival: 0, icid: 0, listener: 'L', profile: 'Default' };
  const content = Buffer.from('Subject: x\r\n\r\nbody\r\n');
  const good = Buffer.concat([
    Buffer.from(JSON.stringify({ spool: 2, ...envelope }) + '\n'),
    content,
    Buffer.from(`\nESA-END size=${content.length} crc32=${(crc32(content) >>> 0).toString(16).padStart(8, '0')}\n`),
  ]);
  assert.deepEqual(parseSpoolFile(7, good).content, content);
  const flipped = Buffer.from(good);
  flipped[good.indexOf('body')] = 0x42;
  assert.throws(
    () => parseSpoolFile(7, flipped),
    (e: unknown) => e instanceof SpoolDamagedError && /checksum mismatch/.test(e.message),
  );
  assert.throws(() => parseSpoolFile(7, good.subarray(0, good.length - 10)), /cut short/);
  const v1 = Buffer.concat([Buffer.from(JSON.stringify(envelope) + '\n'), content]);
  assert.deepEqual(parseSpoolFile(7, v1).content, content);
});

test('25 concurrent 9.5 MB messages stream to the spool: memory stays far below their total', async () => {
  const backend = await startBackend();
  const engine = await startEngine({ backendPort: backend.port });
  try {
    await engine.api.suspendDelivery(['ALL']);
    const next = configCopy(engine);
    next.listeners[0].maxConnectionsPerHost = 50;
    await engine.api.applyConfig(next);
    const port = listenerPort(engine);
    const count = 25;
    const size = Math.round(9.5 * 1024 * 1024);
    // One body shared by every client: the senders add no memory of their own.
    const body = Buffer.from(`Subject: big\r\n\r\n${('y'.repeat(998) + '\r\n').repeat(Math.ceil(size / 1000))}`);
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - base)), 5);
    try {
      const replies = await Promise.all(Array.from({ length: count }, () => streamedMail(port, [body], 120_000)));
      for (const r of replies) assert.match(r, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
    } finally {
      clearInterval(sample);
    }
    const total = count * body.length;
    // Held in memory before: every message whole until its end (≥ 237 MB here); now a little per session.
    assert.ok(peak < 128 * 1024 * 1024, `peak ${(peak / 1048576).toFixed(0)} MB of buffers for ${(total / 1048576).toFixed(0)} MB of mail`);
    // Durable and whole: every file passes its check.
    const { queue } = engineParts(engine);
    for (const mid of queue.messages.keys()) {
      const file = queue.spool.file(mid);
      assert.ok((await stat(file)).size > body.length);
      assert.equal((await queue.spool.readContent(mid)).length, queue.messages.get(mid)!.size);
    }
    assert.ok(body.length > SPILL_BYTES);
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(engine.api.dataDir);
  }
});
