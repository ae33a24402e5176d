// listenerconfig, seen from outside: commands through the control socket, then real SMTP
// clients on loopback against the listeners a commit created, changed or removed.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { afterEach, test } from 'node:test';
import { runBatch } from '../../cli/batch.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { listenerPort, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { batch, oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;
let transcript = '';
const pendingShown = () => transcript.includes("{'standalone'");

/** A batch session fed by a generator (it can wait between lines); resolves with its output. */
async function batchFrom(socket: string, lines: AsyncGenerator<string>): Promise<string> {
  transcript = '';
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      transcript += chunk.toString();
      cb();
    },
  });
  const code = await runBatch(socket, Readable.from(lines), { output, errors: output });
  assert.equal(code, 0, transcript);
  return transcript;
}
let backend: BackendServer;

afterEach(async () => {
  await cli?.stop();
  await backend?.stop();
});

async function setup(): Promise<void> {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port, accept: ['example.com'] });
}

async function ok(line: string): Promise<string> {
  const r = await oneLine(cli.socket, line);
  assert.equal(r.code, 0, `${line}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Commands of one session (pending changes belong to the session), then commit. */
async function committed(...lines: string[]): Promise<string> {
  const out = await dialog(`${lines.join('\n')}\ncommit "test"\n`);
  assert.match(out, /Changes committed/, out);
  return out;
}

async function dialog(input: string): Promise<string> {
  const r = await batch(cli.socket, input);
  assert.equal(r.code, 0, `${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Connecting fails or is answered 421: the port no longer takes mail. */
async function refuses(port: number): Promise<boolean> {
  try {
    const talk = await SmtpTalk.open(port);
    const greeting = await talk.reply();
    talk.socket.destroy();
    return greeting === '' || greeting.startsWith('421');
  } catch {
    return true;
  }
}

test("the list is in the appliance format and parses with the drivers' regex", async () => {
  await setup();
  const out = await ok('listenerconfig list');
  const port = listenerPort(cli.engine);
  assert.match(out, /^Currently configured listeners:$/m);
  const line = out.split('\n').find((l) => l.startsWith('1. '))!;
  assert.equal(line, `1. IncomingMail (on Loopback, 127.0.0.1) SMTP TCP Port ${port} Public`);
  const m = /^\d\.\s+(\S+)\s+\(on\s+(.+?),\s+(.+?)(,\s+(.*))*\)\s+(\S+)\s+(\S+)\s+Port\s+(\d+)\s+(\S+)/.exec(line);
  assert.deepEqual([m?.[1], m?.[3], m?.[6], m?.[7], m?.[8], m?.[9]], ['IncomingMail', '127.0.0.1', 'SMTP', 'TCP', String(port), 'Public']);
});

test('RCPTACCESS NEW: a new domain is refused (550) until the commit, accepted and delivered after it', async () => {
  await setup();
  const port = listenerPort(cli.engine);
  // EDIT 1 > RCPTACCESS > NEW example.net, Accept, no custom response; back out; PRINT shows it.
  // The session stays open (its pending change with it) while mail is sent before the commit.
  let beforeCommit: Awaited<ReturnType<typeof sendMail>> | undefined;
  const session = batchFrom(
    cli.socket,
    (async function* () {
      yield 'listenerconfig\nedit\n1\nrcptaccess\nnew\nexample.net\n1\nn\nprint\n\n\n\nshowchanges\n';
      await waitFor(() => beforeCommit !== undefined, 'the message sent before the commit');
      yield 'commit "accept example.net"\n';
    })(),
  );
  await waitFor(() => cli.engine.api.listenerViews().length === 1 && pendingShown(), 'the change to be pending');
  beforeCommit = await sendMail(port, { to: 'bob@example.net' });
  const out = await session;
  assert.match(out, /example\.com ACCEPT\nexample\.net ACCEPT\n\nRecipient Access Table\n/);
  assert.equal(beforeCommit.ok, false);
  assert.match(beforeCommit.response, /^550 5\.7\.1 <bob@example\.net>: Relay access denied/);
  assert.match(out, /Changes committed/);
  const after = await sendMail(port, { to: 'bob@example.net' });
  assert.match(after.response, /^250 /, after.response);
  await waitFor(() => backend.messages.length === 1, 'delivery of the example.net message');
  assert.deepEqual(backend.messages[0].to, ['bob@example.net']);
});

test('RCPTACCESS REJECT with a custom response is answered with its code and text', async () => {
  await setup();
  await committed('listenerconfig edit IncomingMail rcptaccess add boss@example.com reject 551 "User has moved"');
  const r = await sendMail(listenerPort(cli.engine), { to: 'boss@example.com' });
  assert.equal(r.ok, false);
  assert.match(r.response, /^551 5\.0\.0 User has moved/);
  const other = await sendMail(listenerPort(cli.engine), { to: 'anyone@example.com' });
  assert.match(other.response, /^250 /);
});

test('a new listener on another port accepts mail after the commit, not before', async () => {
  await setup();
  assert.match(await ok('listenerconfig new Second 127.0.0.1:0 accept=example.org'), /Listener Second created\./);
  assert.equal(cli.engine.api.listenerViews().length, 1, 'nothing bound without a commit');
  await committed('listenerconfig new Second 127.0.0.1:0 accept=example.org');
  const views = cli.engine.api.listenerViews();
  assert.deepEqual(
    views.map((v) => v.name),
    ['IncomingMail', 'Second'],
  );
  const port = listenerPort(cli.engine, 'Second');
  assert.notEqual(port, listenerPort(cli.engine));
  const r = await sendMail(port, { to: 'carol@example.org' });
  assert.match(r.response, /^250 /, r.response);
  // Its own RAT: example.com belongs to the first listener only.
  assert.equal((await sendMail(port, { to: 'bob@example.com' })).ok, false);
  await waitFor(() => backend.messages.length === 1, 'delivery through the new listener');
  assert.match(await ok('listenerconfig list'), new RegExp(`2\\. Second \\(on Loopback, 127\\.0\\.0\\.1\\) SMTP TCP Port ${port} Public`));
});

test('a deleted listener refuses connections; the mail it accepted stays queued and is delivered', async () => {
  await setup();
  const port = listenerPort(cli.engine);
  await ok('suspenddel');
  const r = await sendMail(port, { to: ['a@example.com', 'b@example.com'] });
  assert.match(r.response, /^250 /);
  assert.match(await committed('listenerconfig delete IncomingMail'), /Deleted listener "IncomingMail"\./);
  await waitFor(() => refuses(port), 'the deleted listener to refuse');
  assert.deepEqual(cli.engine.api.listenerViews(), []);
  assert.equal(cli.engine.api.gauges().queuedMessages, 1, 'the accepted message is still queued');
  assert.match(await ok('listenerconfig list'), /There are no listeners configured\./);

  await dialog('resumedel\nALL\n');
  await waitFor(() => backend.messages.length === 1, 'delivery of the queued message');
  assert.deepEqual(backend.messages[0].to, ['a@example.com', 'b@example.com']);
});

test('binding a port in use fails the commit with one line and changes nothing', async () => {
  await setup();
  const port = listenerPort(cli.engine);
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  try {
    const r = await batch(
      cli.socket,
      `listenerconfig edit IncomingMail rcptaccess add example.net accept\nlistenerconfig new Clash 127.0.0.1:${taken} accept=example.org\ncommit "two changes"\n`,
    );
    assert.equal(r.stdout.includes('Changes committed'), false);
    // One line (the transcript shows it, and batch mode repeats errors on stderr).
    const failure = r.stdout.split('\n').filter((l) => /Commit failed/.test(l));
    assert.equal(failure.length, 1, r.stdout + r.stderr);
    assert.match(
      failure[0],
      new RegExp(`Commit failed, nothing was changed: listener Clash cannot listen on 127\\.0\\.0\\.1:${taken}: the address is already in use`),
    );
    assert.deepEqual(
      cli.engine.api.config().listeners.map((l) => l.name),
      ['IncomingMail'],
    );
    assert.equal((await sendMail(port, { to: 'x@example.net' })).ok, false, 'the RAT change of the same commit is not applied');
    assert.match((await sendMail(port, { to: 'x@example.com' })).response, /^250 /);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test('invalid answers get the appliance-style message and the question again; nothing is recorded until the dialog ends', async () => {
  await setup();
  const out = await dialog(
    [
      'listenerconfig',
      'create',
      'new',
      '3', // type: no such item
      '2',
      '9lives', // bad name
      'IncomingMail', // in use
      'Relay1',
      '999.1.1.1', // bad address
      '1',
      '70000', // bad port
      '0',
      'not a domain',
      'example.org',
      '',
      'y', // change the default host access policy
      '5G',
      '10M',
      '0',
      '2',
      '',
      '',
      'n',
      'y', // custom banner
      '600',
      '220',
      'Relay1 ready',
      '',
      'n',
      ...['', '', '', '', ''], // rate limiting, DHAP, sender rate limiting, SenderBase, host grouping: No
      '', // TLS: No
      '', // leave
      'showchanges',
    ].join('\n') + '\n',
  );
  const say = (text: string) => assert.ok(out.includes(text), `expected "${text}" in:\n${out}`);
  say('Unknown option.');
  say('A listener name must start with a letter');
  say('Listener name already in use');
  say('The IP address must be 4 numbers separated by a period');
  say('Value must be an integer from 0 to 65,535.');
  say('A Recipient Access Table address can be one of the following');
  say('Value must be a size from 1k to 100M');
  say('Value must be an integer from 1 to 1,000.');
  say('Value must be an integer from 200 to 299.');
  say('Listener Relay1 created.');
  // showchanges: the new listener's settings, one by one.
  say("'listeners.Relay1.port': 0,");
  say("'listeners.Relay1.acceptResponse.text': 'Relay1 ready',");
  // Each refusal is followed by the same question again.
  assert.match(out, /Value must be an integer from 0 to 65,535\.\n\nEnter the TCP port for this listener\.\n/);
});

test('HOSTACCESS limits are enforced: messages per connection, recipients, size, connections per host, banner', async () => {
  await setup();
  await committed('listenerconfig edit IncomingMail max_msgs=2 max_rcpt=2 max_size=2k max_conn=2 override=mx.example.com cust_acc="Welcome to the test"');
  const port = listenerPort(cli.engine);

  const a = await SmtpTalk.open(port);
  assert.equal(await a.reply(), '220 mx.example.com Welcome to the test');
  await a.command('EHLO client.example.org');
  for (let i = 0; i < 2; i++) {
    assert.match(await a.command('MAIL FROM:<alice@example.org>'), /^250/);
    assert.match(await a.command('RCPT TO:<r1@example.com>'), /^250/);
    if (i === 0) {
      assert.match(await a.command('RCPT TO:<r2@example.com>'), /^250/);
      assert.match(await a.command('RCPT TO:<r3@example.com>'), /^452 4\.5\.3 Too many recipients/);
    }
    assert.match(await a.data(`Subject: ${i}\r\n\r\nhello\r\n`), /^250 /);
  }
  assert.match(await a.command('MAIL FROM:<alice@example.org>'), /^421 4\.7\.0 mail\.example\.com Too many messages in this session/);

  const b = await SmtpTalk.open(port);
  const c = await SmtpTalk.open(port);
  assert.match(await b.reply(), /^220 /);
  assert.match(await c.reply(), /^220 /);
  const d = await SmtpTalk.open(port);
  assert.match(await d.reply(), /^421 4\.7\.0 mail\.example\.com Too many connections from your host/);
  for (const t of [a, b, c, d]) t.socket.destroy();
  // The greeting is not delayed: wait until the engine has seen those sessions close.
  await waitFor(() => cli.engine.api.inboundConnections() === 0, 'the sessions to close');

  const big = await sendMail(port, { to: 'bob@example.com', text: 'x'.repeat(4096) });
  assert.equal(big.ok, false);
  assert.match(big.response, /^552 /);
});

test('a renamed listener keeps its socket and its suspension; a private listener relays only for its hosts', async () => {
  await setup();
  const port = listenerPort(cli.engine);
  await dialog('suspendlistener\n\n0\n');
  await committed('listenerconfig edit IncomingMail name=Inbound');
  assert.equal(listenerPort(cli.engine, 'Inbound'), port);
  assert.deepEqual(cli.engine.api.operational().suspendedListeners, ['Inbound']);
  assert.equal(await refuses(port), true);
  await ok('resume');
  assert.match((await sendMail(port, { to: 'bob@example.com' })).response, /^250 /);

  await committed('listenerconfig new Outbound 127.0.0.1:0 type=private relay=10.0.0.0/8 cust_rej="Relaying denied" rej_code=554');
  const talk = await SmtpTalk.open(listenerPort(cli.engine, 'Outbound'));
  assert.equal(await talk.reply(), '554 5.0.0 Relaying denied');
  talk.socket.destroy();
  await committed('listenerconfig edit Outbound relay=127.0.0.1');
  const relayed = await sendMail(listenerPort(cli.engine, 'Outbound'), { to: 'someone@anywhere.example' });
  assert.match(relayed.response, /^250 /, relayed.response);
});

test('a config.json written with a RAT of plain domains still loads: its domains are ACCEPT entries', async () => {
  const { migrateListeners } = await import('../../src/model/listener-migration.js');
  const { defaultConfig } = await import('../../src/model/config.js');
  const old = defaultConfig() as unknown as { listeners: Record<string, unknown>[] };
  old.listeners = [
    {
      name: 'Old',
      host: '127.0.0.1',
      port: 25,
      rat: ['example.com', '.example.net'],
      bounceProfile: 'Default',
      maxMessageSize: 1024,
      maxRecipients: 5,
      maxConnections: 3,
      idleTimeout: 60,
    },
  ];
  const migrated = migrateListeners(old as never);
  const lc = migrated.listeners[0];
  assert.deepEqual(lc.rat, [
    { pattern: 'example.com', action: 'ACCEPT' },
    { pattern: '.example.net', action: 'ACCEPT' },
  ]);
  assert.equal(lc.type, 'Public');
  assert.equal(lc.maxRecipients, 5);
  assert.equal(lc.maxMessagesPerConnection, 1_000_000);
});
