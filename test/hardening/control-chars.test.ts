// Control characters from outside are shown and logged escaped (src/model/printable.ts): a
// commit comment with CR/LF sent over the control socket stays one entry in rollbackconfig and
// one line in cli_logs; an ANSI escape typed as a command is neither stored raw in cli_logs nor
// echoed back raw; a Subject with an ESC reaches the mail log escaped.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { printable, printableLines } from '../../src/model/printable.js';
import { userListing } from '../../src/users/accounts.js';
import { batch, oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { listenerPort, readMailLog, sendMail, waitFor } from '../helpers/harness.js';

let cli: CliEngine | undefined;
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
});

const FORGED = 'Fri Jan 01 00:00:00 2027 Info: forged log line';
const DATED = /^\w{3} \w{3} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} \d{4} \w+: /;
const cliLogs = (c: CliEngine) => readFile(path.join(c.engine.api.dataDir, 'logs', 'cli_logs'), 'utf8').catch(() => '');

test('a commit comment with CR/LF: one rollbackconfig entry, one commitdetail line, one cli_logs line', async () => {
  cli = await startCliEngine();
  const c = cli;
  const committed = await oneLine(c.socket, `smtproutes new forged.example.com 10.1.1.1; commit "nl\r\n${FORGED}"`);
  assert.equal(committed.code, 0, committed.stderr);

  const list = await batch(c.socket, 'rollbackconfig\nROLLBACK\n\n');
  const lines = list.stdout.split('\n');
  assert.ok(!lines.some((l) => l.startsWith(FORGED)), list.stdout);
  assert.ok(
    lines.some((l) => /^1\. .* UTC {2}nl\\r\\nFri Jan 01 00:00:00 2027 Info: forged log line$/.test(l)),
    list.stdout,
  );
  const detail = await oneLine(c.socket, 'commitdetail');
  assert.match(detail.stdout, /Comment:\s+nl\\r\\nFri Jan 01/);
  assert.ok(!detail.stdout.split('\n').some((l) => l.startsWith(FORGED)));

  await waitFor(async () => (await cliLogs(c)).includes('commitdetail'), 'the commands in cli_logs');
  const logged = (await cliLogs(c)).trimEnd().split('\n');
  for (const l of logged) assert.match(l, DATED, `a line of cli_logs that is not an entry: ${JSON.stringify(l)}`);
  assert.ok(logged.some((l) => l.includes(`commit "nl\\r\\n${FORGED}"`)));
});

test('an ANSI escape typed as a command: echoed and logged escaped, never raw', async () => {
  cli = await startCliEngine();
  const c = cli;
  const r = await oneLine(c.socket, '\u001b[2J');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Unknown command: \\x1b\[2J/);
  assert.ok(!(r.stdout + r.stderr).includes('\u001b'), JSON.stringify(r));
  await waitFor(async () => (await cliLogs(c)).includes('[2J'), 'the command in cli_logs');
  const log = await cliLogs(c);
  assert.ok(!log.includes('\u001b'));
  assert.match(log, /entered '\\x1b\[2J'/);
});

test('a Subject with ESC and BEL reaches the mail log escaped', async () => {
  cli = await startCliEngine();
  const c = cli;
  const raw = 'From: a@example.org\r\nTo: b@example.com\r\nSubject: hi\u001b[31m red\u0007\r\n\r\nhello\r\n';
  const sent = await sendMail(listenerPort(c.engine), { to: 'b@example.com', raw });
  assert.ok(sent.ok, sent.response);
  await waitFor(async () => (await readMailLog(c.engine)).includes('Subject'), 'the Subject line');
  const log = await readMailLog(c.engine);
  assert.match(log, /Subject 'hi\\x1b\[31m red\\x07'/);
  assert.ok(!log.includes('\u001b'));
});

test('printable: controls escaped as C writes them, the rest untouched; a full name in the users listing', () => {
  assert.equal(printable('plain text, tab\tand ünïcödé'), 'plain text, tab\tand ünïcödé');
  assert.equal(printable('a\r\nb\u0000c\u007f\u009b\u2028'), 'a\\r\\nb\\x00c\\x7f\\x9b\\u2028');
  assert.equal(printableLines('one\u001b\ntwo'), 'one\\x1b\ntwo');
  assert.deepEqual(userListing([{ name: 'eve', fullName: 'Eve\r\n2. admin - Administrator', role: 'guest', passwordHash: '' }]).slice(1, 2), [
    '1. eve - Eve\\r\\n2. admin - Administrator (Guests)',
  ]);
});
