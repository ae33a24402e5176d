// HOSTACCESS DEFAULT's rate limiting, Directory Harvest Attack Prevention and SenderBase
// questions: asked in the appliance's blocks (before TLS), stored, shown, and — rate limits and
// harvest prevention — honoured by a real listener against a raw SMTP client, on the engine clock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { engineParts } from '../../src/engine/test-seam.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { listenerPort } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

let cli: CliEngine;

before(async () => {
  cli = await startCliEngine();
});

after(async () => {
  await cli.stop();
});

/** HOSTACCESS DEFAULT of the first listener: the basic parameters kept, then `policy` answers, then TLS No. */
const hostaccessDefault = (policy: string[]) =>
  ['listenerconfig', 'edit', '1', 'hostaccess', 'default', '', '', '', '', 'n', 'n', 'n', ...policy, '', '', '', ''].join('\n') + '\n';

test('the questions come in the appliance blocks: limits, then harvest prevention and sender limits, then SenderBase, then TLS', async () => {
  const r = await batch(cli.socket, hostaccessDefault(['y', '', 'n', 'y', '', '2', 'n', 'y', '', '', 'n', 'y', 'y', '']) + 'showchanges\n');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const order = [
    'Would you like to specify a custom SMTP rejection response?',
    'Do you want to enable rate limiting per host?',
    'Enter the maximum number of recipients per hour from a remote host.\n[1000]>',
    'Would you like to specify a custom SMTP limit exceeded response?',
    'Do you want to enable Directory Harvest Attack Prevention per host?',
    'Enter the maximum number of invalid recipients per hour from a remote host.\n[25]>',
    'Select an action to apply when a recipient is rejected due to DHAP:\n1. Drop\n2. Code',
    'Would you like to specify a custom SMTP DHAP response?',
    'Do you want to enable rate limiting per envelope sender?',
    'Enter the maximum number of recipients per envelope sender.\n[100]>',
    'Enter the time interval in minutes for Envelope Sender Rate Limiting.\n[60]>',
    'Would you like to use SenderBase for flow control by default?',
    'Would you like to group hosts by the similarity of their IP addresses?',
    'Enter the number of bits of IP address to treat as significant, from 0 to 32.\n[24]>',
    'Do you want to allow encrypted TLS connections?',
  ];
  let at = 0;
  for (const text of order) {
    const i = r.stdout.indexOf(text, at);
    assert.ok(i >= 0, `"${text}" after position ${at} in:\n${r.stdout.slice(at)}`);
    at = i;
  }
  assert.match(r.stdout, /Rate Limiting Per Host: 1,000 recipients per hour \(452 4\.3\.1 Too many recipients received this hour\)/);
  assert.match(r.stdout, /Directory Harvest Attack Prevention: 25 invalid recipients per hour, then Code \(550 5\.1\.1 Too many invalid recipients\)/);
  assert.match(r.stdout, /Envelope Sender Rate Limiting: 100 recipients per 60 minutes/);
  assert.match(r.stdout, /Use SenderBase For Flow Control: Yes/);
  assert.match(r.stdout, /Group Hosts By Similarity Of IP Addresses: 24 bits/);
  assert.match(r.stdout, /'listeners\.IncomingMail\.hatPolicy\.rateLimit\.recipientsPerHour': 1000,/);
});

test('rate limiting per host: past its recipients per hour RCPT gets 452, and an hour later the host may send again', async () => {
  const r = await batch(cli.socket, hostaccessDefault(['y', '2', 'n', 'n', 'n', 'n', 'n']) + 'commit "rate limit"\n');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const talk = await SmtpTalk.open(listenerPort(cli.engine));
  try {
    assert.match(await talk.reply(), /^220 /);
    assert.match(await talk.command('EHLO client.example.org'), /^250/);
    assert.match(await talk.command('MAIL FROM:<a@example.org>'), /^250/);
    assert.match(await talk.command('RCPT TO:<one@example.com>'), /^250/);
    assert.match(await talk.command('RCPT TO:<two@example.com>'), /^250/);
    assert.equal(await talk.command('RCPT TO:<three@example.com>'), '452 4.3.1 Too many recipients received this hour');
    engineParts(cli.engine).clock.advance(3_600_000);
    assert.match(await talk.command('RCPT TO:<three@example.com>'), /^250/, 'a new hour');
  } finally {
    talk.close();
  }
  assert.equal((await batch(cli.socket, 'listenerconfig edit IncomingMail rate_lim=no\ncommit "no limit"\n')).code, 0);
});

test('Directory Harvest Attack Prevention: past its invalid recipients per hour the connection is dropped (421) and logged', async () => {
  const r = await batch(cli.socket, 'listenerconfig edit IncomingMail dhap=2\ncommit "dhap"\n');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const talk = await SmtpTalk.open(listenerPort(cli.engine));
  try {
    assert.match(await talk.reply(), /^220 /);
    await talk.command('HELO client.example.org');
    await talk.command('MAIL FROM:<a@example.org>');
    for (const who of ['x', 'y']) assert.match(await talk.command(`RCPT TO:<${who}@elsewhere.example>`), /^550 5\.7\.1 /);
    assert.equal(await talk.command('RCPT TO:<z@elsewhere.example>'), '421 4.7.1 mail.example.com Too many invalid recipients, closing transmission channel');
    assert.equal(await talk.reply(), '', 'the connection is closed');
  } finally {
    talk.close();
  }
  const log = await batch(cli.socket, 'grep "DHAP" mail_logs\n');
  assert.match(log.stdout, /DHAP: 3 invalid recipients from 127\.0\.0\.1 this hour: connection dropped/);
  assert.equal((await batch(cli.socket, 'listenerconfig edit IncomingMail dhap=no\ncommit "no dhap"\n')).code, 0);
});
