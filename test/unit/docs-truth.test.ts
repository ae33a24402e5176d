// What the docs say of the product stays true: the look-only roles' command list (commands.md,
// ssh.md) is the registry's, and no page cites a file outside the repository.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { APPLIANCE_COMMANDS } from '../../src/appliance/registry.js';
import { ROOT } from '../helpers/harness.js';

const names = (text: string) => [...text.matchAll(/`([a-z]+)`/g)].map((m) => m[1]).sort();

test("docs: the look-only roles' command list in commands.md and ssh.md is every command whose access is look", async () => {
  const looks = APPLIANCE_COMMANDS.filter((c) => c.access === 'look')
    .map((c) => c.name)
    .sort();
  const commands = (await readFile(path.join(ROOT, 'docs/commands.md'), 'utf8')).replace(/\n/g, ' ');
  const inCommands = /Help Desk Users only look \(([^)]*)\)/.exec(commands);
  assert.ok(inCommands, 'commands.md lists them');
  assert.deepEqual(names(inCommands[1]), looks);
  const ssh = await readFile(path.join(ROOT, 'docs/ssh.md'), 'utf8');
  const inSsh = /^\| Read-Only Operators, Guests, Help Desk Users \| look only: (.*) \|$/m.exec(ssh);
  assert.ok(inSsh, 'ssh.md lists them');
  assert.deepEqual(names(inSsh[1]), looks);
});

test('docs: no page cites a file outside the repository', async () => {
  const { readdir } = await import('node:fs/promises');
  const pages = ['README.md', ...(await readdir(path.join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  for (const page of pages) {
    const text = await readFile(path.join(ROOT, page), 'utf8');
    assert.doesNotMatch(text, /\.\.\/shared\//, page);
  }
});
