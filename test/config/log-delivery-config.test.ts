// logconfig, rollovernow, archivemessage and deliveryconfig against a real engine: the mail log
// follows the committed rollover settings (files kept, size) and rolls over on demand; a queued
// message is archived to an mbox file; the system-wide outbound concurrency limits how many
// connections delivery opens at once (a real server that never greets holds them open).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { engineParts } from '../../src/engine/test-seam.js';
import { batch, startCliEngine } from '../cli/cli-harness.js';
import { configCopy, listenerPort, sendMail, waitFor } from '../helpers/harness.js';

const rolled = async (dir: string) => (await readdir(dir)).filter((n) => /^mail_logs\.\d+$/.test(n)).sort();

test('logconfig: committed rollover settings are what the mail log does; rollovernow rolls it over; fewer files kept drops the oldest', async () => {
  const cli = await startCliEngine();
  try {
    const logs = path.join(cli.engine.api.dataDir, 'logs');
    const dialog = 'logconfig\nedit\n1\n\n4\n1\n200k\n2\n\nshowchanges\n';
    const uncommitted = await batch(cli.socket, dialog);
    assert.match(uncommitted.stdout, /'mailLog\.maxFileSize': 204800,\n\s+'mailLog\.maxFiles': 2,\n\s+'mailLog\.level': 'Debug'/);
    assert.equal(engineParts(cli.engine).log.options.rotateBytes, undefined, 'nothing changes without a commit');
    const r = await batch(cli.socket, `${dialog}commit "log rollover"\n`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(engineParts(cli.engine).log.options.rotateBytes, 204_800);
    assert.equal(engineParts(cli.engine).log.options.keep, 2);
    for (let i = 0; i < 4; i++) {
      const roll = await batch(cli.socket, i % 2 ? 'rollovernow\n1\n' : 'rollovernow mail_logs\n');
      assert.match(roll.stdout, /Rolled over: mail_logs \(the previous file is mail_logs\.1\)\./);
    }
    assert.deepEqual(await rolled(logs), ['mail_logs.1', 'mail_logs.2'], 'two rolled-over files kept');
    const grep = await batch(cli.socket, 'grep "Rolled" mail_logs\n');
    assert.equal(grep.code, 1, 'grep reads the rolled-over files too (none has the word)');
  } finally {
    await cli.stop();
  }
});

test('archivemessage writes the queued message to an mbox file in the configuration directory', async () => {
  const cli = await startCliEngine({ accept: ['example.com'] });
  try {
    await sendMail(listenerPort(cli.engine), { from: 'alice@example.org', to: 'user@example.com', subject: 'keep me', text: 'From the start\nline two' });
    await cli.engine.idle();
    const mid = cli.engine.api.oldestMessage()!.mid;
    const r = await batch(cli.socket, `archivemessage\n${mid}\n`);
    assert.match(r.stdout, new RegExp(`MID ${mid} has been saved in file mid_${mid}\\.mbox in the configuration directory\\.`));
    const mbox = await readFile(path.join(cli.engine.api.dataDir, 'configuration', `mid_${mid}.mbox`), 'utf8');
    assert.match(mbox, /^From alice@example\.org Sat Nov 28 12:00:00 2026\n/);
    assert.match(mbox, /\nReceived: from .*\n by mail\.example\.com with ESMTP id \d+/);
    assert.match(mbox, /\nSubject: keep me\n/);
    assert.match(mbox, /\n>From the start\nline two\n\n$/, 'a body line starting "From " is quoted; the entry ends with a blank line');
    assert.ok(await cli.engine.api.message(mid), 'the message stays queued');
  } finally {
    await cli.stop();
  }
});

test('deliveryconfig: the system-wide maximum outbound concurrency is how many connections delivery opens at once', async () => {
  // A server that accepts connections and never greets: each delivery connection stays open.
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const domains = ['a.example', 'b.example', 'c.example', 'd.example'];
  const cli = await startCliEngine({ backendPort: port, accept: domains, connectTimeoutMs: 60_000 });
  try {
    const r = await batch(cli.socket, 'deliveryconfig setup max_concurrency=2\ncommit "two at a time"\n');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Delivery settings: max_concurrency 10000 -> 2, max_tls_concurrency 100 -> 2\./);
    const smtp = listenerPort(cli.engine);
    // Four destinations, each allowed ten connections: the system-wide limit is the one that holds.
    for (const d of domains) assert.ok((await sendMail(smtp, { to: `user@${d}` })).ok);
    await waitFor(() => sockets.size === 2, 'two connections');
    const pending = domains.reduce((n, d) => n + (cli.engine.api.hostStatus(d)?.pendingConnections ?? 0), 0);
    assert.equal(pending, 2, 'the other destinations wait for a place');
    assert.equal(sockets.size, 2);
    // A higher limit: the waiting destinations get their connections when the next one ends.
    const next = configCopy(cli.engine);
    next.delivery = { ...next.delivery, maxConcurrency: 10 };
    await cli.engine.api.applyConfig(next);
    for (const s of [...sockets]) s.destroy();
    await waitFor(
      () =>
        sockets.size >= 2 &&
        domains.every(
          (d) =>
            (cli.engine.api.hostStatus(d)?.pendingConnections ?? 0) + (cli.engine.api.hostStatus(d)?.connectionsOut ?? 0) > 0 ||
            cli.engine.api.hostStatus(d)?.down,
        ),
      'the others connect',
    );
  } finally {
    for (const s of sockets) s.destroy();
    await cli.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
