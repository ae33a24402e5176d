// The big queue's seeding path (`esa bench --seed`) against a real engine: what it writes into a
// stopped engine's data dir is queued at the next start, spool files alike to the listener's,
// and MIDs are not handed out twice.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { bigQueueRecipient, BIG_DOMAIN, smallHost } from '../../bench/big-queue-mail.js';
import { runLoad } from '../../bench/load-generator.js';
import { seedQueue } from '../../bench/queue-seed.js';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { parseSpoolFile } from '../../src/engine/queue/spool.js';
import { listenerPort, removeDir, startEngine, tempDir } from '../helpers/harness.js';

const TAG = 'seed-test';

async function spooled(engine: Engine, mid: number) {
  return parseSpoolFile(mid, await readFile(engineParts(engine).queue.spool.file(mid)));
}

/** The content with what differs between two copies of one message (MID, dates) taken out. */
function comparable(content: Buffer, mid: number): string {
  return content
    .toString('latin1')
    .replace(` id ${mid}\r\n`, ' id MID\r\n')
    .replace(/^ \w{3}, .*$/m, ' DATE')
    .replace(/^Date: .*$/m, 'Date: DATE');
}

test('seeded messages are queued at the next start as the listener queues them, MIDs never reused', { timeout: 60_000 }, async () => {
  const dataDir = await tempDir('esa-seed-');
  const accept = [BIG_DOMAIN, `.${BIG_DOMAIN}`];
  try {
    // A first start writes config.json (its MID reservation included), as the bench's warm-up run does.
    let engine = await startEngine({ dataDir, accept });
    await engine.stop();

    const seeded = await seedQueue({ dataDir, messages: 40, size: 2_048, tag: TAG, recipient: bigQueueRecipient, inFlight: 8 });
    assert.equal(seeded.lastMid - seeded.firstMid, 39);

    engine = await startEngine({ dataDir, accept });
    try {
      await engine.idle();
      const g = engine.api.gauges();
      assert.equal(g.queuedMessages, 40);
      assert.equal(g.activeRecipients, 40);
      const domains = engine.api.knownDomains();
      assert.ok(domains.includes(BIG_DOMAIN) && domains.includes(smallHost(0)) && domains.includes(smallHost(19)), domains.join(' '));

      // Message 1 again, through the listener: a MID past the seeded ones, the same spool file but for MID and times.
      await runLoad({
        port: listenerPort(engine),
        messages: 1,
        sessions: 1,
        mode: 'reuse',
        size: 2_048,
        tag: TAG,
        recipient: bigQueueRecipient,
        firstIndex: 1,
      });
      await engine.idle();
      const viaSmtp = Math.max(...[...engineParts(engine).queue.messages.values()].map((m) => m.envelope.mid));
      assert.ok(viaSmtp > seeded.lastMid, `MID ${viaSmtp} after ${seeded.lastMid}`);
      const a = await spooled(engine, viaSmtp);
      const b = await spooled(engine, seeded.firstMid + 1);
      const same = (e: typeof a.envelope) => ({ ...e, mid: 0, arrival: 0, icid: 0 });
      assert.deepEqual(same(b.envelope), same(a.envelope));
      assert.deepEqual(b.envelope.to, [bigQueueRecipient(1)]);
      assert.equal(comparable(b.content, b.envelope.mid), comparable(a.content, a.envelope.mid));
    } finally {
      await engine.stop();
    }
  } finally {
    await removeDir(dataDir);
  }
});
