// A commit whose answer never comes is reported as of unknown outcome, with how to check —
// never "nothing was changed": the engine is killed (SIGKILL) after the new configuration is
// on disk and before it answers; after a restart the new values are in force. And a save that
// fails part-way inside a running engine is reported the same way.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { SaveOutcomeUnknown } from '../../src/model/change.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { finished, removeDir, ROOT, startEngine, tempDir } from '../helpers/harness.js';

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

test('the engine killed between writing the configuration and answering: the shell says the outcome is unknown', { timeout: 300_000 }, async () => {
  const dir = await tempDir();
  cleanup.push(() => removeDir(dir));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/hardening/commit-kill-engine.ts'), dir], { cwd: ROOT });
  const exited = finished(child);
  cleanup.push(async () => void child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the engine exited with ${code} before it was ready`)));
  });

  const r = await batch(path.join(dir, 'esa.sock'), 'smtproutes new killed.example.com 10.9.8.7\ncommit "before the cut"\n');
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr + r.stdout, /nothing was changed/);
  assert.match(
    r.stderr,
    /The connection to the engine was lost during "commit" \(.*\): whether the new configuration is in force is unknown\. Check what is in force/,
  );
  assert.match(r.stderr, /"commitdetail" shows the last commit/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  const end = await exited;
  assert.notEqual(end.code, 0);

  // After the restart the new values are in force: that is why "nothing was changed" was wrong.
  const engine = await startEngine({ dataDir: dir });
  try {
    const config = engine.api.config();
    assert.ok(config.routes.some((route) => route.domain === 'killed.example.com'));
    assert.equal(config.commits.at(-1)?.comment, 'before the cut');
  } finally {
    await engine.stop();
  }
});

test('a save that fails part-way inside the engine: "Commit outcome unknown", with how to check', async () => {
  const cli: CliEngine = await startCliEngine();
  cleanup.push(() => cli.stop());
  Object.defineProperty(cli.engine.api, 'applyConfig', {
    value: async () => {
      throw new SaveOutcomeUnknown(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    },
  });
  const r = await batch(cli.socket, 'smtproutes new unknown.example.com 10.9.8.7\ncommit "x"\n');
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^Commit outcome unknown: saving the configuration failed \(EIO: i\/o error, fsync\); it may be in force after a restart\. Check what is in force/,
  );
  assert.doesNotMatch(r.stderr, /nothing was changed/);
});
