// One engine per data dir. The lock is a kernel lock taken before anything is
// read: a second engine exits at once with one line and touches nothing, even when the lock
// file was deleted under the first or when both start together after a crash; temp files are
// unique per writer.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { writeFileDurably } from '../../src/engine/state/durable-json-file.js';
import { startControlServer } from '../../src/appliance/control/server.js';
import { DataDirBusyError } from '../../src/platform/data-dir-lock.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { finished, readMailLog, removeDir, spawnEsa, startEngine, tempDir } from '../helpers/harness.js';
import { raceForDataDir } from '../soak/lock-race.js';

/** Every file under `dir` with its size and mtime: what "touches nothing" compares. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const st = await stat(path.join(dir, name)).catch(() => null);
    if (st?.isFile()) out.push(`${name} ${st.size} ${st.mtimeMs}`);
  }
  return out;
}

/** A snapshot once the engine has stopped writing (its spool files placed and opened ahead, in the background after start). */
async function settled(dir: string): Promise<string[]> {
  let last = await snapshot(dir);
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = await snapshot(dir);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
}

test('a second engine in the same process is refused at once and touches nothing', async () => {
  // No periodic save or lock check between the two snapshots, however slow the machine.
  const first = await startEngine({ periodicSaveMs: 3_600_000 });
  try {
    await first.queueLoaded;
    await engineParts(first).log.sync();
    const before = await settled(first.api.dataDir);
    await assert.rejects(startEngine({ dataDir: first.api.dataDir }), (e: Error) => {
      assert.ok(e instanceof DataDirBusyError);
      assert.match(
        e.message,
        new RegExp(`^another engine \\(pid ${process.pid}\\) is running on .*: stop it first, or start this one with another --data-dir$`),
      );
      return true;
    });
    assert.deepEqual(await snapshot(first.api.dataDir), before);
  } finally {
    await first.stop();
    await removeDir(first.api.dataDir);
  }
});

test('the lock file deleted under a running engine: a second `esa start` still exits 2 in one line, loads nothing; the first takes its lock again', async () => {
  // No periodic save or lock check while the second start runs, however slowly: the test calls the check itself.
  const first = await startEngine({ periodicSaveMs: 3_600_000 });
  const control = await startControlServer(first.api);
  try {
    await unlink(path.join(first.api.dataDir, 'esa.lock'));
    await engineParts(first).log.sync();
    const configBefore = await stat(path.join(first.api.dataDir, 'config.json'));
    const { code, stderr } = await finished(spawnEsa(['start', '--data-dir', first.api.dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:1']));
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^esa: another engine \(its control socket answers\) is running on .*: stop it first/);
    // It read nothing and wrote nothing: one engine's start in the log, config.json as it was.
    assert.equal((await readMailLog(first)).match(/Info: Startup:/g)?.length, 1);
    assert.equal((await stat(path.join(first.api.dataDir, 'config.json'))).mtimeMs, configBefore.mtimeMs);
    // The first engine's periodic check puts its lock back (called here instead of waiting 5 s).
    assert.match((await engineParts(first).lock.verify()) ?? '', /had been removed; it was taken again/);
    assert.equal((await readFile(path.join(first.api.dataDir, 'esa.lock'), 'utf8')).trim(), String(process.pid));
    await assert.rejects(startEngine({ dataDir: first.api.dataDir }), DataDirBusyError);
  } finally {
    await control.close();
    await first.stop();
    await removeDir(first.api.dataDir);
  }
});

test('two engines started together on a data dir left by a crash: exactly one wins, every time', async () => {
  const rounds = await raceForDataDir({ rounds: 8 });
  assert.equal(rounds.bothWon, 0, 'never two winners');
  assert.equal(rounds.noneWon, 0, 'never no winner');
  assert.equal(rounds.otherErrors.length, 0, rounds.otherErrors.join('\n'));
});

test('temp files are unique per writer: concurrent durable writes of one file all land, none leaks', async () => {
  const dir = await tempDir();
  try {
    const file = path.join(dir, 'config.json');
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => writeFileDurably(file, JSON.stringify({ writer: i }))));
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
      [],
    );
    assert.match(await readFile(file, 'utf8'), /^\{"writer":\d+\}$/);
    assert.deepEqual(await readdir(dir), ['config.json']);
  } finally {
    await removeDir(dir);
  }
});

test('temp files of a writer that died are removed at the next start', async () => {
  const engine = await startEngine();
  const dataDir = engine.api.dataDir;
  await engine.stop();
  await writeFile(path.join(dataDir, '.config.json.12345-deadbeef.tmp'), '{"half');
  await writeFile(path.join(dataDir, '.config.json.tmp'), '{"half');
  const again = await startEngine({ dataDir });
  try {
    assert.deepEqual(
      (await readdir(dataDir)).filter((n) => n.endsWith('.tmp')),
      [],
    );
  } finally {
    await again.stop();
    await removeDir(dataDir);
  }
});
