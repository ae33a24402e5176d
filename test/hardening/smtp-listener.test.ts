// Hostile clients at the listener: a slowloris, content pipelined before the 354,
// `RCPT TO:<postmaster>`; plus the malformed and oversized inputs of the soak's hostile set.
// Real SMTP on loopback; the slowloris comes from 127.0.0.2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { commitChange, engineForFile } from '../helpers/engine-for-file.js';
import { counter, readMailLog, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { brokenPipelining, malformedInput, oversizedMail, realSender, slowloris } from './hostile-smtp.js';

let backend: BackendServer;
let engine: Engine;
let port: number;

engineForFile((s) => ({ engine, backend, port } = s));

function withListener(change: (l: ApplianceConfig['listeners'][number]) => void): Promise<void> {
  return commitChange(engine, (next) => change(next.listeners[0]));
}

test('50 connections trickling EHLO from one address leave room for a real sender (default limits)', async () => {
  const loris = await slowloris(port, 50);
  try {
    assert.ok(loris.held <= 25, `one address holds at most 25 of the 50 slots by default (held ${loris.held})`);
    assert.equal(loris.held + loris.refused, 50);
    assert.match(await realSender(port), /^250 2\.0\.0 Ok: Message \d+ accepted$/);
  } finally {
    loris.release();
  }
  await waitFor(() => engine.api.inboundConnections() === 0, 'the trickling sessions to close');
});

test('a command line trickled past the command timeout gets 421 4.4.2 and the slot is freed', async () => {
  await withListener((l) => (l.commandTimeout = 1));
  try {
    const t = await SmtpTalk.open(port);
    assert.match(await t.reply(), /^220 /);
    t.socket.write('EH');
    // Bytes keep coming (the idle timeout would never fire), the line never ends.
    const trickle = setInterval(() => t.socket.write('L'), 200);
    try {
      assert.equal(await t.reply(10_000), '421 4.4.2 mail.example.com Error: timeout exceeded');
    } finally {
      clearInterval(trickle);
      t.close();
    }
    assert.match(await readMailLog(engine), /ICID \d+ command timeout exceeded: closing/);
  } finally {
    await withListener((l) => delete l.commandTimeout);
  }
});

test('a session past the session time limit gets 421 4.4.2 between transactions', async () => {
  await withListener((l) => (l.sessionTimeout = 1));
  try {
    const t = await SmtpTalk.open(port);
    await t.reply();
    // A busy client: a command every 200 ms keeps the command deadline from firing.
    let last = '';
    for (let i = 0; i < 50 && !last.startsWith('421'); i++) {
      last = await t.command('NOOP');
      if (!last.startsWith('421')) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(last, '421 4.4.2 mail.example.com Error: session time limit exceeded');
    t.close();
  } finally {
    await withListener((l) => delete l.sessionTimeout);
  }
});

test('content sent before the 354 gets 554 5.5.0 at once, the session closes, nothing is queued', async () => {
  const before = counter(engine, 'messagesReceived').uptime;
  const r = await brokenPipelining(port);
  assert.equal(r.dataReply, '554 5.5.0 Error: SMTP protocol synchronization');
  assert.ok(r.closed, 'the server closed the session');
  assert.equal(counter(engine, 'messagesReceived').uptime, before);
  assert.match(await readMailLog(engine), /ICID \d+ improper command pipelining after DATA: closing/);
  // Pipelining as RFC 2920 allows (DATA last, content after the 354) still works.
  const t = await SmtpTalk.open(port);
  await t.reply();
  await t.command('EHLO ok.example.org');
  t.socket.write('MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
  assert.match(await t.reply(), /^250 /);
  assert.match(await t.reply(), /^250 /);
  assert.match(await t.reply(), /^354 /);
  t.socket.write('Subject: proper\r\n\r\nafter the 354\r\n.\r\nQUIT\r\n');
  assert.match(await t.reply(), /^250 2\.0\.0 Ok: Message \d+ accepted$/);
  assert.match(await t.reply(), /^221 /);
  t.close();
});

test('RCPT TO:<postmaster> (no domain, any case) is accepted and delivered to postmaster@ the first accepted domain', async () => {
  const t = await SmtpTalk.open(port);
  await t.reply();
  await t.command('EHLO client.example.org');
  await t.command('MAIL FROM:<alice@example.org>');
  assert.match(await t.command('RCPT TO:<PostMaster>'), /^250 /);
  const done = await t.data('Subject: to the postmaster\r\n\r\nhello\r\n');
  assert.match(done, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
  t.close();
  await engine.idle();
  await waitFor(() => backend.messages.some((m) => m.to.includes('postmaster@example.com')), 'delivery to postmaster@example.com');
});

test('malformed input gets 5xx replies and the session stays usable; oversized mail gets 552 5.3.4', async () => {
  const m = await malformedInput(port);
  assert.equal(m.replies['5xx'], m.sent, JSON.stringify(m.replies));
  assert.ok(m.stillUsable);
  await withListener((l) => (l.maxMessageSize = 200_000));
  try {
    assert.equal(await oversizedMail(port, 400_000), '552 5.3.4 Message size exceeds fixed limit of 200000 bytes');
  } finally {
    await withListener((l) => (l.maxMessageSize = 10 * 1024 * 1024));
  }
});
