// The SSH front end in a real terminal: `ssh -tt` in a pseudo-terminal (node-pty) read through
// a headless xterm. The Ink shell for a human terminal (window size and changes, Ctrl-C aborts
// a dialog), and the plain line mode for TERM=dumb driven prompt by prompt, as pexpect would.
// Ink runs in this process (the engine's): it must not believe it runs in CI.
process.env.CI = 'false';

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ShellTerminal } from '../shell/terminal.js';
import { ADMIN_PASSWORD, answerDefaults, Expect, sshArgs, sshEnv, startSshEngine, type SshEngine } from './ssh-harness.js';

let e: SshEngine;

before(async () => {
  e = await startSshEngine();
});

after(async () => {
  await e.stop();
});

function sshTerminal(term: string, cols = 100): ShellTerminal {
  const login = { user: 'admin', password: ADMIN_PASSWORD };
  const env = sshEnv(e, login) as Record<string, string>;
  // node-pty sets TERM to its terminal name: `env` puts the wanted one back for ssh to send.
  return new ShellTerminal(sshArgs(e, login, ['-tt']), { command: { file: 'env', args: [`TERM=${term}`, 'ssh'] }, cols, rows: 30, env });
}

test('ssh -tt on a terminal gets the Ink shell: prompt, window changes followed, Ctrl-C abandons a dialog', async () => {
  const started = performance.now();
  const t = sshTerminal('xterm-256color');
  try {
    await t.until('the prompt', (s) => s.promptLine() === 'mail.example.com>');
    const toPrompt = performance.now() - started;
    await t.untilLine(/Listeners receiving/, 'the long status bar at 100 columns');
    process.stderr.write(`# ssh start to the Ink prompt: ${Math.round(toPrompt)} ms\n`);
    t.proc.resize(50, 30);
    await t.untilLine(/Recv on/, 'the short status bar after the window shrank');
    await t.type('bounceconfig\r');
    await t.untilLine(/Choose the operation you want to perform:/);
    t.write('\x03');
    await t.untilLine(/-- Changes not recorded\./);
    await t.until('the prompt again', (s) => s.promptLine() === 'mail.example.com>');
    await t.type('quit\r');
    assert.equal(await t.exited, 0);
  } finally {
    t.kill();
  }
});

test('ssh -tt with TERM=dumb gets the plain line mode: a bounceconfig dialog typed prompt by prompt', async () => {
  const started = performance.now();
  const t = sshTerminal('dumb');
  const x = new Expect((d) => t.write(d));
  t.proc.onData((d) => x.feed(d));
  try {
    await x.expect('mail.example.com> ');
    process.stderr.write(`# ssh start to the line-mode prompt: ${Math.round(performance.now() - started)} ms\n`);
    x.send('setttymode 0 1', '\r');
    await x.expect('mail.example.com> ');
    x.send('bounceconfig', '\r');
    await x.expect(/\[\]> /, 'the operation menu');
    x.send('NEW', '\r');
    await x.expect(/\]> /, 'the name question');
    x.send('Dumb', '\r');
    await answerDefaults(x, '\r');
    x.send('commit "line mode"', '\r');
    await answerDefaults(x, '\r');
    assert.ok(e.cli.engine.api.config().bounceProfiles.Dumb, 'the profile is committed');
    // No escape sequences: a dumb terminal gets plain text, CRLF line ends.
    assert.doesNotMatch(x.text, /\x1b\[/);
    assert.match(x.text, /\r\nmail\.example\.com> /);
    // Ctrl-C in a dialog abandons it.
    x.send('bounceconfig', '\r');
    await x.expect(/\[\]> /);
    t.write('\x03');
    await x.expect('-- Changes not recorded.');
    await x.expect('mail.example.com> ');
    x.send('quit', '\r');
    assert.equal(await t.exited, 0);
  } finally {
    t.kill();
  }
});

test('passphrases are typed blind over SSH: the Ink shell and the line mode show the prompts, never what is typed', async () => {
  const NEW = 'Bl1nd#Typed9q';
  // The Ink shell: nothing of the passphrase on the screen or in the bytes sent, while it is typed or after.
  const t = sshTerminal('xterm-256color');
  try {
    await t.until('the prompt', (s) => s.promptLine() === 'mail.example.com>');
    await t.type('passwd\r');
    await t.untilLine(/Old passphrase:/);
    await t.type(ADMIN_PASSWORD.slice(0, 5));
    await t.until('the prompt line after typing part of it', (s) => s.promptLine() === '[]>');
    await t.type(`${ADMIN_PASSWORD.slice(5)}\r`);
    await t.untilLine(/Do you want to get a system generated passphrase\?/);
    await t.type('N\r');
    await t.untilLine(/New Passphrase:/);
    await t.type(`${NEW}\r`);
    await t.untilLine(/Please enter the new passphrase again:/);
    await t.type(`${NEW}\r`);
    await t.until('the main prompt', (s) => s.promptLine() === 'mail.example.com>');
    await t.type('clearchanges yes\r');
    await t.untilLine(/Changes cleared:/);
    for (const secret of [ADMIN_PASSWORD, NEW, ADMIN_PASSWORD.slice(0, 5)]) {
      assert.ok(!t.raw.includes(secret), `${secret} never sent to the terminal`);
    }
    await t.type('quit\r');
    assert.equal(await t.exited, 0);
  } finally {
    t.kill();
  }
  // The line mode (TERM=dumb): the line discipline does not echo while a passphrase is asked.
  const d = sshTerminal('dumb');
  const x = new Expect((data) => d.write(data));
  d.proc.onData((data) => x.feed(data));
  try {
    await x.expect('mail.example.com> ');
    x.send('passwd', '\r');
    await x.expect(/Old passphrase:\r\n\[\]> /);
    x.send(ADMIN_PASSWORD, '\r');
    await x.expect(/\[N\]> /, 'the system generated question');
    x.send('N', '\r');
    await x.expect(/New Passphrase:\r\n\[\]> /);
    x.send(NEW, '\r');
    await x.expect(/again:\r\n\[\]> /);
    x.send(NEW, '\r');
    await x.expect('mail.example.com> ');
    assert.match(x.text, /Do you want to get a system generated passphrase\?\r\n\[N\]> N\r\n/, 'other answers are echoed');
    for (const secret of [ADMIN_PASSWORD, NEW]) assert.ok(!x.text.includes(secret), `${secret} is not echoed`);
    x.send('clearchanges yes', '\r');
    await x.expect('Changes cleared:');
    await x.expect('mail.example.com> ');
    x.send('quit', '\r');
    assert.equal(await d.exited, 0);
  } finally {
    d.kill();
  }
});
