// The listener's SMTP replies: the codes of engine.md's table, exact reply lines.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import type { ApplianceConfig } from '../../src/model/config.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { commitChange, engineForFile } from '../helpers/engine-for-file.js';
import { counter, sendMail, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

let backend: BackendServer;
let engine: Engine;
let port: number;

engineForFile((s) => ({ engine, backend, port } = s));

function withLimits(change: (c: ApplianceConfig) => void): Promise<void> {
  return commitChange(engine, change);
}

test('banner and EHLO extensions', async () => {
  const s = await SmtpTalk.open(port);
  assert.equal(await s.reply(), '220 mail.example.com ESMTP');
  const ehlo = await s.command('EHLO client.example.org');
  for (const ext of ['SIZE 10485760', 'PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES']) {
    assert.ok(
      ehlo.split('\r\n').some((l) => l.slice(4) === ext),
      `EHLO offers ${ext}: ${ehlo}`,
    );
  }
  assert.ok(!/AUTH/.test(ehlo), 'no AUTH is asked of relaying clients');
  s.close();
});

test('the banner is not held back: a client that sends EHLO before reading it gets 220, then 250', async () => {
  // smtp-server alone would wait 100 ms and answer such a client `421 You talk too soon`.
  const s = await SmtpTalk.open(port);
  s.socket.write('EHLO early.example.org\r\n');
  assert.equal(await s.reply(), '220 mail.example.com ESMTP');
  assert.match(await s.reply(), /^250-/);
  assert.match(await s.command('MAIL FROM:<alice@example.org>'), /^250 /);
  s.close();
});

test('a recipient outside the RAT gets 550 5.7.1; malformed commands get 5.5.x and the session goes on', async () => {
  const s = await SmtpTalk.open(port);
  await s.reply();
  await s.command('EHLO client.example.org');
  assert.match(await s.command('MAIL FROM:<alice@example.org>'), /^250 /);
  assert.match(await s.command('RCPT TO:<mallory@elsewhere.net>'), /^550 5\.7\.1 /);
  assert.match(await s.command('FROBNICATE'), /^500 5\.5\.\d /);
  assert.match(await s.command('RCPT TO:<no-angle-brackets'), /^501 5\.\d\.\d /);
  assert.match(await s.command('RCPT TO:<bob@example.com>'), /^250 /);
  const done = await s.data('Subject: after errors\n\nstill fine\n');
  assert.match(done, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
  s.close();
});

test('a message over the size limit gets 552 5.3.4 and is not queued', async () => {
  await withLimits((c) => (c.listeners[0].maxMessageSize = 2_000));
  try {
    const before = counter(engine, 'messagesReceived').uptime;
    const r = await sendMail(port, { to: 'bob@example.com', text: 'x'.repeat(5_000) });
    assert.equal(r.ok, false);
    assert.match(r.response, /^552 5\.3\.4 /);
    assert.equal(counter(engine, 'messagesReceived').uptime, before);
  } finally {
    await withLimits((c) => (c.listeners[0].maxMessageSize = 10 * 1024 * 1024));
  }
});

test('past the recipient limit: 452 4.5.3', async () => {
  await withLimits((c) => (c.listeners[0].maxRecipients = 2));
  try {
    const s = await SmtpTalk.open(port);
    await s.reply();
    await s.command('EHLO client.example.org');
    await s.command('MAIL FROM:<alice@example.org>');
    assert.match(await s.command('RCPT TO:<a@example.com>'), /^250 /);
    assert.match(await s.command('RCPT TO:<b@example.com>'), /^250 /);
    assert.equal(await s.command('RCPT TO:<c@example.com>'), '452 4.5.3 Too many recipients (at most 2 per message)');
    s.close();
  } finally {
    await withLimits((c) => (c.listeners[0].maxRecipients = 1_000));
  }
});

test('at the storage limit: 452 4.3.1 at MAIL, and acceptance again once the queue drains', async () => {
  // The limit counts what is queued: the earlier tests' messages must be delivered first.
  await waitFor(() => engine.api.gauges().queuedMessages === 0, 'the earlier messages to be delivered');
  await backend.setMode('down');
  await withLimits((c) => (c.queueMaxMessages = 3));
  try {
    for (let i = 0; i < 3; i++) {
      const r = await sendMail(port, { to: 'bob@example.com', subject: `fill ${i}` });
      assert.match(r.response, /^250 /);
    }
    const s = await SmtpTalk.open(port);
    await s.reply();
    await s.command('EHLO client.example.org');
    assert.equal(await s.command('MAIL FROM:<alice@example.org>'), '452 4.3.1 Insufficient system storage');
    s.close();
    await backend.setMode('up');
    engine.api.deliverNow();
    await waitFor(() => engine.api.gauges().queuedMessages === 0, 'the queue to drain');
    const again = await sendMail(port, { to: 'bob@example.com', subject: 'after drain' });
    assert.match(again.response, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
  } finally {
    await backend.setMode('up');
    await withLimits((c) => (c.queueMaxMessages = 1_000_000));
  }
});

test('a message that would cross the byte limit is refused at end of DATA with 452 4.3.1', async () => {
  await backend.setMode('down');
  await withLimits((c) => (c.queueMaxMb = 0.01)); // 10,485 bytes
  try {
    const r = await sendMail(port, { to: 'bob@example.com', text: 'y'.repeat(20_000) });
    assert.equal(r.ok, false);
    assert.match(r.response, /^452 4\.3\.1 /);
  } finally {
    await backend.setMode('up');
    await withLimits((c) => (c.queueMaxMb = 10_240));
  }
});

test('too many connections: 421 4.7.0', async () => {
  await withLimits((c) => (c.listeners[0].maxConnections = 2));
  const open: SmtpTalk[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = await SmtpTalk.open(port);
      assert.match(await s.reply(), /^220 /);
      open.push(s);
    }
    const third = await SmtpTalk.open(port);
    assert.match(await third.reply(), /^421 4\.7\.0 /);
    third.close();
  } finally {
    for (const s of open) s.close();
    await withLimits((c) => (c.listeners[0].maxConnections = 50));
  }
});

/** A session that has QUIT and got its 221, whose client keeps its own side open (half-open). */
async function quitButStayOpen(): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.setEncoding('utf8');
  let got = '';
  socket.on('data', (d: string) => (got += d));
  const seen = (re: RegExp) => waitFor(() => re.test(got), `${re} from the server`);
  await seen(/^220 .*\r\n/);
  socket.write('QUIT\r\n');
  await seen(/\r\n221 .*\r\n$/);
  return socket;
}

test('a session the server has ended (221 to QUIT) no longer counts against the connection limit', async () => {
  await withLimits((c) => (c.listeners[0].maxConnections = 1));
  let quitter: Socket | undefined;
  try {
    quitter = await quitButStayOpen();
    // Its socket is still open (the client has not closed its side), but the slot is free.
    const next = await SmtpTalk.open(port);
    assert.equal(await next.reply(), '220 mail.example.com ESMTP');
    // ...and taken again: the limit still holds for open sessions.
    const third = await SmtpTalk.open(port);
    assert.match(await third.reply(), /^421 4\.7\.0 /);
    third.close();
    next.close();
  } finally {
    quitter?.destroy();
    await withLimits((c) => (c.listeners[0].maxConnections = 50));
  }
});

test('an idle client gets 421 4.4.2 and is closed', async () => {
  await withLimits((c) => (c.listeners[0].idleTimeout = 1));
  try {
    const s = await SmtpTalk.open(port);
    await s.reply();
    await s.command('EHLO client.example.org');
    const reply = await s.reply(5_000);
    assert.match(reply, /^421 4\.4\.2 /);
    await waitFor(() => s.closed, 'the server to close the idle session');
  } finally {
    await withLimits((c) => (c.listeners[0].idleTimeout = 300));
  }
});

test('a suspended listener answers 421 4.3.2 at connect; resumed, it accepts', async () => {
  await engine.api.suspendListeners(['IncomingMail'], 0);
  const s = await SmtpTalk.open(port);
  assert.equal(await s.reply(), '421 4.3.2 mail.example.com Service not available, closing transmission channel');
  s.close();
  await engine.api.resumeListeners(['IncomingMail']);
  const r = await sendMail(port, { to: 'bob@example.com' });
  assert.match(r.response, /^250 /);
});
