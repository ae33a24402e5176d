// The rollback store: numbered durable files, the newest 10 that a commit names are offered
// and kept; a file no commit names (a crash between its write and config.json) never is.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { defaultConfig } from '../../src/model/config.js';
import { referencedPoints, restoredConfig, ROLLBACK_KEPT } from '../../src/model/rollback.js';
import { RollbackStore } from '../../src/engine/state/rollback-store.js';
import { removeDir, tempDir } from '../helpers/harness.js';

test('the newest 10 named points are kept and listed newest first; unnamed ones are not', async () => {
  const dir = await tempDir();
  try {
    const store = new RollbackStore(dir);
    const named = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const number = await store.nextNumber(named);
      await store.save({ number, at: i * 1000, comment: `c${number}`, config: defaultConfig() }, named);
      named.add(number);
    }
    // A save whose commit never happened (not added to `named`).
    const orphan = await store.nextNumber(named);
    await store.save({ number: orphan, at: 99_000, comment: 'lost', config: defaultConfig() }, named);
    const listed = await store.list(named);
    assert.equal(listed.length, ROLLBACK_KEPT);
    assert.deepEqual(
      listed.map((p) => p.comment),
      ['c12', 'c11', 'c10', 'c9', 'c8', 'c7', 'c6', 'c5', 'c4', 'c3'],
    );
    assert.equal(await store.nextNumber(named), orphan + 1, 'numbers are never reused while a file has them');
    // The next save prunes the orphan and everything beyond the newest 10.
    const next = await store.nextNumber(named);
    await store.save({ number: next, at: 100_000, comment: 'c14', config: defaultConfig() }, named);
    const files = (await readdir(store.dir)).sort((a, b) => parseInt(a) - parseInt(b));
    assert.equal(files.length, ROLLBACK_KEPT + 1, 'the newest 10 named ones and the new one, whose commit is being written');
    assert.ok(!files.includes(`${orphan}.json`));
    named.add(next);
    assert.deepEqual((await store.list(named)).map((p) => p.comment).slice(0, 2), ['c14', 'c12']);
    assert.deepEqual(
      referencedPoints({
        commits: [
          { at: 0, comment: '', changes: [], rollback: 4 },
          { at: 0, comment: '', changes: [] },
        ],
      }),
      new Set([4]),
    );
  } finally {
    await removeDir(dir);
  }
});

test('a restored configuration keeps the running users and history, and gets defaults it lacks', () => {
  const saved = defaultConfig() as unknown as Record<string, unknown>;
  saved.hostname = 'old.example.com';
  delete saved.bounceAllWhenHostDown; // saved by an older version
  const running = defaultConfig();
  running.bounceAllWhenHostDown = true;
  running.commits = [{ at: 1, comment: 'now', changes: [] }];
  const r = restoredConfig(saved as never, running);
  assert.equal(r.hostname, 'old.example.com');
  assert.equal(r.bounceAllWhenHostDown, false);
  assert.deepEqual(r.commits, running.commits);
  assert.deepEqual(r.users, running.users);
});
