// The contract the smtp-server seam (src/engine/smtp/smtp-server-seam.ts) relies on, against the
// installed smtp-server on loopback: open sessions can be listed and sent a 421, option changes
// reach the sessions, a reply keeps its own enhanced code, the greeting is not held back, and the
// shape check tells one line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { installedVersion, LibraryShapeError } from '../../src/platform/library-shape.js';
import { smtpReply } from '../../src/platform/smtp-replies.js';
import {
  checkSmtpServerShape,
  hookSessions,
  openSessions,
  setGreetingDelay,
  setServerLimits,
  SMTP_SERVER_PIN,
  useOwnEnhancedCodes,
} from '../../src/platform/smtp-server-seam.js';
import { ROOT } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

let server: SMTPServer;
let port: number;

// Sessions the test server has closed (its onClose), to wait on rather than sleep.
let closedSessions = 0;
const onSessionClosed: (() => void)[] = [];
function sessionClosed(): void {
  closedSessions++;
  for (const wake of onSessionClosed.splice(0)) wake();
}
async function closedAtLeast(count: number): Promise<void> {
  while (closedSessions < count) await new Promise<void>((resolve) => onSessionClosed.push(resolve));
}

function newServer(extra: Partial<SMTPServerOptions> = {}): SMTPServer {
  return new SMTPServer({
    banner: '',
    hideENHANCEDSTATUSCODES: false,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: 10_000,
    logger: false,
    // As the listener does: the session is admitted (or refused) in the turn it opens.
    onConnect: (_session, cb) => cb(),
    onMailFrom: (address, _session, cb) => cb(address.address === 'full@example.org' ? smtpReply(452, '4.3.1 Insufficient system storage') : null),
    onRcptTo: (address, _session, cb) => cb(address.address === 'nobody@example.com' ? smtpReply(550, 'No such user here') : null),
    // As the listener does: the stream says whether the message passed options.size.
    onData: (stream, _session, cb) => {
      stream.resume();
      stream.on('end', () => cb(stream.sizeExceeded ? smtpReply(552, '5.3.4 Message size exceeds fixed limit') : null, 'Ok: queued'));
    },
    ...extra,
  });
}

before(async () => {
  useOwnEnhancedCodes();
  server = newServer({ onClose: sessionClosed });
  checkSmtpServerShape(server);
  setGreetingDelay(server, 0);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function greeted(): Promise<SmtpTalk> {
  const s = await SmtpTalk.open(port);
  assert.match(await s.reply(), /^220 /);
  assert.match(await s.command('EHLO client.example.org'), /^250[ -]/);
  return s;
}

test('package.json pins smtp-server to the range the seam names, and the installed version is in it', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(pkg.dependencies['smtp-server'], SMTP_SERVER_PIN);
  const [major, minor, patch] = installedVersion('smtp-server').split('.').map(Number);
  const [pMajor, pMinor, pPatch] = SMTP_SERVER_PIN.slice(1).split('.').map(Number);
  assert.ok(major === pMajor && minor === pMinor && patch >= pPatch, `installed ${installedVersion('smtp-server')} is in ${SMTP_SERVER_PIN}`);
});

test('the shape check passes on the installed smtp-server and fails with one line on an object missing a part', () => {
  checkSmtpServerShape(newServer());
  const oneLine = /^smtp-server \S+ no longer has [^\n]+; this build needs smtp-server ~3\.21\.6 \(npm ci\)$/;
  const cases: [string, () => void, RegExp][] = [
    ['no connections set', () => checkSmtpServerShape({ options: {} }), /open sessions \(SMTPServer\.connections\)/],
    ['frozen options', () => checkSmtpServerShape({ connections: new Set(), options: Object.freeze({}) }), /SMTPServer\.options/],
    [
      'a send without context',
      () =>
        checkSmtpServerShape(newServer(), {
          send(code: number) {
            return code;
          },
        }),
      /SMTPConnection\.prototype\.send/,
    ],
    [
      'no init',
      () =>
        checkSmtpServerShape(newServer(), {
          send(a: number, b: string, c: unknown) {
            return [a, b, c];
          },
        }),
      /SMTPConnection\.prototype\.init\(\)/,
    ],
  ];
  for (const [what, check, names] of cases) {
    assert.throws(
      check,
      (e: unknown) => {
        assert.ok(e instanceof LibraryShapeError, what);
        assert.match(e.message, oneLine, what);
        assert.match(e.message, names, what);
        return true;
      },
      what,
    );
  }
});

test('open sessions are seen, and each one sent a 421 gets exactly that line', async () => {
  const a = await greeted();
  const b = await greeted();
  try {
    assert.equal(openSessions(server).size, 2);
    for (const session of openSessions(server)) session.send(421, '4.3.2 mail.example.com Service not available, closing transmission channel');
    for (const s of [a, b]) assert.equal(await s.reply(), '421 4.3.2 mail.example.com Service not available, closing transmission channel');
  } finally {
    const closed = closedSessions + 2;
    a.close();
    b.close();
    await closedAtLeast(closed);
  }
  assert.equal(openSessions(server).size, 0);
});

test('lowered limits reach the sessions: SIZE in EHLO, 552 for a bigger message, the idle timeout', async () => {
  const s = await greeted();
  try {
    setServerLimits(server, { size: 100, socketTimeout: 60_000 });
    const ehlo = await s.command('EHLO client.example.org');
    assert.ok(
      ehlo.split('\r\n').some((line) => line.slice(4) === 'SIZE 100'),
      ehlo,
    );
    assert.match(await s.command('MAIL FROM:<alice@example.org>'), /^250 /);
    assert.match(await s.command('RCPT TO:<bob@example.com>'), /^250 /);
    assert.equal(await s.data(`Subject: big\n\n${'x'.repeat(500)}\n`), '552 5.3.4 Message size exceeds fixed limit');
    assert.match(await s.command('MAIL FROM:<alice@example.org>'), /^250 /);
    assert.match(await s.command('RCPT TO:<bob@example.com>'), /^250 /);
    assert.match(await s.data('Subject: small\n\nok\n'), /^250 /);
    assert.match(await s.command('MAIL FROM:<alice@example.org> SIZE=500'), /^552 /);
  } finally {
    setServerLimits(server, { size: 10_000, socketTimeout: 60_000 });
    s.close();
  }
  // A session opened after a short idle timeout is set is closed by it (waits on the reply).
  setServerLimits(server, { size: 10_000, socketTimeout: 20 });
  try {
    const idle = await SmtpTalk.open(port);
    assert.match(await idle.reply(), /^220 /);
    assert.equal(await idle.reply(), '421 4.4.2 Timeout - closing connection');
    idle.close();
  } finally {
    setServerLimits(server, { size: 10_000, socketTimeout: 60_000 });
  }
});

test('a reply with its own enhanced code is sent as given; others still get the library code', async () => {
  const s = await greeted();
  try {
    assert.equal(await s.command('MAIL FROM:<full@example.org>'), '452 4.3.1 Insufficient system storage');
    assert.match(await s.command('MAIL FROM:<alice@example.org>'), /^250 2\.\d\.\d /);
    assert.match(await s.command('RCPT TO:<nobody@example.com>'), /^550 5\.\d\.\d No such user here$/);
  } finally {
    s.close();
  }
});

/** Opens a session and sends EHLO at once, before reading anything (an early talker). */
async function earlyTalker(serverPort: number): Promise<SmtpTalk> {
  const s = await SmtpTalk.open(serverPort);
  s.socket.write('EHLO early.example.org\r\n');
  return s;
}

test('without a greeting delay the banner comes first and input sent before it is answered in turn', async () => {
  const s = await earlyTalker(port);
  try {
    assert.match(await s.reply(), /^220 /);
    assert.match(await s.reply(), /^250[ -]/);
    // Commands pipelined behind it (RFC 2920) are answered one by one, in order.
    s.socket.write('MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<nobody@example.com>\r\n');
    assert.match(await s.reply(), /^250 /);
    assert.match(await s.reply(), /^250 /);
    assert.match(await s.reply(), /^550 5\.\d\.\d No such user here$/);
  } finally {
    s.close();
  }
});

test('with a greeting delay, a client that talks before the banner gets 421 and no banner', async () => {
  const held = newServer();
  // Long enough that the client's EHLO always arrives first; the timer does not keep the process up.
  setGreetingDelay(held, 600_000);
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  try {
    const s = await earlyTalker((held.server.address() as { port: number }).port);
    assert.match(await s.reply(), /^421 .*You talk too soon$/);
    assert.equal(await s.reply(), '');
    s.close();
  } finally {
    await new Promise<void>((resolve) => held.close(() => resolve()));
  }
});

test('a session the server ends is reported closing once, by the time its client reads the reply', async () => {
  let closed = 0;
  const ended = newServer({ onClose: () => closed++ });
  const closing: string[] = [];
  hookSessions(ended, { closing: (session) => closing.push(session.id) });
  await new Promise<void>((resolve) => ended.listen(0, '127.0.0.1', resolve));
  try {
    const s = await SmtpTalk.open((ended.server.address() as { port: number }).port);
    assert.match(await s.reply(), /^220 /);
    assert.deepEqual(closing, []);
    assert.match(await s.command('QUIT'), /^221 /);
    assert.equal(closing.length, 1);
    // Once, though close() runs again as the socket ends.
    while (closed < 1) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closing.length, 1);
    s.close();
  } finally {
    await new Promise<void>((resolve) => ended.close(() => resolve()));
  }
});

test("a hooked server answers one read's pipelined commands in one socket write; the final reply on its own", async () => {
  const batched = newServer();
  hookSessions(batched, {});
  // The server side's socket writes, counted where Node hands them to the kernel.
  const writes: number[] = [];
  batched.server.on('connection', (socket: { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void }) => {
    const index = writes.push(0) - 1;
    for (const key of ['_write', '_writev'] as const) {
      const original = socket[key];
      socket[key] = function (this: unknown, ...args: unknown[]) {
        writes[index]++;
        return original.apply(this, args);
      };
    }
  });
  await new Promise<void>((resolve) => batched.listen(0, '127.0.0.1', resolve));
  try {
    const s = await SmtpTalk.open((batched.server.address() as { port: number }).port);
    assert.match(await s.reply(), /^220 /);
    assert.match(await s.command('EHLO client.example.org'), /^250[ -]/);
    const before = writes[0];
    s.socket.write('MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
    assert.match(await s.reply(), /^250 /);
    assert.match(await s.reply(), /^250 /);
    assert.match(await s.reply(), /^354 /);
    assert.equal(writes[0] - before, 1, 'MAIL, RCPT and DATA answered in one write');
    s.socket.write('Subject: one\r\n\r\nbody\r\n.\r\n');
    assert.match(await s.reply(), /^250 /);
    assert.equal(writes[0] - before, 2);
    s.close();
  } finally {
    await new Promise<void>((resolve) => batched.close(() => resolve()));
  }
});
