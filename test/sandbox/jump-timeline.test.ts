// A clock jump is time passing: `sim clock +2h` in a sandbox whose backend is down plays every
// timer of the engine at its own simulated time, and the mail log says so: each host probe
// 1, 2, 4, 8, 16, 32 minutes after the one before, each delay warning when the recipient has
// waited its interval, each expiry (5.4.7) when the lifetime ends, and its DSN made then, not
// at the end of the jump.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { BackendServer } from '../../src/sandbox/backend.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { configCopy, readMailLog, removeDir, startEngine, tempDir } from '../helpers/harness.js';

const MIN = 60_000;

/** A mail log line's time (its first 24 characters: `Mon Dec 07 21:38:35 2026`), epoch ms. */
const stampOf = (line: string) => Date.parse(`${line.slice(4, 24)} UTC`);

test('sim clock +2h, backend down: probes, delay warnings, expiries and their DSNs each at its own time', async () => {
  const dataDir = await tempDir('esa-jump-');
  const backend = new BackendServer({ host: '127.0.0.1', port: 0, name: 'exchange.example.com', mailboxDir: path.join(dataDir, 'mailboxes') });
  await backend.start();
  const sandbox = new Sandbox(backend);
  const engine = await startEngine({ dataDir, sandbox, backendPort: backend.port });
  try {
    // A warning after 30 minutes of waiting, another after 60; expired after 90.
    const config = configCopy(engine);
    Object.assign(config.bounceProfiles.Default, { send_warnings: true, send_warnings_interval: 1_800, send_warnings_count: 2, max_queue_lifetime: 5_400 });
    await engine.api.applyConfig(config);
    await sandbox.setBackendMode('down');
    const injected = await sandbox.inject(3, 'example.com');
    assert.equal(injected.accepted, 3);
    await sandbox.settle();
    const start = engine.api.now();

    const report = await sandbox.jump(2 * 60 * MIN);
    assert.equal(report.stopped, undefined, 'played to the end');
    assert.equal(engine.api.now(), start + 2 * 60 * MIN);
    const lines = (await readMailLog(engine)).split('\n');

    // The host of example.com: probed 1, 2, 4, 8, 16, 32 minutes apart, then an hour.
    const marks = lines.filter((l) => l.includes('Host example.com marked down: next host retry'));
    assert.equal(marks.length, 7, marks.join('\n'));
    const gaps = marks
      .map(stampOf)
      .slice(1)
      .map((t, i) => (t - stampOf(marks[i])) / MIN);
    assert.deepEqual(gaps, [1, 2, 4, 8, 16, 32]);

    for (const queued of lines.filter((l) => / Info: MID \d+ queued for delivery$/.test(l))) {
      const mid = /MID (\d+)/.exec(queued)![1];
      const arrived = stampOf(queued);
      // Seconds after the arrival, to a few seconds (the queueing's log line may come a little after the arrival).
      const after = (line: string | undefined, what: string) => {
        assert.ok(line, `${what} of MID ${mid}`);
        return Math.round((stampOf(line) - arrived) / 1000);
      };
      const near = (seconds: number, want: number, what: string) =>
        assert.ok(Math.abs(seconds - want) <= 5, `${what} of MID ${mid} after ${seconds} s, not ${want} s`);
      const warnings = lines.filter((l) => l.endsWith(` was generated for delay warning of MID ${mid}`));
      assert.equal(warnings.length, 2, `two delay warnings for MID ${mid}`);
      near(after(warnings[0], 'the first warning'), 1_800, 'the first warning');
      near(after(warnings[1], 'the second warning'), 3_600, 'the second warning');
      const bounced = lines.find((l) => l.includes(`Bounced: DCID 0 MID ${mid} to RID [0] - 5.4.7 `));
      near(after(bounced, 'the expiry'), 5_400, 'the expiry');
      const dsn = lines.find((l) => l.endsWith(` was generated for bounce of MID ${mid}`));
      assert.equal(after(dsn, 'the DSN'), after(bounced, 'the expiry'), 'the DSN is made when the mail expires');
    }
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
});
