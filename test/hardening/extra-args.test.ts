// Input the shells used to take without a word: an IP literal that is no address
// (`[1.2.3.4.5]`) as a route's destination, and arguments given to a command that takes none
// (`version <30,000 characters>`). Each is refused with one short line and a non-zero exit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseDestinations } from '../../src/model/route-hosts.js';
import { COMMANDS } from '../../src/appliance/registry.js';
import { oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;
before(async () => {
  cli = await startCliEngine();
});
after(async () => {
  await cli.stop();
});

test('smtproutes new g.example.com [1.2.3.4.5] is refused; a real address and a bracketed name are not', async () => {
  const r = await oneLine(cli.socket, 'smtproutes new g.example.com [1.2.3.4.5]');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Invalid hostname format "[1.2.3.4.5]": an IP address is 4 numbers from 0 to 255 (a.b.c.d).\n');
  assert.ok(!cli.engine.api.config().routes.some((route) => route.domain === 'g.example.com'));
  for (const bad of ['1.2.3', '[10.0.0]', '1.2.3.4.5:2525', '256.1.1.1']) assert.ok('error' in parseDestinations(bad), bad);
  for (const good of ['[1.2.3.4]', '10.0.0.1:2525', '[mx.example.com]', 'mx1.example.com']) assert.ok('value' in parseDestinations(good), good);
});

test('version with 30,000 characters of arguments: one short line, exit status 1', async () => {
  const r = await oneLine(cli.socket, `version ${'A'.repeat(30_000)}`);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Invalid arguments when processing: version: it takes no arguments (1 given).\n');
  assert.ok(!r.stdout.includes('Model'), 'the command did not run');
  const ok = await oneLine(cli.socket, 'version');
  assert.equal(ok.code, 0, ok.stderr);
});

test('every command that takes no arguments refuses them', async () => {
  const none = COMMANDS.list.filter((c) => c.maxArgs === 0).map((c) => c.name);
  assert.ok(none.includes('version') && none.includes('showchanges') && none.includes('quit'), none.join(' '));
  for (const name of none) {
    const r = await oneLine(cli.socket, `${name} extra words`);
    assert.equal(r.code, 1, name);
    assert.equal(r.stderr, `Invalid arguments when processing: ${name}: it takes no arguments (2 given).\n`);
  }
});
