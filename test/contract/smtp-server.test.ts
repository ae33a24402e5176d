// The contract the smtp-server seam (src/smtp/smtp-server-seam.ts) relies on, against the
// installed smtp-server on loopback: open sessions can be listed and sent a 421, option changes
// reach the sessions, a reply keeps its own enhanced code, and the shape check tells one line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { installedVersion, LibraryShapeError } from '../../src/library-shape.js';
import { smtpReply } from '../../src/smtp/replies.js';
import {
  checkSmtpServerShape,
  openSessions,
  setServerLimits,
  SMTP_SERVER_PIN,
  useOwnEnhancedCodes,
} from '../../src/smtp/smtp-server-seam.js';
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
    onMailFrom: (address, _session, cb) =>
      cb(address.address === 'full@example.org' ? smtpReply(452, '4.3.1 Insufficient system storage') : null),
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
    ['a send without context', () => checkSmtpServerShape(newServer(), { send(code: number) { return code; } }), /SMTPConnection\.prototype\.send/],
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
    assert.ok(ehlo.split('\r\n').some((line) => line.slice(4) === 'SIZE 100'), ehlo);
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
    // The timeout may come before or after the greeting (which smtp-server delays).
    let line = await idle.reply();
    if (line.startsWith('220 ')) line = await idle.reply();
    assert.equal(line, '421 4.4.2 Timeout - closing connection');
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
