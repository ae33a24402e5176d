// The sandbox's mailboxes and the smaller sandbox items: what the built-in backend receives is
// kept in the data dir (capped, read again after a restart), the sender's DSNs arrive whatever
// the backend's mode, `sandbox -c` says no welcome, and `-c "a; b"` labels each command's output.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { BackendServer } from '../../src/sandbox/backend.js';
import { Mailboxes, subjectOf } from '../../src/sandbox/mailboxes.js';
import { refusalOf } from '../../src/sandbox/sandbox.js';
import { finished, removeDir, sendMail, spawnEsa, tempDir } from '../helpers/harness.js';

const message = (subject: string, body = 'hello') => Buffer.from(`Subject: ${subject}\r\nFrom: a@b\r\n\r\n${body}\r\n`);

test('mailboxes: stored per recipient in the data dir, read again after a restart, the oldest dropped past the cap', async () => {
  const dir = path.join(await tempDir(), 'mailboxes');
  try {
    const boxes = new Mailboxes(dir, { maxBytes: 10_000, maxMessages: 3 });
    await boxes.open();
    await boxes.store({ from: 'x@y', to: ['One@Example.com', 'two@example.com'], content: message('first') }, 1_000);
    await boxes.store({ from: '', to: ['one@example.com'], content: message('a DSN') }, 2_000);
    assert.deepEqual(
      boxes.summaries().map((s) => [s.address, s.messages, s.dsns]),
      [
        ['one@example.com', 2, 1],
        ['two@example.com', 1, 0],
      ],
    );
    assert.deepEqual(
      boxes.messagesOf('ONE@example.com').map((m) => m.subject),
      ['first', 'a DSN'],
    );
    assert.equal((await boxes.content(boxes.messagesOf('two@example.com')[0])).toString(), message('first').toString());

    // A new run reads what the last one kept.
    const again = new Mailboxes(dir, { maxBytes: 10_000, maxMessages: 3 });
    await again.open();
    assert.equal(again.count, 2);
    assert.equal(again.messagesOf('one@example.com')[1].from, '');
    // Past 3 messages the oldest goes, its file too.
    await again.store({ from: 'x@y', to: ['two@example.com'], content: message('third') }, 3_000);
    await again.store({ from: 'x@y', to: ['two@example.com'], content: message('fourth') }, 4_000);
    assert.equal(again.count, 3);
    assert.deepEqual(
      again.all().map((m) => m.subject),
      ['a DSN', 'third', 'fourth'],
      'every message, oldest first',
    );
    assert.deepEqual(
      again.messagesOf('two@example.com').map((m) => m.subject),
      ['third', 'fourth'],
    );
    assert.equal((await readdir(dir)).length, 3);
    // And past the byte cap.
    const small = new Mailboxes(dir, { maxBytes: message('fourth').length + 5, maxMessages: 100 });
    await small.open();
    assert.equal(small.count, 1, 'only the newest fits');
  } finally {
    await removeDir(path.dirname(dir));
  }
});

test('mailboxes: a subject folded over lines is unfolded; none is empty', () => {
  assert.equal(subjectOf(Buffer.from('From: a\r\nSubject: one\r\n two\r\n\r\nbody')), 'one two');
  assert.equal(subjectOf(Buffer.from('From: a\r\n\r\nSubject: not a header')), '');
});

test('the backend keeps what it accepts; mail to an exempt address arrives even when it rejects the rest', async () => {
  const dir = await tempDir();
  const backend = new BackendServer({ port: 0, mailboxDir: path.join(dir, 'mailboxes') });
  backend.modeExempt = (rcpt) => rcpt.endsWith('@sandbox.example.org');
  await backend.start();
  try {
    await backend.setMode('reject');
    const refused = await sendMail(backend.port, { to: 'user@example.com', subject: 'refused' });
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 550);
    const dsn = await sendMail(backend.port, { from: '', to: 'trainer@sandbox.example.org', subject: 'Delivery Status Notification (Failure)' });
    assert.equal(dsn.ok, true, dsn.response);
    const kept = backend.mailboxes!.messagesOf('trainer@sandbox.example.org');
    assert.deepEqual(
      kept.map((m) => m.subject),
      ['Delivery Status Notification (Failure)'],
    );
  } finally {
    await backend.stop();
    await removeDir(dir);
  }
});

test('the injector names a refusal by its reply, addresses left out, so equal replies count together', () => {
  assert.equal(refusalOf({ response: '452 4.3.1 Insufficient system storage', responseCode: 452 }), '452 4.3.1 Insufficient system storage');
  assert.equal(refusalOf({ response: '550 5.7.1 <a@b.example>... Relaying denied\r\n' }), '550 5.7.1 <...>... Relaying denied');
  assert.equal(refusalOf({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:2525' }), 'ESOCKET: connect ECONNREFUSED 127.0.0.1:2525');
});

test('esa sandbox -c: no welcome line; -c "a; b" labels each command; the backend says what it is doing; sim mailbox errors are one line', async () => {
  const dataDir = await tempDir();
  try {
    const run = (line: string) =>
      finished(spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0', '-c', line], { CI: 'true' }));
    const r = await run('sim backend reject; sim clock show');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /help sim|"quit" to leave/);
    assert.match(
      r.stdout,
      /^mail\.example\.com> sim backend reject\n\nBackend mail server 127\.0\.0\.1:\d+ is rejecting: answering 550 5\.1\.1 to every recipient\.\n/,
    );
    assert.match(r.stdout, /\n\nmail\.example\.com> sim clock show\n\nSimulated time: /);
    const none = await run('sim mailbox nobody@example.com');
    assert.equal(none.code, 1);
    assert.equal(
      none.stderr
        .split('\n')
        .filter((l) => l && !l.startsWith('esa sandbox:'))
        .join('\n'),
      'No mail for nobody@example.com. "sim mailbox" lists the mailboxes.',
    );
    // One command alone is not labelled.
    const one = await run('sim clock show');
    assert.match(one.stdout, /^Simulated time: /);
  } finally {
    await removeDir(dataDir);
  }
});

test('esa sandbox --accept with a bad entry or an empty one is refused with one line, nothing stored', async () => {
  const dataDir = await tempDir();
  try {
    for (const [value, error] of [
      ['exa mple.com,,', 'esa: --accept: Invalid domain "exa mple.com": use example.com, .example.com, [1.2.3.4] or ALL.'],
      ['example.com,,', 'esa: --accept: an empty entry in "example.com,,": separate the domains with single commas.'],
    ]) {
      const r = await finished(
        spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0', '--accept', value, '-c', 'sim clock show']),
      );
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.startsWith(error), r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(await readdir(dataDir), [], 'nothing was stored');
  } finally {
    await removeDir(dataDir);
  }
});
