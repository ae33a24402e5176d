// Batch mode and `-c` never load Ink or React: proven by recording every module the `esa shell`
// process loads (a module loader hook), with a control run showing the hook does see Ink.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { finished, removeDir, ROOT, tempDir } from '../helpers/harness.js';
import { startCliEngine, type CliEngine } from '../cli/cli-harness.js';

const HOOK = path.join(ROOT, 'test/shell/fixtures/register-record-loads.mjs');
let cli: CliEngine;
let dir: string;

before(async () => {
  cli = await startCliEngine();
  dir = await tempDir('esa-loads-');
});

after(async () => {
  await cli.stop();
  await removeDir(dir);
});

/** Runs node with the recording hook; returns its output and the packages it loaded. */
async function recorded(name: string, args: string[], input: string) {
  const file = path.join(dir, name);
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', HOOK, ...args], {
    cwd: ROOT,
    env: { ...process.env, ESA_TEST_LOADS_FILE: file },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = finished(child);
  child.stdin?.end(input);
  const result = await done;
  const urls = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  const packages = new Set(urls.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter(Boolean));
  return { ...result, urls, packages };
}

const UI = ['ink', 'react', 'react-reconciler', 'yoga-layout'];

test('esa shell in batch mode (stdin a pipe) loads neither Ink nor React', async () => {
  const r = await recorded('batch', [path.join(ROOT, 'cli/main.ts'), 'shell', '--socket', cli.socket], 'version\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Current Version/);
  assert.ok(
    r.urls.some((u) => u.endsWith('/cli/batch.ts')),
    'the hook saw batch mode load',
  );
  for (const ui of UI) assert.ok(!r.packages.has(ui), `batch mode loaded ${ui}`);
  assert.ok(!r.urls.some((u) => u.includes('/cli/ink/')), 'batch mode loaded the Ink app');
});

test('esa shell -c loads neither Ink nor React', async () => {
  const r = await recorded('command', [path.join(ROOT, 'cli/main.ts'), 'shell', '--socket', cli.socket, '-c', 'version'], '');
  assert.equal(r.code, 0, r.stderr);
  for (const ui of UI) assert.ok(!r.packages.has(ui), `-c loaded ${ui}`);
});

test('esa start loads neither Ink nor React', async () => {
  const file = path.join(dir, 'start');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      HOOK,
      path.join(ROOT, 'cli/main.ts'),
      'start',
      '--data-dir',
      path.join(dir, 'data'),
      '--listen',
      '127.0.0.1:0',
      '--route',
      '127.0.0.1:1',
    ],
    { cwd: ROOT, env: { ...process.env, ESA_TEST_LOADS_FILE: file }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const done = finished(child);
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const look = (d: Buffer) => {
      seen += d;
      if (seen.includes('engine ready')) resolve();
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('close', () => reject(new Error(`esa start ended: ${seen}`)));
  });
  child.kill('SIGTERM');
  await done;
  const urls = (await readFile(file, 'utf8')).split('\n');
  assert.ok(
    urls.some((u) => u.endsWith('/src/engine/engine.ts')),
    'the hook saw the engine load',
  );
  for (const ui of UI) assert.ok(!urls.some((u) => u.includes(`/node_modules/${ui}/`)), `esa start loaded ${ui}`);
});

test('control: the same hook sees Ink and React when the Ink app is loaded', async () => {
  const r = await recorded('ink', ['--input-type=module', '-e', `await import(${JSON.stringify(path.join(ROOT, 'cli/ink/screen.tsx'))})`], '');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.packages.has('ink') && r.packages.has('react'), [...r.packages].join(', '));
});
