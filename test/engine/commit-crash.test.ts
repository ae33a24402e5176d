// A commit is all or nothing across kill -9: an engine child is killed while commits run
// back to back, restarted on the same data dir, and its configuration is the one of the
// last commit or the one before, never a mix; the configurations saved for rollback all
// name a commit that happened, survive the restart, and rollbackconfig brings one back.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { ControlClient, type ShellTerminal } from '../../cli/client.js';
import type { AskParams, AskResult } from '../../src/appliance/control/protocol.js';
import { referencedPoints } from '../../src/model/rollback.js';
import { RollbackStore } from '../../src/engine/state/rollback-store.js';
import { readStoredConfig } from '../../src/engine/state/state-file.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import { CrashRig, exited } from '../helpers/crash-rig.js';

let rig: CrashRig | undefined;
let dataDir: string;

after(async () => {
  await rig?.close();
});

/** Batch-style terminal: every question takes its default. */
class Defaults implements ShellTerminal {
  print(): void {}
  async ask(_q: AskParams): Promise<AskResult> {
    return { answer: '' };
  }
}

async function client(): Promise<ControlClient> {
  const c = await ControlClient.connect(path.join(dataDir, 'esa.sock'), new Defaults());
  await c.hello({ client: 'test' });
  return c;
}

/** Commit n creates profile Pn and sets Default's retries to n: one commit, two settings. */
const commitLine = (n: number) => `bounceconfig new P${n} max_retries=${n}; bounceconfig edit Default max_retries=${n}; commit "c${n}"`;

/** The configuration is whole: the profiles, Default's setting and the last record tell of the same commit. */
function assertWhole(config: ApplianceConfig, before: number, comment = config.commits.at(-1)?.comment): number {
  const made = Object.keys(config.bounceProfiles)
    .filter((n) => /^P\d+$/.test(n))
    .map((n) => Number(n.slice(1)));
  const last = made.length ? Math.max(...made) : 0;
  assert.ok(last >= before, `no commit lost that was confirmed (${last} < ${before})`);
  for (let n = 1; n <= last; n++) assert.ok(config.bounceProfiles[`P${n}`], `P${n} kept`);
  if (last > 0) {
    assert.equal(config.bounceProfiles.Default.max_retries, last, 'Default edited by the same commit that made the newest profile');
    assert.equal(comment, `c${last}`);
  }
  return last;
}

test('kill -9 during commits: old or new configuration, never a mix; rollback points survive', async () => {
  rig = await CrashRig.create();
  dataDir = rig.dataDir;
  let confirmed = 0;
  let n = 0;
  for (let round = 0; round < 3; round++) {
    const started = await rig.startChild();
    const c = await client();
    // A few commits that are confirmed, then one in flight when the engine dies.
    for (let i = 0; i < 3; i++) {
      const r = await c.run(commitLine(++n));
      assert.equal(r.ok, true, r.error);
      confirmed = n;
    }
    const inFlight = c.run(commitLine(++n)).catch(() => undefined);
    // Killed as the commit reaches the engine: before, during or after its writes.
    setImmediate(() => started.child.kill('SIGKILL'));
    await inFlight;
    c.close();
    await exited(started.child);

    const stored = await readStoredConfig(dataDir);
    assert.ok(stored, 'config.json (or its backup) parses');
    const last = assertWhole(stored, confirmed);
    n = last; // the killed commit may or may not have happened; go on from what is there
    confirmed = last;
  }

  // After a clean restart the engine runs that configuration and offers its rollback points.
  const started = await rig.startChild();
  const c = await client();
  try {
    const stored = await readStoredConfig(dataDir);
    const points = await new RollbackStore(dataDir).list(referencedPoints(stored!));
    assert.ok(points.length >= 3, `rollback points kept across restarts (${points.length})`);
    assert.ok(points.length <= 10);
    // A point is the configuration its commit made (saved before its own record was added).
    for (const p of points) assertWhole(p.config, 0, p.comment);
    const newest = points[0];
    assert.equal(newest.comment, stored!.commits.at(-1)!.comment, 'the newest point is the running configuration');
    // rollbackconfig after the restart: the second newest comes back, committed.
    const r = await c.run('rollbackconfig 2');
    assert.equal(r.ok, true, r.error);
    const after = (await readStoredConfig(dataDir))!;
    assert.equal(after.bounceProfiles.Default.max_retries, points[1].config.bounceProfiles.Default.max_retries);
    assert.deepEqual(Object.keys(after.bounceProfiles), Object.keys(points[1].config.bounceProfiles));
    assert.match(after.commits.at(-1)!.comment, new RegExp(`^Rollback to the configuration of .*: ${points[1].comment}$`));
  } finally {
    c.close();
    started.child.kill('SIGTERM');
    await exited(started.child);
  }
});
