// The web GUI's pure pieces: a form's values written as a command line that the CLI's tokenizer
// reads back word for word, and the delivery commands that turn the suspended domains into the
// chosen ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommands, tokenize } from '../../src/appliance/kit/command-line.js';
import { deliveryCommands } from '../../src/gui/pages/shutdown-suspend.js';
import { commandLine } from '../../src/gui/sessions.js';

test('a command line from form values reads back as the same words, whatever they hold', () => {
  const cases = [
    ['commit', ''],
    ['commit', 'fixed "retries"; resetcounters'],
    ['commit', "back\\slash and 'single' quotes"],
    ['suspendlistener', 'IncomingMail,Outgoing', '30'],
    ['sim', 'inject', '100', 'example.com'],
    ['commit', 'two\nlines'],
  ];
  for (const words of cases) {
    const line = commandLine(words);
    assert.deepEqual(splitCommands(line), [line], `one command: ${line}`);
    assert.deepEqual(tokenize(line), words, line);
  }
  assert.equal(commandLine(['delivernow', 'ALL']), 'delivernow ALL');
});

test('the delivery commands of the chip box: from the suspended domains to the chosen ones', () => {
  assert.deepEqual(deliveryCommands([], [], '30'), []);
  assert.deepEqual(deliveryCommands([], ['ALL'], '30'), [['suspenddel', 'ALL', '30']]);
  assert.deepEqual(deliveryCommands(['ALL'], ['ALL'], '30'), []);
  assert.deepEqual(deliveryCommands(['ALL'], [], '30'), [['resumedel', 'ALL']]);
  assert.deepEqual(deliveryCommands(['ALL'], ['a.com'], '0'), [
    ['resumedel', 'ALL'],
    ['suspenddel', 'a.com', '0'],
  ]);
  assert.deepEqual(deliveryCommands(['a.com', 'b.com'], ['B.com', 'c.com'], '5'), [
    ['resumedel', 'a.com'],
    ['suspenddel', 'c.com', '5'],
  ]);
});
