// A profile name cannot reach Object.prototype (`__proto__`, `constructor`):
// refused with one line, or looked up as an own key only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_BOUNCE_SETTINGS, resolveProfile } from '../../src/model/bounce-profile.js';
import { nameRefusal } from '../../src/model/tables/bounce-profiles.js';
import { defaultConfig } from '../../src/model/config.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;
before(async () => {
  cli = await startCliEngine();
});
after(async () => {
  await cli.stop();
});

test('bounceconfig new __proto__ is refused with one line and nothing is stored', async () => {
  const run = await batch(cli.socket, 'bounceconfig new __proto__ max_retries=5\ncommit "names"\n');
  assert.match(run.stdout + run.stderr, /"__proto__" is a reserved name: choose another\./);
  assert.doesNotMatch(run.stdout, /created/i);
  const profiles = cli.engine.api.config().bounceProfiles;
  assert.equal(Object.getPrototypeOf(profiles), Object.prototype, 'the prototype of the stored profiles is untouched');
  assert.deepEqual(Object.keys(profiles), ['Default']);
});

test('a name like constructor is an ordinary profile: it is stored and resolves to its own settings', async () => {
  const run = await batch(cli.socket, 'bounceconfig new constructor max_retries=5\ncommit "names"\n');
  assert.equal(run.code, 0, run.stderr);
  const profiles = cli.engine.api.config().bounceProfiles;
  assert.ok(Object.hasOwn(profiles, 'constructor'));
  assert.equal(resolveProfile(profiles, 'constructor').max_retries, 5);
});

test('lookups read own keys only: an unknown name that is an Object.prototype member resolves to Default', () => {
  const profiles = { Default: { ...DEFAULT_BOUNCE_SETTINGS, max_retries: 7 } };
  for (const name of ['toString', 'hasOwnProperty', 'constructor', '__proto__', 'valueOf']) {
    assert.equal(resolveProfile(profiles, name).max_retries, 7, name);
  }
  assert.equal(nameRefusal(defaultConfig(), '__proto__'), '"__proto__" is a reserved name: choose another.');
  assert.equal(nameRefusal(defaultConfig(), 'proto'), undefined);
});
