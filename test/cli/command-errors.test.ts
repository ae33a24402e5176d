// Errors a user can cause say what to do: an unknown command names the nearest ones and where
// the list is; a look-only command abandoned in its question says nothing of changes; "no such
// host" is a failure (exit status 1) for every command that takes a host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../src/appliance/registry.js';
import { nearCommands, unknownCommandLine } from '../../src/appliance/kit/unknown-command.js';
import { batch, oneLine, startCliEngine } from './cli-harness.js';

test('unknown command: the appliance words first, then the nearest commands and where the list is', () => {
  assert.equal(unknownCommandLine('bogus', COMMANDS), 'Unknown command: bogus. "help" lists every command.');
  assert.equal(unknownCommandLine('tophost', COMMANDS), 'Unknown command: tophost. Did you mean tophosts? "help" lists every command.');
  assert.deepEqual(nearCommands('showrec', COMMANDS), ['showrecipients']);
  assert.deepEqual(nearCommands('satus', COMMANDS), ['status']);
  assert.deepEqual(nearCommands('rsume', COMMANDS), ['resume']);
});

test('a look-only command left at its question, no such host, an unknown command: one clear line each, the right exit status', async () => {
  const cli = await startCliEngine();
  try {
    const left = await batch(cli.socket, 'hoststatus\n');
    assert.match(left.stdout, /Recipient host:\n\[\]> \n/);
    assert.doesNotMatch(left.stdout, /Changes not recorded/, 'hoststatus changes nothing');
    assert.match(left.stderr, /^hoststatus: end of input in the middle of the dialog$/m);
    const config = await batch(cli.socket, 'bounceconfig\n');
    assert.match(config.stdout, /-- Changes not recorded\./, 'a configuration dialog still says it');

    for (const line of ['hoststatus nowhere.example', 'bouncerecipients host nowhere.example', 'deleterecipients host nowhere.example']) {
      const r = await oneLine(cli.socket, line);
      assert.equal(r.code, 1, `${line}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /No record of (that )?host/);
    }
    const unknown = await oneLine(cli.socket, 'tophost');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Unknown command: tophost\. Did you mean tophosts\? "help" lists every command\.$/m);
  } finally {
    await cli.stop();
  }
});
