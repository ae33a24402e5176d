// The answer grammar (src/model/answers.ts): integers with or without thousands separators,
// yes/no words, the inherit word, choices by number or word, comma lists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInherit, matchChoice, parseChoice, parseCommaList, parseDecimal, parseInteger, parseYesNo, yesNoText } from '../../src/model/answers.js';

test('integers: plain digits or correct thousands groups, within the range', () => {
  for (const [text, n] of [
    ['0', 0],
    ['42', 42],
    [' 7 ', 7],
    ['1,000', 1_000],
    ['10,000', 10_000],
    ['1,000,000', 1_000_000],
    ['0010', 10],
  ] as const) {
    assert.deepEqual(parseInteger(text, 0, 1_000_000), { value: n }, text);
  }
  const refusal = { error: 'Value must be an integer from 0 to 1,000,000.' };
  for (const bad of ['1,0000', '1,00', ',100', '1,', '1,,000', '01,000', '1 000', '1.000', '1.5', '+5', '', 'ten', '1e3', '0x10', '1,000,001']) {
    assert.deepEqual(parseInteger(bad, 0, 1_000_000), refusal, bad);
  }
});

test('integers: a minus sign only where the range has negatives', () => {
  assert.deepEqual(parseInteger('-1', 0, 10), { error: 'Value must be an integer from 0 to 10.' });
  assert.deepEqual(parseInteger('-0', 0, 10), { error: 'Value must be an integer from 0 to 10.' });
  assert.deepEqual(parseInteger('-1,000', -5_000, 5_000), { value: -1_000 });
  assert.deepEqual(parseInteger('-0', -1, 1), { value: 0 });
  assert.ok(!Object.is((parseInteger('-0', -1, 1) as { value: number }).value, -0), 'no negative zero');
  assert.deepEqual(parseInteger('-6,000', -5_000, 5_000), { error: 'Value must be an integer from -5,000 to 5,000.' });
  assert.deepEqual(parseInteger('99999999999999999999', 0, 10), { error: 'Value must be an integer from 0 to 10.' });
});

test('decimals: the same separators, an optional fraction', () => {
  assert.deepEqual(parseDecimal('0.5', 0, 1_000_000), { value: 0.5 });
  assert.deepEqual(parseDecimal('3,600', 0, 1_000_000), { value: 3_600 });
  for (const bad of ['1,0000', '.5', '5.', 'x', '-1']) assert.ok('error' in parseDecimal(bad, 0, 10), bad);
});

test('yes/no: Y, YES, N, NO in any case and nothing else', () => {
  for (const y of ['y', 'Y', 'yes', 'YES', 'Yes', ' yes ']) assert.deepEqual(parseYesNo(y), { value: true }, y);
  for (const n of ['n', 'N', 'no', 'NO', 'No']) assert.deepEqual(parseYesNo(n), { value: false }, n);
  for (const bad of ['true', 'false', 'on', 'off', '1', '0', 'yep', 'ye', '', 'D', 'Default']) {
    assert.deepEqual(parseYesNo(bad), { error: 'Please answer Yes or No.' }, bad);
  }
  assert.equal(yesNoText(true), 'Y');
  assert.equal(yesNoText(false), 'N');
  assert.deepEqual(parseYesNo(yesNoText(true)), { value: true }, 'what a prompt shows may be typed back');
});

test('the inherit word: D or Default, any case', () => {
  for (const w of ['D', 'd', 'Default', 'DEFAULT', ' default ']) assert.equal(isInherit(w), true, w);
  for (const w of ['Def', 'defaults', 'n', '']) assert.equal(isInherit(w), false, w);
});

test("choices: by number when numbered, by any of an item's words, any case", () => {
  const items = ['All', ['Active Recipients', 'active'], 'IncomingMail'];
  assert.equal(matchChoice('1', items), 0);
  assert.equal(matchChoice(' 3 ', items), 2);
  assert.equal(matchChoice('ACTIVE', items), 1);
  assert.equal(matchChoice('active recipients', items), 1);
  assert.equal(matchChoice('incomingmail', items), 2);
  for (const bad of ['0', '4', '-1', '1,0000', '1.0', 'nope', '']) assert.equal(matchChoice(bad, items), undefined, bad);
  assert.equal(matchChoice('1', ['NEW', 'EDIT'], false), undefined, 'an unnumbered menu is picked by word only');
  assert.equal(matchChoice('edit', ['NEW', 'EDIT'], false), 1);
  assert.deepEqual(parseChoice('9', items), { error: 'Unknown option.' });
});

test('comma lists: blanks dropped, the first refusal wins, at least one entry', () => {
  const int = (t: string) => parseInteger(t, 0, 10);
  assert.deepEqual(parseCommaList('1, 2,,3 ', int), { value: [1, 2, 3] });
  assert.deepEqual(parseCommaList('1, 20, x', int), { error: 'Value must be an integer from 0 to 10.' });
  assert.deepEqual(parseCommaList(' , ', int), { error: 'Please enter at least one entry.' });
});
