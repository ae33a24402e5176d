// destconfig and smtproutes check a value once: the same bad value given at a dialog's question
// and in the batch form is refused with the same words (the batch form names the key of a
// `key=value` setting first), and destconfig's "New Profile" refuses a name as bounceconfig does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { removeDir, startEngine } from '../helpers/harness.js';
import { batchRefusal, dialogRefusal, operator, type Operator } from './config-fixtures.js';

let engine: Engine;

before(async () => {
  engine = await startEngine({ backendPort: 1, accept: ['example.com'] });
});

after(async () => {
  await engine.stop();
  await removeDir(engine.api.dataDir);
});

/** A fresh session with `setup` pending (batch lines). */
async function session(...setup: string[]): Promise<Operator> {
  const op = operator(engine);
  for (const line of setup) assert.ok((await op.run(line)).ok, line);
  return op;
}

test('destconfig: a limit, a domain and an entry are refused alike in the dialog and the batch form', async () => {
  const op = await session('destconfig new example.com concurrency=2');
  for (const bad of ['0', '1001', '1,0000', 'many']) {
    const said = await dialogRefusal(op, 'destconfig', ['new', 'example.org', 'y', bad]);
    assert.equal(said, 'Value must be an integer from 1 to 1,000.');
    assert.equal(await batchRefusal(op, `destconfig new example.org concurrency=${bad}`), `concurrency: ${said}`);
    assert.equal(await dialogRefusal(op, 'destconfig', ['new', 'example.org', 'n', 'y', bad]), said);
    assert.equal(await batchRefusal(op, `destconfig edit example.com max_messages=${bad}`), `max_messages: ${said}`);
    assert.equal(await dialogRefusal(op, 'destconfig', ['default', bad]), said);
    assert.equal(await batchRefusal(op, `destconfig default concurrency=${bad}`), `concurrency: ${said}`);
  }
  for (const domain of ['ALL', 'bad!domain', 'example.com']) {
    assert.equal(await batchRefusal(op, `destconfig new ${domain}`), await dialogRefusal(op, 'destconfig', ['new', domain]), domain);
  }
  assert.equal(await batchRefusal(op, 'destconfig edit example.net concurrency=1'), await dialogRefusal(op, 'destconfig', ['edit', 'example.net']));
  assert.equal(await batchRefusal(op, 'destconfig delete example.net'), 'The domain example.net was not found in the destination control table.');
});

test("destconfig's New Profile: the bounce profile table's one name rule, as bounceconfig new refuses it", async () => {
  const op = await session('bounceconfig new Slow');
  // Concurrency, messages per connection, TLS and DANE: no; a bounce profile: New Profile.
  const toName = ['new', 'example.org', 'n', 'n', 'n', 'n', 'y', '2'];
  for (const bad of ['9lives', 'a.b', 'slow', '__proto__']) {
    const said = await dialogRefusal(op, 'destconfig', [...toName, bad]);
    assert.equal(said, await batchRefusal(op, `bounceconfig new ${bad}`), bad);
  }
  assert.equal(await dialogRefusal(op, 'destconfig', [...toName, '9lives']), 'The bounce profile name must start with a letter or underscore.');
  assert.equal(await dialogRefusal(op, 'destconfig', [...toName, 'SLOW']), 'Profile name already in use');
  // A new profile made meanwhile by another change of the session is in use too.
  const made = await op.run('destconfig', ...toName, 'Quick', '');
  assert.ok(made.ok, made.output);
  assert.deepEqual(op.session.pending.descriptions.slice(-1), [
    'Created destination "example.org": concurrency Default, messages per connection Default, bounce profile Quick (new), TLS Default.',
  ]);
  assert.equal(await batchRefusal(op, 'bounceconfig new quick'), 'Profile name already in use');
  assert.deepEqual(op.session.pending.config.bounceProfiles.Quick, {});
});

test('smtproutes: hosts and domains are refused alike in the dialog and the batch form', async () => {
  const op = await session('smtproutes new example.com a.example.com, b.example.com:2525');
  for (const hosts of [
    'bad_host!',
    'x.example.org:70000',
    'x.example.org/pri=70000',
    'x.example.org, x.example.org:2525',
    'USEDNS, x.example.org',
    '300.1.1.1',
  ]) {
    const said = await dialogRefusal(op, 'smtproutes', ['new', 'example.org', hosts]);
    assert.equal(await batchRefusal(op, `smtproutes new example.org ${hosts.replace(/ /g, '')}`), said, hosts);
    assert.equal(await dialogRefusal(op, 'smtproutes', ['edit', 'example.com', '', 'replace', hosts]), said, hosts);
    assert.equal(await batchRefusal(op, `smtproutes edit example.com replace ${hosts.replace(/ /g, '')}`), said, hosts);
  }
  for (const hosts of ['a.example.com:26', 'b.example.com', '/dev/null']) {
    const said = await dialogRefusal(op, 'smtproutes', ['edit', 'example.com', '', 'add', hosts]);
    assert.equal(await batchRefusal(op, `smtproutes edit example.com add ${hosts}`), said, hosts);
  }
  assert.equal(await dialogRefusal(op, 'smtproutes', ['new', 'example.com']), 'The value example.com is already in the routing table.');
  assert.equal(await batchRefusal(op, 'smtproutes new example.com x.example.com'), 'The value example.com is already in the routing table.');
  // The engine's default route (ALL) to the backend.
  const said = await dialogRefusal(op, 'smtproutes', ['new', 'all']);
  assert.equal(said, 'There is already a default route set.');
  assert.equal(await batchRefusal(op, 'smtproutes new ALL y.example.com'), said);
  assert.equal(await dialogRefusal(op, 'smtproutes', ['edit', 'example.com', 'all']), said);
  assert.equal(await batchRefusal(op, 'smtproutes edit example.com rename ALL'), said);
  assert.equal(await dialogRefusal(op, 'smtproutes', ['edit', 'nowhere.example']), 'That entry does not appear to be in the routing table.');
  assert.equal(await batchRefusal(op, 'smtproutes edit nowhere.example add x.example'), 'That entry does not appear to be in the routing table.');
});
