// `esa start --cluster nats://...` as an operator runs it: the first engine creates the cluster,
// the second joins it, both say so at start, and `esa shell -c` lists them; a server that does
// not answer at a first start is refused in one line (exit status 2).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { finished, removeDir, spawnEsa, tempDir } from '../helpers/harness.js';
import { NatsServer } from '../helpers/nats-server.js';
import { shellProcess } from '../cli/cli-harness.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
let nats: NatsServer | undefined;

after(async () => {
  for (const c of children) {
    const done = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    if (c.exitCode === null) await done;
  }
  await nats?.stop();
  for (const d of dirs) await removeDir(d);
});

/** `esa start` with --cluster; resolves with its `esa: cluster ...` line once it is ready. */
async function startMember(hostname: string, url: string): Promise<{ dataDir: string; line: string }> {
  const dataDir = await tempDir('esa-cluster-flag-');
  dirs.push(dataDir);
  const child = spawnEsa(['start', '--data-dir', dataDir, '--hostname', hostname, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:1', '--cluster', url]);
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/esa: engine ready/.test(out)) resolve(/^esa: cluster .*$/m.exec(out)?.[0] ?? '(no cluster line)');
    });
    child.once('exit', (code) => reject(new Error(`esa start exited with ${code}: ${err}`)));
  });
  return { dataDir, line };
}

test('esa start --cluster: the first engine creates the cluster, the next joins it', async () => {
  nats = await NatsServer.start();
  const one = await startMember('esa1.example.com', nats.url);
  assert.match(one.line, /^esa: cluster ESA_Cluster at nats:\/\/127\.0\.0\.1:\d+, machine esa1\.example\.com in group Main_Group \(revision \d+\)$/);
  const two = await startMember('esa2.example.com', nats.url);
  assert.match(two.line, /machine esa2\.example\.com in group Main_Group/);
  // One user database: the administrator the first start made is the cluster's, on both.
  for (const dir of [one.dataDir, two.dataDir]) {
    const stored = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as { config: { users: { name: string }[] } };
    assert.deepEqual(
      stored.config.users.map((u) => u.name),
      ['admin'],
      dir,
    );
  }
  const list = await shellProcess(['--data-dir', two.dataDir, '-c', 'clusterconfig list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /Machine esa1\.example\.com\n/);
  assert.match(list.stdout, /Machine esa2\.example\.com \(this machine\)/);
});

test('esa start --cluster with no server there: one line, exit status 2', async () => {
  const dataDir = await tempDir('esa-cluster-flag-');
  dirs.push(dataDir);
  const r = await finished(spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--cluster', 'nats://127.0.0.1:1']));
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), /^esa: --cluster nats:\/\/127\.0\.0\.1:1: the NATS server at nats:\/\/127\.0\.0\.1:1 did not answer \(.*\)$/);
});
