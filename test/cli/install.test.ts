// The install story of the README: `npm link` / `npm install -g .` gives an `esa` that runs from
// any directory, and every example in the README and docs/ is written as `esa ...` (never
// `npx esa`, which outside the checkout runs an unrelated npm package).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { removeDir, ROOT, tempDir } from '../helpers/harness.js';

const run = promisify(execFile);

/** The lines of a markdown file's code: indented blocks and fenced blocks. */
function codeLines(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (fenced || line.startsWith('    ')) out.push(line);
  }
  return out;
}

test('README and docs/: every command example is `esa ...`, none `npx esa` or `node bin/esa.js`', async () => {
  const files = ['README.md', ...(await readdir(path.join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const bad: string[] = [];
  for (const file of files) {
    for (const line of codeLines(await readFile(path.join(ROOT, file), 'utf8'))) {
      if (/\bnpx +esa\b|node +bin\/esa\.js/.test(line)) bad.push(`${file}: ${line.trim()}`);
    }
  }
  assert.deepEqual(bad, []);
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /^ {4}npm link\b/m, 'the README says how to put esa on the PATH');
});

test('npm install -g of the checkout (what npm link does) gives an `esa` that runs from another directory', async (ctx) => {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
    ctx.skip('not built: run npm run build (npm ci does)');
    return;
  }
  const prefix = await tempDir('esa-prefix-');
  try {
    // A prefix of its own, nothing fetched, nothing built: the checkout is linked as it is.
    await run('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--offline', '--no-audit', '--no-fund', ROOT], { cwd: prefix });
    const esa = path.join(prefix, 'bin', 'esa');
    assert.ok(existsSync(esa), 'bin/esa in the prefix');
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run(esa, ['--version'], { cwd: prefix });
    assert.equal(stdout.trim(), version);
  } finally {
    await removeDir(prefix);
  }
});
