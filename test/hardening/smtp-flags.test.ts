// A list flag given more than once combines (`--accept a.com --accept b.com`);
// any other flag given twice is refused with one line, never a stack trace.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { joinListValues, repeatSafe } from '../../cli/repeated-flags.js';
import { finished, removeDir, spawnEsa, tempDir } from '../helpers/harness.js';

test('esa start --accept a.com --accept b.com,c.com accepts all three', async () => {
  const dataDir = await tempDir();
  try {
    const child = spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--accept', 'a.com', '--accept', 'b.com,c.com']);
    const done = finished(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        if (/engine ready/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`esa start exited with ${code}: ${out}`)));
    });
    child.kill('SIGTERM');
    const { code, stderr } = await done;
    assert.equal(code, 0, stderr);
    const config = JSON.parse(await readFile(path.join(dataDir, 'config.json'), 'utf8')) as { config: { listeners: { rat: unknown[] }[] } };
    const rat = JSON.stringify(config.config.listeners[0].rat);
    for (const d of ['a.com', 'b.com', 'c.com']) assert.ok(rat.includes(`"${d}"`), `${d} in ${rat}`);
  } finally {
    await removeDir(dataDir);
  }
});

test('a single-valued flag given twice: one line, exit 2, nothing started', async () => {
  const dataDir = await tempDir();
  try {
    const { code, stdout, stderr } = await finished(spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:1', '--listen', '127.0.0.1:2']));
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, 'esa: --listen was given 2 times ("127.0.0.1:1", "127.0.0.1:2"): give it once (see esa --help)\n');
  } finally {
    await removeDir(dataDir);
  }
});

test('repeatSafe: lists join before their own coerce; others refuse arrays', () => {
  const opts = repeatSafe({ accept: { type: 'string', coerce: (v: string) => v.split(',') }, name: { type: 'string' } }, ['accept']);
  const coerce = (flag: keyof typeof opts) => (opts[flag] as { coerce: (v: unknown) => unknown }).coerce;
  assert.deepEqual(coerce('accept')(['a', 'b,c']), ['a', 'b', 'c']);
  assert.deepEqual(coerce('accept')('a'), ['a']);
  assert.equal(coerce('name')('x'), 'x');
  assert.throws(() => coerce('name')(['x', 'y']), /--name was given 2 times/);
  assert.equal(joinListValues(['a', 'b']), 'a,b');
});
