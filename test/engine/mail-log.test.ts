// The mail log on disk: lines appended through one open file, rotated by size, none lost.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { SimClock } from '../../src/engine/clock.js';
import { MailLog } from '../../src/engine/log/mail-log.js';
import { removeDir, tempDir } from '../helpers/harness.js';

test('rotation by size keeps every line, in order, across the files', async () => {
  const dir = await tempDir();
  const log = new MailLog({ dir: path.join(dir, 'logs'), clock: new SimClock({ scale: 0, start: Date.UTC(2026, 10, 28) }), rotateBytes: 400, keep: 20 });
  try {
    await log.open();
    for (let i = 0; i < 40; i++) {
      log.info(`event ${i}`);
      if (i % 4 === 3) await log.flush();
    }
    await log.close();
    const names = (await readdir(path.join(dir, 'logs'))).sort();
    assert.ok(names.length > 3, names.join(' '));
    // mail_logs.N is the oldest: read from the highest number down to mail_logs itself.
    const ordered = names.sort((a, b) => Number(b.split('.')[1] ?? 0) - Number(a.split('.')[1] ?? 0));
    let text = '';
    for (const name of ordered) text += await readFile(path.join(dir, 'logs', name), 'utf8');
    assert.deepEqual(
      [...text.matchAll(/Info: event (\d+)$/gm)].map((m) => Number(m[1])),
      Array.from({ length: 40 }, (_, i) => i),
    );
  } finally {
    await removeDir(dir);
  }
});
