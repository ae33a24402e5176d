// Operator actions leave their mail log lines on disk before they answer, as their state is:
// `deleterecipients` answered, then the engine killed with SIGKILL at once, and every deletion
// is in `mail_logs`. A real `esa start` child and a real `esa shell`.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { removeDir, sendMany, spawnEsa, startEngineChild, tempDir } from '../helpers/harness.js';

test('deleterecipients: killed with SIGKILL right after its answer, every deletion is in mail_logs', async () => {
  const dataDir = await tempDir();
  // Port 1 refuses: the mail stays queued.
  const { child, port } = await startEngineChild(dataDir, 1);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const mids = await sendMany(port, 40, () => ({ to: 'bob@example.com' }), 4);
    const shell = spawnEsa(['shell', '--data-dir', dataDir, '-c', 'deleterecipients all'], { CI: 'true' });
    let answer = '';
    await new Promise<void>((resolve, reject) => {
      shell.stdout!.on('data', (d) => {
        answer += d;
        // The answer is on the screen: the engine dies now, before any timer of its own fires.
        if (/deleted/i.test(answer)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      shell.once('exit', (code) => reject(new Error(`the shell ended (${code}) without an answer: ${answer}`)));
    });
    await exited;
    assert.match(answer, /40 recipients? deleted/i);
    const log = await readFile(path.join(dataDir, 'logs', 'mail_logs'), 'utf8');
    const missing = mids.filter((mid) => !new RegExp(`MID ${mid} RID \\[0\\] deleted by deleterecipients`).test(log));
    assert.deepEqual(missing, [], 'every deletion answered is logged on disk');
  } finally {
    child.kill('SIGKILL');
    await removeDir(dataDir);
  }
});
