// The interactive shell (readline front end) in a real pseudo-terminal: prompt, Tab
// completion, Ctrl-C aborting a dialog without quitting, Ctrl-D leaving.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pty from 'node-pty';
import { ROOT, waitFor } from '../helpers/harness.js';
import { startCliEngine, type CliEngine } from './cli-harness.js';

let cli: CliEngine;

before(async () => {
  cli = await startCliEngine();
});

after(async () => {
  await cli.stop();
});

test('readline shell: completion, Ctrl-C in a dialog, Ctrl-D to leave', async () => {
  const term = pty.spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/main.ts'), 'shell', '--socket', cli.socket], {
    cwd: ROOT,
    cols: 120,
    rows: 40,
    env: { ...process.env, CI: 'false', ESA_SHELL: 'readline' } as Record<string, string>,
  });
  let screen = '';
  // Plain text: cursor movements and erases removed.
  term.onData((d) => (screen += d.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '')));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  const seen = async (re: RegExp, what: string) => {
    await waitFor(() => re.test(screen), what, 15_000).catch((e: Error) => {
      throw new Error(`${e.message}; the screen ends with ${JSON.stringify(screen.slice(-300))}`);
    });
  };
  try {
    await seen(/mail\.example\.com> $/, 'the prompt');
    term.write('vers\t');
    await seen(/version/, 'completion of "vers"');
    term.write('\r');
    await seen(/Current Version/, 'version output');

    screen = '';
    term.write('bounceconfig\r');
    await seen(/\[\]> $/, 'the menu');
    term.write('new\r');
    await seen(/Please create a name for the profile:\n\[\]> $/, 'the name question');
    term.write('\x03');
    await seen(/-- Changes not recorded\./, 'the abort message');
    await seen(/mail\.example\.com> $/, 'the prompt after Ctrl-C');

    screen = '';
    term.write('showchanges\r');
    await seen(/No changes have been made\./, 'nothing pending after the abort');
    await seen(/mail\.example\.com> $/, 'the prompt');
    term.write('\x03');
    await seen(/\^C/, 'Ctrl-C at the prompt');
    term.write('\x04');
    assert.equal(await exited, 0);
  } finally {
    term.kill();
  }
});
