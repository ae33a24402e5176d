// Outbound honours what the destination offers. A non-ASCII address to a host
// without SMTPUTF8 bounces with 5.6.7 (RFC 6531); 8-bit content to a host without 8BITMIME
// bounces with 5.6.3 (RFC 6152; not converted, docs/operator-guide.md); with 8BITMIME it goes
// as BODY=8BITMIME.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { Engine } from '../../src/engine/engine.js';
import { planEncoding } from '../../src/engine/delivery/mail-encoding.js';
import { listenerPort, readMailLog, removeDir, startEngine, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

interface Received {
  from: string;
  to: string[];
  body: string;
  bodyType: string;
}

/** A destination that offers neither SMTPUTF8 nor 8BITMIME (or 8BITMIME when asked). */
async function oldBackend(eightBitMime: boolean): Promise<{ port: number; received: Received[]; stop(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSMTPUTF8: true,
    hide8BITMIME: !eightBitMime,
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          body: Buffer.concat(chunks).toString('utf8'),
          bodyType: session.envelope.bodyType ?? '',
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, received, stop: () => new Promise((r) => server.close(() => r())) };
}

async function send(port: number, mailFrom: string, rcptTo: string, body: string): Promise<string> {
  const t = await SmtpTalk.open(port);
  try {
    await t.reply();
    await t.command('EHLO client.example.org');
    assert.match(await t.command(mailFrom), /^250 /);
    assert.match(await t.command(rcptTo), /^250 /);
    return await t.data(body);
  } finally {
    t.close();
  }
}

let engine: Engine;
let backend: Awaited<ReturnType<typeof oldBackend>>;

before(async () => {
  backend = await oldBackend(false);
  engine = await startEngine({ backendPort: backend.port });
});

after(async () => {
  await engine.stop();
  await backend.stop();
  await removeDir(engine.api.dataDir);
});

test('a UTF-8 recipient to a host without SMTPUTF8 bounces with 5.6.7 and nothing is sent', async () => {
  const r = await send(
    listenerPort(engine),
    'MAIL FROM:<alice@example.org> SMTPUTF8',
    'RCPT TO:<pelé@example.com>',
    'Subject: utf8 address\r\n\r\nplain body\r\n',
  );
  const mid = Number(/Message (\d+) accepted/.exec(r)![1]);
  await waitFor(async () => new RegExp(`MID ${mid} to RID \\[0\\] - 5\\.6\\.7 - `).test(await readMailLog(engine)), 'the 5.6.7 bounce');
  await waitFor(async () => new RegExp(`generated for bounce of MID ${mid}\\b`).test(await readMailLog(engine)), 'its DSN');
  await engine.idle();
  assert.equal(backend.received.filter((m) => m.body.includes('utf8 address') && m.from !== '').length, 0);
  assert.match(await readMailLog(engine), /5\.6\.7 Non-ASCII address: the destination host does not offer SMTPUTF8 \(RFC 6531\)/);
});

test('an 8-bit body to a host without 8BITMIME bounces with 5.6.3 and nothing is sent', async () => {
  const r = await send(
    listenerPort(engine),
    'MAIL FROM:<alice@example.org> BODY=8BITMIME',
    'RCPT TO:<bob@example.com>',
    'Subject: eight bit\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n',
  );
  const mid = Number(/Message (\d+) accepted/.exec(r)![1]);
  await waitFor(async () => new RegExp(`MID ${mid} to RID \\[0\\] - 5\\.6\\.3 - `).test(await readMailLog(engine)), 'the 5.6.3 bounce');
  await engine.idle();
  assert.equal(backend.received.filter((m) => m.body.includes('Grüße')).length, 0, 'no 8-bit content reached the host');
});

test('with 8BITMIME offered, 8-bit content goes as BODY=8BITMIME', async () => {
  const modern = await oldBackend(true);
  const e = await startEngine({ backendPort: modern.port });
  try {
    const r = await send(listenerPort(e), 'MAIL FROM:<alice@example.org> BODY=8BITMIME', 'RCPT TO:<bob@example.com>', 'Subject: eight bit\r\n\r\nGrüße\r\n');
    assert.match(r, /^250 /);
    await waitFor(() => modern.received.length > 0, 'the delivery');
    assert.equal(modern.received[0].bodyType, '8bitmime');
    assert.match(modern.received[0].body, /Grüße/);
  } finally {
    await e.stop();
    await modern.stop();
    await removeDir(e.api.dataDir);
  }
});

test('the plan per recipient: a UTF-8 sender needs SMTPUTF8 for everyone, ASCII mail goes anywhere', () => {
  const ascii = Buffer.from('Subject: x\r\n\r\nplain\r\n');
  const none = { smtpUtf8: false, eightBitMime: false };
  assert.deepEqual(planEncoding('a@b.org', ['x@example.com', 'ü@example.com'], ascii, none).send, ['x@example.com']);
  assert.deepEqual(planEncoding('ä@b.org', ['x@example.com'], ascii, none).send, []);
  assert.deepEqual(planEncoding('ä@b.org', ['x@example.com'], ascii, { smtpUtf8: true, eightBitMime: false }).send, ['x@example.com']);
  assert.equal(planEncoding('a@b.org', ['x@example.com'], Buffer.from('é'), { smtpUtf8: false, eightBitMime: true }).eightBit, true);
});
