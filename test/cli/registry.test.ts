// Every command is registered once, documented in the shell (summary, help with its batch
// form) and in docs/commands.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../src/appliance/registry.js';
import { ROOT } from '../helpers/harness.js';

test('every command has a one-line summary and a help page with its batch form', () => {
  for (const c of COMMANDS.list) {
    assert.match(c.name, /^[a-z]+$/);
    assert.ok(c.summary && !c.summary.includes('\n'), c.name);
    assert.ok(c.help.startsWith(`${c.name} - `), c.name);
    assert.match(c.help, /\nBatch:/, `${c.name}: batch syntax in help`);
  }
});

test('names and aliases are found in any case', () => {
  assert.equal(COMMANDS.find('BounceConfig')?.name, 'bounceconfig');
  assert.equal(COMMANDS.find('clear')?.name, 'clearchanges');
  assert.equal(COMMANDS.find('EXIT')?.name, 'quit');
  assert.equal(COMMANDS.find('nope'), undefined);
});

test('docs/commands.md has a section for every command', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/commands.md'), 'utf8');
  for (const c of COMMANDS.list) assert.match(doc, new RegExp(`^## ${c.name}\\b`, 'm'), c.name);
});
