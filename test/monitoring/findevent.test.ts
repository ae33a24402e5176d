// findevent against a real engine whose mail log rolls over every few KB: one message waits for a
// host that is down while other mail fills the log, then is delivered; its whole story — received,
// delayed, delivered, finished — spans rotated files, and is found by MID, by envelope sender and
// by envelope recipient, in the dialog and in batch.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { configCopy, listenerPort, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import type { BackendServer } from '../../src/sandbox/backend.js';

let cli: CliEngine;
let backend: BackendServer;
let mid = 0;

before(async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port, accept: ['example.com', 'example.net'], logRotateBytes: 4_000, logKeep: 20 });
  const { engine } = cli;
  const down = configCopy(engine);
  down.routes = [{ domain: 'example.net', hosts: [{ host: '127.0.0.1', port: 1 }] }, ...down.routes];
  await engine.api.applyConfig(down);
  const port = listenerPort(engine);
  await sendMail(port, { from: 'tracked@example.org', to: 'needle@example.net', subject: 'the tracked one' });
  await waitFor(() => engine.api.hostStatus('example.net')?.down === true, 'example.net down');
  mid = engine.api.oldestMessage()!.mid;
  // Other mail fills the log: it rolls over several times.
  for (let i = 0; i < 12; i++) await sendMail(port, { from: `other${i}@example.org`, to: `user${i}@example.com`, subject: `other ${i}` });
  await waitFor(() => backend.messages.length === 12, 'the other mail delivered');
  // The host comes back: the tracked message is delivered now.
  const up = configCopy(engine);
  up.routes = up.routes.filter((r) => r.domain !== 'example.net');
  await engine.api.applyConfig(up);
  engine.api.deliverNow('example.net');
  await waitFor(() => backend.messages.length === 13, 'the tracked message delivered');
  await engine.idle();
});

after(async () => {
  await cli.stop();
  await backend.stop();
});

/** The story's lines as findevent printed them. */
const storyOf = (out: string) => out.split('\n').filter((l) => /^\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4} Info: /.test(l));

function assertWholeStory(lines: string[]): void {
  const text = lines.join('\n');
  for (const re of [
    new RegExp(`New SMTP ICID \\d+ interface IncomingMail`),
    new RegExp(`Start MID ${mid} ICID \\d+`),
    new RegExp(`MID ${mid} ICID \\d+ From: <tracked@example\\.org>`),
    new RegExp(`MID ${mid} ICID \\d+ RID 0 To: <needle@example\\.net>`),
    new RegExp(`MID ${mid} Subject 'the tracked one'`),
    new RegExp(`MID ${mid} queued for delivery`),
    new RegExp(`Delayed: DCID \\d+ MID ${mid} to RID \\[0\\]`),
    new RegExp(`Connection Error: DCID \\d+ domain: example\\.net`),
    new RegExp(`New SMTP DCID \\d+ interface`),
    new RegExp(`Delivery start DCID \\d+ MID ${mid} to RID \\[0\\]`),
    new RegExp(`Message done DCID \\d+ MID ${mid} to RID \\[0\\]`),
    new RegExp(`Message finished MID ${mid} done`),
  ]) {
    assert.match(text, re);
  }
  assert.doesNotMatch(text, /other\d+@example\.org/, 'no line of another message');
  for (const line of lines) {
    const mids = [...line.matchAll(/\bMID (\d+)\b/g)].map((m) => Number(m[1]));
    assert.ok(
      mids.every((m) => m === mid),
      `only the tracked message's lines: ${line}`,
    );
  }
}

test('the story spans rotated files, and findevent finds it whole by MID', async () => {
  const files = await cli.engine.api.mailLogFiles();
  assert.ok(files.length >= 3, `the log rolled over: ${files.join(', ')}`);
  const current = await readFile(files[0], 'utf8');
  assert.doesNotMatch(current, new RegExp(`Start MID ${mid} `), 'its start is in a rotated file');
  assert.match(current, new RegExp(`Message done DCID \\d+ MID ${mid} `), 'its delivery is in the current one');
  const r = await batch(cli.socket, `findevent\n1\n2\n${mid}\n1\n`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = storyOf(r.stdout);
  assertWholeStory(lines);
  const times = lines.map((l) => l.slice(0, 24));
  assert.deepEqual(times, [...times].sort(), 'in time order');
  const onlyCurrent = await batch(cli.socket, `findevent mid ${mid} current\n`);
  assert.doesNotMatch(onlyCurrent.stdout, new RegExp(`Start MID ${mid} `), 'the current file alone has only the end of it');
  assert.match(onlyCurrent.stdout, new RegExp(`Message finished MID ${mid} done`));
});

test('by envelope sender and by envelope recipient (regular expressions), in the dialog and in batch', async () => {
  const bySender = await batch(cli.socket, 'findevent\n1\n1\n^tracked@\n1\n');
  assertWholeStory(storyOf(bySender.stdout));
  const byRecipient = await batch(cli.socket, 'findevent to needle all\n');
  assertWholeStory(storyOf(byRecipient.stdout));
  // Several found: the list, then the one chosen.
  const several = await batch(cli.socket, 'findevent\n1\n1\nother1\n1\n2\n');
  assert.match(
    several.stdout,
    /The following matching message IDs were found\. Please choose one to show additional log information:\n1\. MID \d+ \(.*\) From: <other1@example\.org> To: user1@example\.com Subject: 'other 1'\n2\. MID \d+ .*other10@example\.org/,
  );
  assert.match(storyOf(several.stdout).join('\n'), /From: <other10@example\.org>/);
  const none = await batch(cli.socket, 'findevent from nobody-at-all\n');
  assert.equal(none.code, 1);
  assert.match(none.stdout, /No matching message IDs were found\./);
});
