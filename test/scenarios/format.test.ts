// The scenario format: every shipped file parses; a trainer's mistake is one line naming the field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../../src/sandbox/scenarios/format.js';
import { loadAll, loadScenario } from '../../src/sandbox/scenarios/loader.js';

const minimal = { title: 't', teaches: 't', goal: 'g', timeline: [{ at: '0m', send: 3, to: 'example.com' }], checks: ['delivered'] };
const withField = (patch: object) => JSON.stringify({ ...minimal, ...patch });

test('the six scenarios of scenarios/ parse, each with hints that name commands in backticks', async () => {
  const all = await loadAll();
  assert.equal(all.length, 6);
  for (const s of all) {
    assert.ok('scenario' in s, `${s.name}: ${'error' in s ? s.error : ''}`);
    assert.ok(s.scenario.hints.some((h) => /`[^`]+`/.test(h)), s.name);
  }
  assert.equal((await loadScenario('2')).name, '2-planned-maintenance');
  assert.equal((await loadScenario('dead')).name, '6-dead-domain');
  await assert.rejects(loadScenario('nothing-like-it'), /^Error: No scenario "nothing-like-it"\. "sim scenario list" lists them\.$/);
});

test('scenario mistakes: one line that names the field', () => {
  const bad = (patch: object) => () => parseScenario('x', withField(patch));
  assert.throws(bad({ setup: { backend: 'sideways' } }), /^Error: setup\.backend: must be one of up, down, tempfail, reject$/);
  assert.throws(bad({ timeline: [{ at: 'soon', send: 1 }] }), /^Error: timeline\[0\]\.at: must be a duration/);
  assert.throws(bad({ checks: [{ maxQueuedWhileDown: -1 }] }), /^Error: checks\[0\]\.maxQueuedWhileDown: must be a whole number/);
  assert.throws(bad({ setup: { profiles: { Default: { max_queue_lifetme: 5 } } } }), /unknown bounce setting "max_queue_lifetme"/);
  assert.throws(bad({ colour: 'red' }), /^Error: the file: unknown field "colour"/);
  assert.throws(() => parseScenario('x', '{ nope'), /^Error: not valid JSON/);
  const ok = parseScenario('x', withField({ setup: { profiles: { Default: { send_warnings: true, max_queue_lifetime: 3600 } } }, jumpStep: '5m' }));
  assert.deepEqual(ok.setup.profiles.Default, { send_warnings: true, max_queue_lifetime: 3600 });
  assert.equal(ok.jumpStep, 300_000);
  assert.equal(ok.judgeAfter, 0);
});
