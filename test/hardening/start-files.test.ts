// A start on a data dir where a directory sits at a file's name (or a file at a directory's)
// stops with one line that names it: in-process for each entry, and `esa start` (exit 2).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { DataDirLayoutError, pathErrorLine } from '../../src/platform/data-dir-layout.js';
import { finished, removeDir, spawnEsa, startEngine, tempDir } from '../helpers/harness.js';

const cases: { entry: string; make: 'directory' | 'file'; says: RegExp }[] = [
  { entry: 'config.json', make: 'directory', says: /config\.json is a directory, where the engine keeps a file/ },
  { entry: 'esa.lock', make: 'directory', says: /esa\.lock is a directory/ },
  { entry: 'logs/mail_logs', make: 'directory', says: /logs\/mail_logs is a directory/ },
  { entry: 'logs', make: 'file', says: /logs is not a directory, where the engine keeps a directory/ },
  { entry: 'queue', make: 'file', says: /queue is not a directory/ },
  { entry: 'queue/state', make: 'file', says: /queue\/state is not a directory/ },
];

for (const c of cases) {
  test(`${c.entry} as a ${c.make}: the start names it`, async () => {
    const dataDir = await tempDir();
    try {
      const p = path.join(dataDir, c.entry);
      await mkdir(path.dirname(p), { recursive: true });
      if (c.make === 'directory') await mkdir(p);
      else await writeFile(p, '');
      await assert.rejects(startEngine({ dataDir }), (e: Error) => {
        assert.ok(e instanceof DataDirLayoutError, `a refusal of its own, not ${e.message}`);
        assert.ok(e.message.includes(p), `names ${p}: ${e.message}`);
        assert.match(e.message, c.says);
        return true;
      });
    } finally {
      await removeDir(dataDir);
    }
  });
}

test('esa start with config.json a directory: one line naming it, exit status 2', async () => {
  const dataDir = await tempDir();
  try {
    await mkdir(path.join(dataDir, 'config.json'));
    const r = await finished(spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:1']));
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `esa: ${path.join(dataDir, 'config.json')} is a directory, where the engine keeps a file: move it out of the way (or start on another --data-dir)\n`,
    );
  } finally {
    await removeDir(dataDir);
  }
});

test('EISDIR, EEXIST (mkdir) and ENOTDIR met later name their path', () => {
  const err = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall, path: '/d/x' });
  assert.match(pathErrorLine(err('EISDIR', 'open'))!, /^\/d\/x is a directory/);
  assert.match(pathErrorLine(err('EEXIST', 'mkdir'))!, /^\/d\/x is not a directory/);
  assert.match(pathErrorLine(err('ENOTDIR', 'lstat'))!, /^\/d\/x: a part of this path is a file/);
  assert.equal(pathErrorLine(err('EEXIST', 'open')), undefined);
});
