// `esa sandbox` as a trainee uses it, scripted through batch mode: take the backend down,
// inject traffic, watch the queue, run time forward, bring the backend back, drain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, formatDuration } from '../../src/sandbox/duration.js';
import { finished, removeDir, spawnEsa, tempDir } from '../helpers/harness.js';

async function sandbox(dataDir: string, script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0']);
  const done = finished(child);
  child.stdin!.end(script);
  return done;
}

test('durations as a trainer types them', () => {
  assert.equal(parseDuration('+72h'), 72 * 3_600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('2d'), 172_800_000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(formatDuration(93_784_000), '1d 2h 3m 4s');
});

test('a backend outage in the sandbox: queue fills, retries, drains after delivernow', async () => {
  const dataDir = await tempDir();
  try {
    const { code, stdout, stderr } = await sandbox(
      dataDir,
      [
        'sim backend down',
        'sim inject 30',
        'tophosts 1',
        'sim clock +10m',
        'sim backend up',
        'delivernow ALL',
        'sim wait empty 20',
        'tophosts 3',
        'sim backend',
        'help sim',
        'sim backend sideways',
      ].join('\n') + '\n',
    );
    assert.equal(code, 1, 'the last command fails: exit status 1');
    assert.match(stderr, /esa sandbox: listener IncomingMail on 127\.0\.0\.1:\d+, backend mail server on 127\.0\.0\.1:\d+/);
    assert.match(stdout, /Backend mail server 127\.0\.0\.1:\d+ is down: refusing connections\./);
    assert.match(stdout, /\[#{30}\] 30\/30\nAccepted: 30 {2}Refused: 0/);
    assert.match(stdout, / 1\* {2}example\.com +30 +0 +0 +\d+ +0\n/, 'the host is down with 30 active recipients');
    assert.match(stdout, /The clock moved ahead 10m\./);
    assert.match(stdout, / 1 {3}example\.com +0 +\d+ +30 +\d+ +0\n/, 'after delivernow: 30 delivered, none active, no longer down');
    assert.match(stdout, /Messages received by the backend: 30/);
    assert.match(stdout, /sim inject <n> \[domain\]/);
    assert.match(stderr, /Unknown backend state: sideways/);
  } finally {
    await removeDir(dataDir);
  }
});

test('sim commands outside the sandbox say where they work', async () => {
  const { startEngine } = await import('../helpers/harness.js');
  const { SANDBOX_COMMANDS } = await import('../../src/appliance/registry.js');
  const { ControlServer } = await import('../../src/appliance/control/server.js');
  const engine = await startEngine();
  const control = await ControlServer.start(engine.api, `${engine.api.dataDir}/esa.sock`, SANDBOX_COMMANDS);
  try {
    const { code, stderr } = await finished(spawnEsa(['shell', '--socket', control.socketPath, '-c', 'sim clock +1h']));
    assert.equal(code, 1);
    assert.match(stderr, /The sim commands exist only in the sandbox: start it with `esa sandbox`\./);
  } finally {
    await control.close();
    await engine.stop();
    await removeDir(engine.api.dataDir);
  }
});
