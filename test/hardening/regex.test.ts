// A guest's pattern cannot stall the engine: `grep "(x+x+)+y" mail_logs` over a mail log line
// with a long run of x (a Message-ID any sender can choose) is matched by the linear-time
// engine, and SMTP answers meanwhile. The engine runs as its own process (`esa start`), so a
// stalled engine shows as an SMTP greeting that never comes, not as a stalled test.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { compileLinePattern } from '../../src/platform/linear-regex.js';
import { oneLine } from '../cli/cli-harness.js';
import { removeDir, sendMail, startBackend, startEngineChild, tempDir, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

let child: ChildProcess | undefined;
let backend: BackendServer | undefined;
let dir: string | undefined;

after(async () => {
  child?.kill('SIGKILL');
  await backend?.stop();
  if (dir) await removeDir(dir);
});

test('grep "(x+x+)+y" over a Message-ID of 5,000 x: the engine keeps answering SMTP, the search ends', { timeout: 300_000 }, async () => {
  backend = await startBackend();
  dir = await tempDir();
  const started = await startEngineChild(dir, backend.port);
  child = started.child;
  const id = `<${'x'.repeat(5_000)}@sender.example>`;
  const raw = `From: a@example.org\r\nTo: b@example.com\r\nSubject: x\r\nMessage-ID: ${id}\r\n\r\nhello\r\n`;
  const sent = await sendMail(started.port, { to: 'b@example.com', raw });
  assert.ok(sent.ok, sent.response);
  const logFile = path.join(dir, 'logs', 'mail_logs');
  await waitFor(async () => (await readFile(logFile, 'utf8').catch(() => '')).includes(`Message-ID '${id}'`), 'the Message-ID in mail_logs');

  const socket = path.join(dir, 'esa.sock');
  const search = oneLine(socket, 'grep "(x+x+)+y" mail_logs');
  // While the search runs (or after it ended: either way the engine must answer), a sender.
  const talk = await SmtpTalk.open(started.port);
  assert.match(await talk.reply(), /^220 /);
  assert.match(await talk.command('EHLO client.example'), /^250-/);
  talk.close();
  const r = await search;
  assert.equal(r.stderr, 'No results were found\n');
  assert.equal(r.code, 1);
  // The same line does match a pattern that is there.
  const hit = await oneLine(socket, 'grep -c "(x+x+)+@sender" mail_logs');
  assert.equal(hit.stdout.trim(), '1');
  // What a linear-time engine cannot do is refused with one line.
  const look = await oneLine(socket, 'grep "x(?=y)" mail_logs');
  assert.equal(look.stderr, 'Invalid regular expression: /x(?=y)/: invalid or unsupported Perl syntax: (?=\n');
  assert.equal(look.code, 1);
  const back = await oneLine(socket, 'findevent subject "(a)\\1"');
  assert.equal(back.stderr, 'Invalid regular expression: /(a)\\1/: invalid escape sequence: \\1\n');
});

test('the linear-time pattern: JavaScript syntax as grep users write it, case folding, one-line refusals', () => {
  assert.equal(compileLinePattern('MID 12\\b', false).test('Info: MID 12 ICID 3'), true);
  assert.equal(compileLinePattern('MID 12\\b', false).test('Info: MID 123 ICID 3'), false);
  assert.equal(compileLinePattern('(?<who>alice)@', true).test('From: <ALICE@example.org>'), true);
  assert.equal(compileLinePattern('a/b', false).test('x a/b y'), true);
  assert.equal(compileLinePattern('(x+x+)+y', false).test('x'.repeat(100_000)), false);
  assert.throws(() => compileLinePattern('(', false), { message: 'Invalid regular expression: /(/: missing closing ): (' });
});
