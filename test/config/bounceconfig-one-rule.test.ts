// bounceconfig's dialog and batch form take values through one set of rules (the model's bounce
// profile table): the same bad value gets the same refusal in both, and a profile created from
// listenerconfig or destconfig follows the same name rule.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEngine } from '../helpers/harness.js';
import type { Engine } from '../../src/engine/engine.js';
import { operator, refusalAt } from './config-fixtures.js';

let engine: Engine;

before(async () => {
  engine = await startEngine();
});

after(async () => {
  await engine.stop();
});

test('a bad profile name: the same refusal in the dialog and in the batch form', async () => {
  const op = operator(engine);
  for (const bad of ['my.profile', '1st', 'Default', '__proto__']) {
    const dialog = await op.run('bounceconfig', 'new', bad);
    const batch = await op.run(`bounceconfig new ${bad}`);
    assert.equal(batch.ok, false);
    assert.equal(refusalAt(dialog.output, /Please create a name for the profile:/), batch.error, bad);
  }
  assert.equal(op.session.pending.hasChanges, false);
});

test('a bad value: the dialog refuses it with the reason the batch form gives after the key', async () => {
  const op = operator(engine);
  // The question, its batch key, a bad value, and how many questions come before it.
  const cases: [RegExp, string, string, number][] = [
    [/maximum number of retries/, 'max_retries', '10001', 0],
    [/stay in the queue/, 'max_queue_lifetime', '-1', 1],
    [/maximum number of seconds to wait before retrying/, 'max_retry_timeout', '59', 3],
    [/message sent for each hard bounce/, 'send_bounces', 'maybe', 4],
  ];
  for (const [at, key, bad, before] of cases) {
    // Defaults up to the question, then the bad value.
    const dialog = await op.run('bounceconfig', 'new', 'P', ...Array<string>(before).fill(''), bad);
    const batch = await op.run(`bounceconfig new P ${key}=${bad}`);
    assert.equal(batch.error, `${key}: ${refusalAt(dialog.output, at)}`, key);
  }
});

test('"New Profile" in listenerconfig and destconfig follows the bounce profile name rule', async () => {
  const op = operator(engine);
  const viaDest = await op.run('destconfig', 'new', 'example.org', 'N', 'N', 'N', 'N', 'Y', '2', 'my.profile');
  assert.match(viaDest.output, /Valid characters are letters, digits, "_" and "-"\./);
  const viaListener = await op.run(
    'listenerconfig',
    'edit',
    '1',
    'bounceconfig',
    String(2 + Object.keys(engine.api.config().bounceProfiles).length - 1),
    'my.profile',
  );
  assert.match(viaListener.output, /Valid characters are letters, digits, "_" and "-"\./);
  assert.equal(op.session.pending.hasChanges, false);
});
