// grep and tail on the real mail log: a MID's whole story found across a rotation, the last
// lines in batch, one-line errors for bad input, and the live stream ended by Ctrl-C.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterEach, test } from 'node:test';
import { COMMANDS } from '../../src/appliance/registry.js';
import { CliSession } from '../../src/appliance/control/session.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { listenerPort, readMailLog, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { batch, oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;
let backend: BackendServer;

afterEach(async () => {
  await cli?.stop();
  await backend?.stop();
});

const midOf = (reply: string) => Number(/Message (\d+) accepted/.exec(reply)?.[1]);

test("grep finds a MID's whole story across a log rotation, oldest line first", async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port, logRotateBytes: 2_000, logKeep: 50 });
  const port = listenerPort(cli.engine);
  await backend.setMode('down');
  const first = await sendMail(port, { to: 'story@example.com' });
  const mid = midOf(first.response);
  await waitFor(() => cli.engine.api.hostStatus('example.com')?.down === true, 'example.com down');
  // Other traffic fills the log past the rotation size. Lines waiting while a write runs go out
  // together and a batch is never split across files: each message's lines are written on their own.
  await engineParts(cli.engine).log.flush();
  for (let i = 0; i < 6; i++) {
    await sendMail(port, { to: `other${i}@example.com` });
    await engineParts(cli.engine).log.flush();
  }
  await backend.setMode('up');
  engineParts(cli.engine).clock.advance(60_000);
  await waitFor(() => backend.messages.some((m) => m.to.includes('story@example.com')), 'the story to end in delivery');
  await cli.engine.idle();

  const files = await cli.engine.api.mailLogFiles();
  assert.ok(files.length >= 3, `rotated files: ${files.join(', ')}`);
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const fileWith = (s: string) => texts.findIndex((t) => t.includes(s));
  // The story starts in a rotated file and ends in a newer one.
  assert.ok(fileWith(`Start MID ${mid} `) > fileWith(`Message finished MID ${mid} done`));

  const r = await oneLine(cli.socket, `grep -e "MID ${mid}\\b" mail_logs`);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const expected = texts
    .reverse()
    .join('')
    .split('\n')
    .filter((l) => new RegExp(`MID ${mid}\\b`).test(l));
  assert.deepEqual(lines, expected);
  const order = ['Start MID', 'queued for delivery', 'Delayed:', 'Message done', 'Message finished'].map((s) => lines.findIndex((l) => l.includes(s)));
  assert.ok(
    order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
    `story order ${order.join(',')}:\n${r.stdout}`,
  );

  // The simpler form, -i and -c.
  const counted = await oneLine(cli.socket, `grep -e "start mid ${mid}\\b" -i -c mail_logs`);
  assert.equal(counted.stdout, '1\n');
  const simple = await oneLine(cli.socket, `grep -i "START MID ${mid}\\b" mail_logs`);
  assert.equal(simple.stdout.trimEnd().split('\n').length, 1);
});

test('tail in batch gives the last N lines; a bad regexp or no match is one line and status 1', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
  for (let i = 0; i < 3; i++) await sendMail(listenerPort(cli.engine), { to: `t${i}@example.com` });
  await waitFor(() => backend.messages.length === 3, 'delivery');
  await cli.engine.idle();
  const log = (await readMailLog(cli.engine)).trimEnd().split('\n');

  const five = await oneLine(cli.socket, 'tail mail_logs 5');
  assert.equal(five.code, 0, five.stderr);
  assert.deepEqual(five.stdout.trimEnd().split('\n'), log.slice(-5));
  const dflt = await batch(cli.socket, 'tail mail_logs\n');
  // The command line and a blank before; a blank, the prompt at which input ended and the last newline after.
  assert.deepEqual(dflt.stdout.split('\n').slice(2, -3), log.slice(-20), dflt.stdout);
  const asked = await batch(cli.socket, 'tail\nmail_logs\n');
  assert.match(
    asked.stdout,
    /Currently configured logs:\n1\. "mail_logs" Type: "Text Mail Logs" Retrieval: Manual Download\nEnter the number of the log you wish to tail\.\n\[\]> mail_logs\n/,
  );

  const bad = await batch(cli.socket, 'grep -e "(" mail_logs\n');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'Invalid regular expression: /(/: missing closing ): (\n');
  assert.equal(bad.stdout.split('\n').filter((l) => l.includes('Invalid regular expression')).length, 1);
  const none = await oneLine(cli.socket, 'grep nothing-like-this mail_logs');
  assert.equal(none.code, 1);
  assert.equal(none.stdout, 'No results were found\n');
  const wrongLog = await oneLine(cli.socket, 'tail system_logs');
  assert.equal(wrongLog.code, 1);
  assert.match(wrongLog.stdout, /^Unable to tail: no log named "system_logs"/);
});

/** A session as the interactive shell has it (Ctrl-C possible), printing into `out`. */
function interactiveSession(): { session: CliSession; out: () => string } {
  let text = '';
  const session = new CliSession(cli.engine.api, COMMANDS, { print: (t) => (text += t), ask: async () => ({ eof: true }) });
  return { session, out: () => text };
}

test('tail in the interactive shell follows new lines until Ctrl-C, then ^C', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
  const { session, out } = interactiveSession();
  const running = session.run('tail mail_logs 1');
  await waitFor(() => out().includes('Press Ctrl-C to stop.'), 'the stream to start');
  const sent = await sendMail(listenerPort(cli.engine), { to: 'live@example.com' });
  await waitFor(() => out().includes(`Start MID ${midOf(sent.response)} `), 'the new line');
  session.interrupt();
  const result = await running;
  assert.equal(result.ok, true);
  assert.match(out(), /\^C\n\n?$/);
  assert.ok(!out().includes('Changes not'));
});
