// Crash safety of deleterecipients / bouncerecipients: the engine (a child process) is killed
// with SIGKILL as soon as the commands have answered, restarted on the same data dir, and the
// backend comes up: nothing deleted comes back, nothing bounced is delivered or bounced twice.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseDsn } from '../bounce/dsn-parse.js';
import { shellProcess } from '../cli/cli-harness.js';
import { CrashRig } from '../helpers/crash-rig.js';
import { sendMail, waitFor } from '../helpers/harness.js';

let rig: CrashRig | undefined;

after(async () => {
  await rig?.close();
});

test('kill -9 right after deleterecipients and bouncerecipients answered: after restart nothing comes back or repeats', async () => {
  rig = await CrashRig.create();
  const { backend, dataDir } = rig;
  await backend.setMode('down');
  const first = await rig.startChild();
  for (let i = 0; i < 20; i++) {
    assert.ok((await sendMail(first.port, { from: 'alice@example.org', to: [`a${i}@example.com`, `x${i}@example.com`] })).ok);
    assert.ok((await sendMail(first.port, { from: 'bob@example.org', to: `b${i}@example.com` })).ok);
    assert.ok((await sendMail(first.port, { from: 'carol@example.org', to: `c${i}@example.com` })).ok);
  }
  const socket = path.join(dataDir, 'esa.sock');
  const r = await shellProcess(['--socket', socket, '-c', 'deleterecipients sender bob@example.org; bouncerecipients sender alice@example.org']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^20 recipients deleted\.$/m);
  assert.match(r.stdout, /^40 recipients bounced\.$/m);
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  await backend.setMode('up');
  await rig.startChild();
  // carol's 20 messages and alice's 20 DSNs (one per message, both of its recipients in it).
  await waitFor(() => backend.messages.length >= 40, "carol's mail and the DSNs");
  // The queue empty: whatever else was still in it has been delivered by now.
  await waitFor(async () => /^ +Active Recipients +0$/m.test((await shellProcess(['--socket', socket, '-c', 'status'])).stdout), 'an empty queue');
  const delivered = backend.messages.filter((m) => m.from !== '').flatMap((m) => m.to);
  assert.deepEqual(delivered.sort(), Array.from({ length: 20 }, (_, i) => `c${i}@example.com`).sort(), "only carol's mail is delivered");
  const bounced: string[] = [];
  for (const m of backend.dsns()) {
    assert.deepEqual(m.to, ['alice@example.org']);
    for (const rcpt of (await parseDsn(m.content)).recipients) bounced.push(rcpt['final-recipient'].replace(/^rfc822;\s*/, ''));
  }
  assert.equal(bounced.length, 40, 'each bounced recipient in exactly one DSN');
  assert.equal(new Set(bounced).size, 40);
});
