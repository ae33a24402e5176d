// Start and restart: corrupt state files, a second engine on the same data dir, a stale lock,
// graceful SIGTERM, and ids that keep increasing across restarts.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { configCopy, finished, listenerPort, removeDir, sendMail, spawnEsa, startBackend, startEngine, tempDir, waitFor } from '../helpers/harness.js';

test('corrupt queue state and config.json: one clear warning each, config restored from its backup, nothing lost', async () => {
  const backend: BackendServer = await startBackend();
  await backend.setMode('down');
  let engine = await startEngine({ backendPort: backend.port });
  const dataDir = engine.api.dataDir;
  const mids: number[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await sendMail(listenerPort(engine), { to: `user${i}@example.com`, subject: `kept ${i}` });
    mids.push(Number(/Message (\d+)/.exec(r.response)![1]));
  }
  const renamed = configCopy(engine);
  renamed.hostname = 'relay.example.net';
  await engine.api.applyConfig(renamed);
  await engine.stop();
  // A clean start and stop: the start keeps config.json as the last known-good copy.
  engine = await startEngine({ dataDir, backendPort: backend.port });
  await engine.stop();

  // Truncate every queue state shard that holds messages, and config.json.
  const stateDir = path.join(dataDir, 'queue', 'state');
  let truncated = 0;
  for (const name of await readdir(stateDir)) {
    const file = path.join(stateDir, name);
    const text = await readFile(file, 'utf8');
    if (text.includes('"e":')) {
      await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
      truncated++;
    }
  }
  assert.ok(truncated > 0);
  await writeFile(path.join(dataDir, 'config.json'), '{"version":1,"config":{"hostn');

  const warnings: string[] = [];
  engine = await startEngine({ dataDir, backendPort: backend.port, warn: (w) => warnings.push(w) });
  try {
    const stateWarnings = warnings.filter((w) => w.startsWith('queue state'));
    assert.equal(stateWarnings.length, truncated, warnings.join('\n'));
    assert.match(stateWarnings[0], /is not valid JSON .* rebuilding from the spool \(no message is lost/);
    assert.ok(
      warnings.some((w) =>
        /config\.json is not valid JSON .*moved aside to config\.json\.corrupt-\d+ and restored the configuration from config\.json\.bak/.test(w),
      ),
      warnings.join('\n'),
    );
    assert.equal(engine.api.hostname, 'relay.example.net', 'the configuration came back from the backup');
    assert.equal(engine.api.gauges().queuedMessages, 6, 'all six messages are queued again');
    await backend.setMode('up');
    engine.api.deliverNow();
    await waitFor(() => backend.messages.length === 6, 'all six delivered');
    const subjects = backend.messages.map((m) => /Subject: (.*)/.exec(m.content.toString())![1].trim()).sort();
    assert.deepEqual(subjects, ['kept 0', 'kept 1', 'kept 2', 'kept 3', 'kept 4', 'kept 5']);
    const r = await sendMail(listenerPort(engine), { to: 'bob@example.com' });
    const mid = Number(/Message (\d+)/.exec(r.response)![1]);
    assert.ok(mid > Math.max(...mids), `MIDs keep increasing after a restart (${mid} > ${Math.max(...mids)})`);
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
});

test('a second engine on the same data dir exits 2 with one clear line', async () => {
  const engine = await startEngine();
  try {
    const second = spawnEsa(['start', '--data-dir', engine.api.dataDir, '--listen', '127.0.0.1:0']);
    const { code, stderr } = await finished(second);
    assert.equal(code, 2);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0],
      new RegExp(`^esa: another engine \\(pid ${process.pid}\\) is running on .*: stop it first, or start this one with another --data-dir$`),
    );
  } finally {
    await engine.stop();
    await removeDir(engine.api.dataDir);
  }
});

test('a stale lock from a crashed engine is cleaned up; SIGTERM stops cleanly with exit 0', async () => {
  const dataDir = await tempDir();
  await writeFile(path.join(dataDir, 'esa.lock'), '999999');
  const child = spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0']);
  const done = finished(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await waitFor(() => /engine ready/.test(out), 'the engine to start');
  child.kill('SIGTERM');
  const { code, stderr } = await done;
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  const left = await readdir(dataDir);
  assert.ok(!left.includes('esa.lock'), 'the lock is released');
  await removeDir(dataDir);
});

test('a bad flag is one line and exit 2', async () => {
  const { code, stderr } = await finished(spawnEsa(['start', '--listen', 'nonsense']));
  assert.equal(code, 2);
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.match(stderr, /--listen must be HOST:PORT/);
});
