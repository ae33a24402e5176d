// Start flags and the stored configuration, with real `esa start` / `esa sandbox` processes:
// a flag given explicitly wins, is persisted and reported in one line; a restart without
// flags comes back as it was (the sandbox's backend too) and never undoes a committed change.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { defaultConfig, describeOverrides } from '../../src/model/config.js';
import { readStoredConfig } from '../../src/engine/state/state-file.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { finished, removeDir, sendMail, spawnEsa, startBackend, tempDir, waitFor } from '../helpers/harness.js';

const open: ChildProcess[] = [];
const dirs: string[] = [];
const backends: BackendServer[] = [];

after(async () => {
  for (const c of open) if (c.exitCode === null) c.kill('SIGKILL');
  for (const b of backends) await b.stop();
  for (const d of dirs) await removeDir(d);
});

/** `esa start` until "engine ready"; its stdout so far and its listener port. */
async function start(dataDir: string, flags: string[]): Promise<{ child: ChildProcess; out: string; port: number }> {
  const child = spawnEsa(['start', '--data-dir', dataDir, ...flags]);
  open.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/engine ready/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`esa start exited with ${code}: ${err}`)));
  });
  const port = Number(/listener IncomingMail on [\d.]+:(\d+)/.exec(out)![1]);
  return { child, out, port };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function shell(dataDir: string, line: string): Promise<string> {
  const r = await finished(spawnEsa(['shell', '--data-dir', dataDir, '-c', line]));
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

async function backend(): Promise<BackendServer> {
  const b = await startBackend();
  backends.push(b);
  return b;
}

test('describeOverrides: one line per flag that changes something, none for equal values', () => {
  const stored = defaultConfig();
  assert.deepEqual(describeOverrides(stored, {}), []);
  assert.deepEqual(describeOverrides(stored, { route: { host: '127.0.0.1', port: 2526 }, hostname: 'mail.example.com' }), []);
  assert.deepEqual(describeOverrides(stored, { route: { host: '127.0.0.1', port: 2600 } }), [
    '--route 127.0.0.1:2600 overrides the stored route 127.0.0.1:2526',
  ]);
  assert.deepEqual(describeOverrides(stored, { listen: { host: '127.0.0.1', port: 2626 }, accept: ['example.org', '.example.org'], queueMaxMb: 5 }), [
    '--listen 127.0.0.1:2626 overrides the stored address of listener IncomingMail 127.0.0.1:2525',
    '--accept example.org,.example.org overrides the stored recipient access table of IncomingMail example.com',
    '--queue-max-mb 5 overrides the stored queue limit 10240 MB',
  ]);
});

test('esa start: a given flag wins and is reported; a restart without flags keeps it and the committed changes', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const [first, second] = [await backend(), await backend()];

  // A new data dir: the flags seed the configuration, nothing to report.
  let run = await start(dataDir, ['--listen', '127.0.0.1:0', '--route', `127.0.0.1:${first.port}`]);
  assert.doesNotMatch(run.out, /overrides/);
  await shell(dataDir, 'bounceconfig edit Default max_retries=7; commit "seven retries"');
  await stop(run.child);

  // No flags: the stored route and the committed profile stay.
  run = await start(dataDir, []);
  assert.doesNotMatch(run.out, /overrides/);
  await sendMail(run.port, { to: 'a@example.com' });
  await waitFor(() => first.messages.length === 1, 'delivery over the stored route');
  await stop(run.child);
  assert.equal((await readStoredConfig(dataDir))!.bounceProfiles.Default.max_retries, 7);

  // --route given: it wins, is reported in one line and persisted; the commit survives it.
  run = await start(dataDir, ['--route', `127.0.0.1:${second.port}`]);
  const reported = run.out.split('\n').filter((l) => /overrides/.test(l));
  assert.deepEqual(reported, [`esa: --route 127.0.0.1:${second.port} overrides the stored route 127.0.0.1:${first.port}`]);
  await sendMail(run.port, { to: 'b@example.com' });
  await waitFor(() => second.messages.length === 1, 'delivery over the route given by the flag');
  await stop(run.child);
  let stored = (await readStoredConfig(dataDir))!;
  assert.deepEqual(
    stored.routes.find((r) => r.domain === 'ALL')!.hosts.map((h) => h.port),
    [second.port],
  );
  assert.equal(stored.bounceProfiles.Default.max_retries, 7, 'a flag never undoes a committed change it does not name');

  // And a restart without flags again keeps what the last flag set.
  run = await start(dataDir, ['--time-scale', '2']);
  assert.doesNotMatch(run.out, /overrides/);
  await stop(run.child);
  stored = (await readStoredConfig(dataDir))!;
  assert.deepEqual(
    stored.routes.find((r) => r.domain === 'ALL')!.hosts.map((h) => h.port),
    [second.port],
  );
  assert.equal(first.messages.length, 1);
});

async function sandbox(dataDir: string, flags: string[], script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnEsa(['sandbox', '--data-dir', dataDir, ...flags]);
  open.push(child);
  const done = finished(child);
  child.stdin!.end(script);
  return done;
}

const backendPort = (stderr: string) => Number(/backend mail server on 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);

test('esa sandbox restarted without flags comes back as it was: the backend follows the stored route', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const one = await sandbox(dataDir, ['--listen', '127.0.0.1:0', '--route', '127.0.0.1:0'], 'sim backend\n');
  assert.equal(one.code, 0, one.stderr);
  const port = backendPort(one.stderr);
  assert.ok(port > 0 && port !== 2526, one.stderr);
  assert.doesNotMatch(one.stderr, /overrides/, 'a new data dir is seeded, not overridden');
  assert.equal((await readStoredConfig(dataDir))!.routes.find((r) => r.domain === 'ALL')!.hosts[0].port, port);

  // No flags: the same backend port, the stored route kept, mail delivered there.
  const two = await sandbox(dataDir, [], 'sim inject 3\nsim wait empty 20\nsim backend\n');
  assert.equal(two.code, 0, two.stderr);
  assert.equal(backendPort(two.stderr), port, two.stderr);
  assert.doesNotMatch(two.stderr, /overrides/);
  assert.match(two.stdout, /Messages received by the backend: 3/);
  assert.equal((await readStoredConfig(dataDir))!.routes.find((r) => r.domain === 'ALL')!.hosts[0].port, port);

  // --route given: the backend moves, the route follows, and it says so.
  const three = await sandbox(dataDir, ['--route', '127.0.0.1:0'], 'sim backend\n');
  assert.equal(three.code, 0, three.stderr);
  const moved = backendPort(three.stderr);
  assert.notEqual(moved, port);
  assert.match(three.stderr, new RegExp(`esa sandbox: --route 127\\.0\\.0\\.1:${moved} overrides the stored route 127\\.0\\.0\\.1:${port}\\n`));
  assert.equal((await readStoredConfig(dataDir))!.routes.find((r) => r.domain === 'ALL')!.hosts[0].port, moved);
});
