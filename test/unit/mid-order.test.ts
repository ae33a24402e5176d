// Walks of the queue are in MID order, as showrecipients promises, even though messages
// written by concurrent SMTP sessions are admitted a few out of order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byMid, ChunkedMap } from '../../src/engine/queue/chunked-map.js';
import { listenerPort, removeDir, sendMail, startEngine } from '../helpers/harness.js';

test('ChunkedMap.inMidOrder: keys set out of order (within and across chunks) come out in MID order; deleted ones are skipped', () => {
  const m = new ChunkedMap<number, string>(byMid);
  for (const mid of [5, 3, 4, 9000, 1, 4097, 2, 8193, 4096]) m.set(mid, `m${mid}`);
  assert.deepEqual([...m.inMidOrder()], ['m1', 'm2', 'm3', 'm4', 'm5', 'm4096', 'm4097', 'm8193', 'm9000']);
  const seen: string[] = [];
  for (const v of m.inMidOrder()) {
    seen.push(v);
    if (v === 'm2') m.delete(3);
  }
  assert.deepEqual(seen, ['m1', 'm2', 'm4', 'm5', 'm4096', 'm4097', 'm8193', 'm9000']);
  // In order: walked as a Map is, what is added meanwhile visited too.
  const ordered = new ChunkedMap<number, string>(byMid);
  ordered.set(1, 'a').set(2, 'b');
  const walked: string[] = [];
  for (const v of ordered.inMidOrder()) {
    walked.push(v);
    if (v === 'a') ordered.set(3, 'c');
  }
  assert.deepEqual(walked, ['a', 'b', 'c']);
});

test('showrecipients all: in MID order after 40 messages from 8 concurrent senders', async () => {
  const engine = await startEngine({ backendPort: 1 });
  try {
    const port = listenerPort(engine);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 40) {
          const n = next++;
          const r = await sendMail(port, { to: `u${n}@example.com` });
          assert.ok(r.ok, r.response);
        }
      }),
    );
    await engine.idle();
    const { rows, total } = await engine.api.queuedRecipients({ kind: 'all' });
    assert.equal(total, 40);
    const mids = rows.map((r) => r.mid);
    assert.deepEqual(
      mids,
      [...mids].sort((a, b) => a - b),
    );
    const oldest = engine.api.oldestMessage();
    assert.equal(oldest?.mid, Math.min(...mids));
  } finally {
    await engine.stop();
    await removeDir(engine.api.dataDir);
  }
});
