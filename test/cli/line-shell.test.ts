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
    await waitFor(() => re.test(screen), what).catch((e: Error) => {
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

    // A passphrase is typed blind: not echoed, and not recalled by ↑ afterwards.
    screen = '';
    const SECRET = 'R3adl1ne#Pass';
    term.write('userconfig\r');
    await seen(/\[\]> $/, 'the userconfig menu');
    term.write('new\r');
    await seen(/Enter your Passphrase to make changes: $/, 'the own passphrase question');
    term.write('0ld#Secret1\r');
    await seen(/Enter the new username\.\n\[\]> $/, 'the user name question');
    term.write('rita\r');
    await seen(/Enter the full name for rita\.\n\[\]> $/, 'the full name question');
    term.write('Rita Readline\r');
    await seen(/Assign a role[\s\S]*\]> $/, 'the role question');
    term.write('3\r');
    await seen(/system generated passphrase\?\n\[N\]> $/, 'the system generated question');
    term.write('N\r');
    await seen(/New Passphrase:\n\[\]> $/, 'the new passphrase question');
    term.write(`${SECRET}\r`);
    await seen(/again:\n\[\]> $/, 'the repetition');
    term.write(`${SECRET}\r`);
    await seen(/1\. rita - Rita Readline[\s\S]*\[\]> $/, 'the userconfig menu again, with the new user');
    term.write('\r');
    await seen(/mail\.example\.com> $/, 'the prompt after userconfig');
    for (let i = 0; i < 6; i++) term.write('\x1b[A');
    term.write('\x15clearchanges yes\r');
    await seen(/Changes cleared:/, 'the change cleared');
    await seen(/mail\.example\.com> $/, 'the prompt');
    for (const secret of [SECRET, '0ld#Secret1']) assert.ok(!screen.includes(secret), `${secret} never shown: ${JSON.stringify(screen)}`);

    screen = '';
    term.write('showchanges\r');
    await seen(/showchanges\n\n\{\}\n/, 'nothing pending after the abort');
    await seen(/mail\.example\.com> $/, 'the prompt');
    term.write('\x03');
    await seen(/\^C/, 'Ctrl-C at the prompt');
    term.write('\x04');
    assert.equal(await exited, 0);
  } finally {
    term.kill();
  }
});
