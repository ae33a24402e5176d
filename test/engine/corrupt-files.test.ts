// Files that did not parse are moved aside (`*.corrupt-<ms>`), and only the newest few are kept:
// damage that repeats at every start must not fill the data dir.
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { CORRUPT_FILES_KEPT } from '../../src/engine/fs/corrupt-files.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { removeDir, startEngine, tempDir } from '../helpers/harness.js';

test('moved-aside corrupt files: the newest are kept, older ones removed, and the count is known', async () => {
  const dataDir = await tempDir();
  const stateDir = path.join(dataDir, 'queue', 'state');
  await mkdir(stateDir, { recursive: true });
  // Left by earlier starts (times in the names, oldest first).
  const old = Array.from({ length: 7 }, (_, i) => 1_700_000_000_000 + i * 1000);
  for (const at of old) {
    await writeFile(path.join(stateDir, `shard-${at % 3}.json.corrupt-${at}`), '{');
    await writeFile(path.join(dataDir, `config.json.corrupt-${at}`), '{');
  }
  await writeFile(path.join(stateDir, 'notes.corrupt-1'), 'not a moved-aside shard: left alone');
  await writeFile(path.join(stateDir, 'shard-2.json'), '{"v":1,"mess');
  await writeFile(path.join(dataDir, 'config.json'), '');
  const warnings: string[] = [];
  const engine = await startEngine({ dataDir, warn: (line) => warnings.push(line) });
  try {
    // A shard is read as the load reaches it, which may be behind the open listeners.
    await engine.queueLoaded;
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0], /config\.json is not valid JSON .*moved aside to config\.json\.corrupt-\d+ and started from the default configuration/);
    assert.match(warnings[1], /shard-2\.json is not valid JSON .*moved aside to shard-2\.json\.corrupt-\d+/);
    assert.equal(engineParts(engine).state.corruptFilesKept(), CORRUPT_FILES_KEPT);
    assert.equal(engineParts(engine).queue.store.corruptFilesKept(), CORRUPT_FILES_KEPT);
    // status tells the operator they are there.
    assert.equal(engine.api.statusSnapshot(false).corruptFilesKept, 2 * CORRUPT_FILES_KEPT);
    const { formatStatus } = await import('../../src/appliance/commands/monitoring/status-report.js');
    assert.ok(formatStatus(engine.api.statusSnapshot(false), false).some((l) => /^Corrupt files kept:\s+10 /.test(l)));

    // The newest: the one moved aside now, and the newest of the earlier ones.
    const newestOld = old.slice(-(CORRUPT_FILES_KEPT - 1));
    const shards = (await readdir(stateDir)).filter((n) => /^shard-\d+\.json\.corrupt-/.test(n)).sort();
    assert.equal(shards.length, CORRUPT_FILES_KEPT);
    assert.deepEqual(
      shards.filter((n) => old.some((at) => n.endsWith(`-${at}`))),
      newestOld.map((at) => `shard-${at % 3}.json.corrupt-${at}`).sort(),
    );
    assert.ok((await readdir(stateDir)).includes('notes.corrupt-1'));
    const configs = (await readdir(dataDir)).filter((n) => n.startsWith('config.json.corrupt-')).sort();
    assert.equal(configs.length, CORRUPT_FILES_KEPT);
    assert.deepEqual(
      configs.filter((n) => old.some((at) => n.endsWith(`-${at}`))),
      newestOld.map((at) => `config.json.corrupt-${at}`).sort(),
    );
  } finally {
    await engine.stop();
    await removeDir(dataDir);
  }
});
