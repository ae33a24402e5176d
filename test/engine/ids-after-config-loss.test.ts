// Log ids never repeat: when config.json (which reserves MID / ICID / DCID blocks) is lost,
// the engine continues past the highest ids the mail log names, not from 1.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { highestIdsIn } from '../../src/engine/log/highest-ids.js';
import { listenerPort, readMailLog, removeDir, sendMail, startBackend, startEngine, tempDir } from '../helpers/harness.js';

test('the highest ids of a mail log text', () => {
  const text = 'New SMTP ICID 7 interface\nStart MID 12 ICID 7\nNew SMTP DCID 30 interface\nDelivery start DCID 29 MID 11\nICID 6 close\n';
  assert.deepEqual(highestIdsIn(text), { mid: 12, icid: 7, dcid: 30 });
});

test('after config.json is lost, ICID and DCID (and MID) continue past those in the mail log', async () => {
  const backend = await startBackend();
  const dataDir = await tempDir();
  try {
    let engine = await startEngine({ dataDir, backendPort: backend.port });
    for (let i = 0; i < 3; i++) assert.ok((await sendMail(listenerPort(engine), { to: `u${i}@example.com` })).ok);
    await engine.idle();
    const before = highestIdsIn(await readMailLog(engine));
    assert.ok(before.icid >= 3 && before.dcid >= 1 && before.mid >= 3, JSON.stringify(before));
    await engine.stop();
    // The configuration and its backup are gone; the mail log and the (empty) spool remain.
    await rm(path.join(dataDir, 'config.json'), { force: true });
    await rm(path.join(dataDir, 'config.json.bak'), { force: true });

    engine = await startEngine({ dataDir, backendPort: backend.port });
    assert.ok((await sendMail(listenerPort(engine), { to: 'after@example.com' })).ok);
    await engine.idle();
    const log = await readMailLog(engine);
    const newer = log.slice(log.lastIndexOf('Startup'));
    const icids = [...newer.matchAll(/New SMTP ICID (\d+)/g)].map((m) => Number(m[1]));
    const dcids = [...newer.matchAll(/New SMTP DCID (\d+)/g)].map((m) => Number(m[1]));
    const mids = [...newer.matchAll(/Start MID (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(icids.length > 0 && dcids.length > 0 && mids.length > 0, newer);
    assert.ok(Math.min(...icids) > before.icid, `ICID ${icids} after ${before.icid}`);
    assert.ok(Math.min(...dcids) > before.dcid, `DCID ${dcids} after ${before.dcid}`);
    assert.ok(Math.min(...mids) > before.mid, `MID ${mids} after ${before.mid}`);
    await engine.stop();
  } finally {
    await backend.stop();
    await removeDir(dataDir);
  }
});
