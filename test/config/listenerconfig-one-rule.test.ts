// listenerconfig's dialogs and batch forms take values through one set of rules (the model's
// listener tables): the same bad value gets the same refusal in both, and a bounce profile made
// by EDIT > BOUNCECONFIG > New Profile follows the bounce profile table's name rule.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { profileNames } from '../../src/model/tables/bounce-profiles.js';
import type { Engine } from '../../src/engine/engine.js';
import { startEngine } from '../helpers/harness.js';
import { operator, refusalAt } from './config-fixtures.js';

let engine: Engine;

before(async () => {
  engine = await startEngine();
});

after(async () => {
  await engine.stop();
});

const NEW = ['new', '2', 'Second', '1']; // type Public, a name, Loopback: then the port
const HOSTACCESS = ['edit', '1', 'hostaccess', 'default'];

/** [question, dialog answers up to and including the bad value, the batch form with the same value, its key]. */
const VALUES: [RegExp, string[], string, string][] = [
  [/Please choose an IP interface/, ['new', '2', 'Second', '999.1.1.1'], 'listenerconfig edit IncomingMail interface=999.1.1.1', 'interface'],
  [/Enter the TCP port for this listener/, [...NEW, '70000'], 'listenerconfig edit IncomingMail port=70000', 'port'],
  [/accept mail for/, [...NEW, '0', 'not a domain'], 'listenerconfig new Second 127.0.0.1:0 accept="not a domain"', 'accept'],
  [/allowed to relay email/, ['new', '1', 'Second', '1', '0', '10.0.0.300'], 'listenerconfig new Second 127.0.0.1:0 type=private relay=10.0.0.300', 'relay'],
  [
    /Please enter the maximum number of concurrent connections allowed\./,
    ['edit', '1', 'limits', '0'],
    'listenerconfig edit IncomingMail max_connections=0',
    'max_connections',
  ],
  [/TCP listen queue size/, ['edit', '1', 'limits', '', '1,0000'], 'listenerconfig edit IncomingMail listen_queue=1,0000', 'listen_queue'],
  [/maximum message size/, [...HOSTACCESS, '20G'], 'listenerconfig edit IncomingMail max_size=20G', 'max_size'],
  [/from a single IP address/, [...HOSTACCESS, '', '0'], 'listenerconfig edit IncomingMail max_conn=0', 'max_conn'],
  [/messages per connection/, [...HOSTACCESS, '', '', '1000001'], 'listenerconfig edit IncomingMail max_msgs=1000001', 'max_msgs'],
  [/recipients per message/, [...HOSTACCESS, '', '', '', '0'], 'listenerconfig edit IncomingMail max_rcpt=0', 'max_rcpt'],
  [/hostname to use in the SMTP banner/, [...HOSTACCESS, '', '', '', '', 'y', 'bad_host!'], 'listenerconfig edit IncomingMail override=bad_host!', 'override'],
  [/SMTP code/, [...HOSTACCESS, '', '', '', '', 'n', 'y', '500'], 'listenerconfig edit IncomingMail cust_acc=Hi acc_code=500', 'acc_code'],
  [/SMTP code/, [...HOSTACCESS, '', '', '', '', 'n', 'n', 'y', '200'], 'listenerconfig edit IncomingMail cust_rej=No rej_code=200', 'rej_code'],
  [
    /recipient address for this entry/,
    ['edit', '1', 'rcptaccess', 'new', 'not a domain'],
    'listenerconfig edit IncomingMail rcptaccess add "not a domain" accept',
    'address',
  ],
  [
    /recipient address for this entry/,
    ['edit', '1', 'rcptaccess', 'new', 'example.com'],
    'listenerconfig edit IncomingMail rcptaccess add example.com accept',
    'address',
  ],
  [
    /SMTP code/,
    ['edit', '1', 'rcptaccess', 'new', 'x@example.com', '2', 'y', '999'],
    'listenerconfig edit IncomingMail rcptaccess add x@example.com reject 999 Gone',
    'code',
  ],
  // The rate limiting and harvest prevention asked after the basic parameters (hat-policy.ts).
  [
    /recipients per hour from a remote host/,
    [...HOSTACCESS, '', '', '', '', 'n', 'n', 'n', 'y', '0'],
    'listenerconfig edit IncomingMail rate_lim=0',
    'rate_lim',
  ],
  [/invalid recipients per hour/, [...HOSTACCESS, '', '', '', '', 'n', 'n', 'n', 'n', 'y', '1,00'], 'listenerconfig edit IncomingMail dhap=1,00', 'dhap'],
];

test('a bad value: the dialog refuses it with the reason the batch form gives after its key', async () => {
  const op = operator(engine);
  for (const [at, answers, line, key] of VALUES) {
    const dialog = await op.run('listenerconfig', ...answers);
    const batch = await op.run(line);
    assert.equal(batch.ok, false, line);
    assert.equal(batch.error, `Invalid "${key}" value: ${refusalAt(dialog.output, at)}`, line);
  }
  assert.equal(op.session.pending.hasChanges, false);
});

test('a bad listener name: the same refusal in NEW, NAME, and the batch forms', async () => {
  const op = operator(engine);
  for (const bad of ['9lives', 'a b', 'IncomingMail', 'incomingmail']) {
    const dialog = await op.run('listenerconfig', 'new', '2', bad);
    const refusal = refusalAt(dialog.output, /create a name for this listener/);
    assert.equal((await op.run(`listenerconfig new "${bad}" 127.0.0.1:0`)).error, refusal, bad);
  }
  for (const bad of ['9lives', 'a.b c']) {
    const dialog = await op.run('listenerconfig', 'edit', '1', 'name', bad);
    assert.equal((await op.run(`listenerconfig edit IncomingMail name="${bad}"`)).error, refusalAt(dialog.output, /new name for this listener/), bad);
  }
  assert.equal(op.session.pending.hasChanges, false);
});

test("EDIT > BOUNCECONFIG > New Profile: the bounce profile table's name rule and its create operation", async () => {
  const op = operator(engine);
  const newProfile = String(profileNames(engine.api.config()).length + 1);
  for (const bad of ['my.profile', '1st', 'Default', 'default', '__proto__']) {
    const dialog = await op.run('listenerconfig', 'edit', '1', 'bounceconfig', newProfile, bad);
    const batch = await op.run(`bounceconfig new ${bad}`);
    assert.equal(batch.ok, false, bad);
    assert.equal(refusalAt(dialog.output, /create a name for the profile/), batch.error, bad);
  }
  assert.equal(op.session.pending.hasChanges, false);
  const made = await op.run('listenerconfig', 'edit', '1', 'bounceconfig', newProfile, 'Slow', '', '');
  assert.equal(made.ok, true, made.output);
  assert.deepEqual(op.session.pending.descriptions, ['Created bounce profile "Slow".', 'Edited listener "IncomingMail": bounce profile Default -> Slow.']);
  assert.deepEqual(op.session.pending.config.bounceProfiles.Slow, {});
  // The name is now in use for bounceconfig too.
  assert.equal((await op.run('bounceconfig new slow')).error, 'Profile name already in use');
  await op.run('clearchanges', 'y');
});
