// One input model for every front end: a real pexpect client types one long dialog (a MID right
// after showmessage, Enter right after Y to back out of smtproutes and userconfig DELETE, the user
// name right after a blind passphrase, destconfig DELETE, a bounceconfig NEW of defaults,
// showchanges, clearchanges) three ways — every line at once before any prompt appears, each
// line once its prompt is on the screen, and one line every 20 ms whatever the screen shows —
// and the three transcripts must be the same, over a pipe (batch), a pty (the line shell, chosen
// by ESA_SHELL=readline and by the probe a script never answers) and SSH (the line shell on
// ssh -tt, also from a pipe's 0×0 terminal; batch on ssh -T); and the same across them. Also
// where a line ends: a CR then an LF is two at a terminal, one over a pipe.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configCopy, listenerPort, ROOT, sendMail, waitFor } from '../helpers/harness.js';
import { ADMIN_PASSWORD, makeKey, sshArgs, startSshEngine, type SshEngine } from '../ssh/ssh-harness.js';
import { CURSOR_POSITION_REQUEST } from '../../cli/terminal-choice.js';
import { batch } from './cli-harness.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pexpect_typeahead.py');
const hasPexpect = spawnSync('python3', ['-c', 'import pexpect']).status === 0;
const skip = hasPexpect ? false : 'python3 with pexpect is not installed (apt-get install python3-pexpect)';

let e: SshEngine;
let keyFile: string;
let mid = 0;

before(async () => {
  if (skip) return;
  e = await startSshEngine();
  const key = makeKey(e, 'typeahead_key');
  keyFile = key.file;
  const r = await batch(e.cli.socket, `userconfig edit admin key="${key.publicKey}"\ncommit "key"\n`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // One message waits in the queue for a host that is down (showmessage shows it, the same each time).
  const engine = e.cli.engine;
  const next = configCopy(engine);
  next.routes = [{ domain: 'example.com', hosts: [{ host: '127.0.0.1', port: 1 }] }, ...next.routes];
  await engine.api.applyConfig(next);
  await sendMail(listenerPort(engine), { to: 'user@example.com', subject: 'typed ahead' });
  await waitFor(() => engine.api.hostStatus('example.com')?.down === true, 'example.com down');
  await engine.idle();
  mid = engine.api.oldestMessage()!.mid;
});

after(async () => {
  await e?.stop();
});

/** The dialog: every answer, in order (an empty line is Enter: a default, or leaving a menu). */
function dialog(): string[] {
  const defaults = (n: number) => Array.from({ length: n }, () => '');
  return [
    'setttymode 0 1',
    'showmessage',
    String(mid),
    'smtproutes',
    'NEW',
    'typed.example',
    '10.0.0.1',
    'DELETE',
    'typed.example',
    'Y',
    '',
    'userconfig',
    'NEW',
    ADMIN_PASSWORD,
    'typist',
    'Typist Person',
    '3',
    'N',
    'Typ1st#Secret9',
    'Typ1st#Secret9',
    // Deleted again: the user name, the passphrase, Y, and Enter right after it leaves the menu.
    'DELETE',
    'typist',
    ADMIN_PASSWORD,
    'Y',
    '',
    'destconfig new typed.example concurrency=1',
    'destconfig',
    'DELETE',
    'typed.example',
    '',
    'bounceconfig',
    'NEW',
    'Typed',
    // Eleven questions take their defaults, then Enter leaves the menu.
    ...defaults(12),
    'showchanges',
    'clearchanges',
    'Y',
    'quit',
  ];
}

type Mode = 'ahead' | 'wait' | 'delay' | 'raw';

/** Runs the pexpect script; the transcript it read after the first prompt. */
async function drive(mode: Mode, transport: 'tty' | 'pipe', command: string[], env: NodeJS.ProcessEnv = {}, lines = dialog()): Promise<string> {
  return (await driveWhole(mode, transport, command, env, lines)).transcript;
}

/** Runs the pexpect script; what the CLI wrote up to its first prompt (head), and after it (transcript). */
async function driveWhole(
  mode: Mode,
  transport: 'tty' | 'pipe',
  command: string[],
  env: NodeJS.ProcessEnv = {},
  lines = dialog(),
): Promise<{ head: string; transcript: string }> {
  // Asynchronously: the engine and the SSH server are in this process and must keep answering.
  const child = spawn('python3', [SCRIPT, mode, transport, JSON.stringify(lines), ...command], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `${mode} over ${transport}: ${err}${out}`);
  return JSON.parse(out) as { head: string; transcript: string };
}

/** Each front end's transcript (line ends as LF), for the comparison across front ends. */
const seen: { how: string; text: string }[] = [];

/** The three ways give one transcript, and it is the whole dialog's. */
async function sameTranscript(
  transport: 'tty' | 'pipe',
  command: string[],
  env: NodeJS.ProcessEnv = {},
  modes: Mode[] = ['wait', 'ahead', 'delay'],
): Promise<{ head: string; transcript: string }> {
  const [first, ...rest] = modes;
  const whole = await driveWhole(first, transport, command, env);
  const reference = whole.transcript;
  const text = reference.replace(/\r\n/g, '\n');
  assert.match(text, new RegExp(`MID:\\s+${mid}\\n`), 'showmessage answered the MID typed after it');
  assert.match(text, /Are you sure you want to delete the route for typed\.example\?/);
  assert.match(text, /Enter your Passphrase to make changes: \n/, 'the passphrase is asked without [], and not echoed');
  assert.match(text, /2\. typist - Typist Person \(Read-Only Operators\)/, 'the user name typed right after the blind passphrase');
  assert.match(text, /'bounceProfiles\.Typed\.max_retries': 100/, 'showchanges lists the new profile');
  assert.match(text, /Changes cleared:/);
  assert.doesNotMatch(text, /Unknown command|Unknown option/);
  assert.ok(!text.includes(ADMIN_PASSWORD) && !text.includes('Typ1st#Secret9'), 'no passphrase is shown');
  for (const mode of rest) assert.equal(await drive(mode, transport, command, env), reference, `${mode} gives the transcript of ${first} over ${transport}`);
  seen.push({ how: `${transport}: ${path.basename(command[0])} ${env.TERM ?? ''} ${env.ESA_SHELL ?? ''}`, text });
  return whole;
}

const esaShell = () => [process.execPath, '--import', 'tsx', path.join(ROOT, 'cli/main.ts'), 'shell', '--socket', e.cli.socket];

test('over a pipe (batch): typed at once, at each prompt, or with delays, one transcript', { skip }, async () => {
  await sameTranscript('pipe', esaShell());
});

test('in a pty with ESA_SHELL=readline (the line shell): one transcript, CR LF line ends, no escape sequences', { skip }, async () => {
  const { head, transcript: t } = await sameTranscript('tty', esaShell(), { ESA_SHELL: 'readline', TERM: 'xterm-256color' });
  assert.doesNotMatch(head + t, /\x1b/);
  assert.match(t, /\r\nmail\.example\.com> /);
});

test('in a pty with TERM=xterm: a script never answers the probe, so it gets the line shell, the same way', { skip }, async () => {
  const { head, transcript: t } = await sameTranscript('tty', esaShell(), { TERM: 'xterm-256color', ESA_SHELL: '' }, ['ahead', 'wait']);
  assert.ok(head.includes(CURSOR_POSITION_REQUEST), 'the shell asked the terminal where its cursor is');
  assert.doesNotMatch(t, /\x1b/, 'no status bar, no redraws: the line shell');
});

test('over ssh -tt with TERM=dumb (the line shell): one transcript', { skip }, async () => {
  await sameTranscript('tty', ['ssh', ...sshArgs(e, { user: 'admin', keyFile }, ['-tt'])], { TERM: 'dumb' });
});

test('over ssh -tt with TERM=xterm (the probe picks the line shell) and over ssh -T (batch): one transcript each', { skip }, async () => {
  await sameTranscript('tty', ['ssh', ...sshArgs(e, { user: 'admin', keyFile }, ['-tt'])], { TERM: 'xterm-256color' }, ['ahead', 'wait']);
  await sameTranscript('pipe', ['ssh', ...sshArgs(e, { user: 'admin', keyFile }, ['-T'])], {}, ['ahead', 'wait']);
});

test('ssh -tt from a pipe (its client never read a screen size: 0×0) with TERM=xterm: the line shell at once, no probe', { skip }, async () => {
  const { head, transcript } = await sameTranscript('pipe', ['ssh', ...sshArgs(e, { user: 'admin', keyFile }, ['-tt'])], { TERM: 'xterm-256color' }, ['ahead']);
  assert.doesNotMatch(head + transcript, /\x1b/, 'no cursor position request, no escape sequence at all');
  assert.match(transcript, /\r\nmail\.example\.com> /, 'a terminal: CR LF line ends');
});

test('the pipe, the pty and SSH give one transcript (a terminal ends its lines with CR LF)', { skip }, () => {
  assert.equal(seen.length, 7, 'every front end above ran');
  for (const { how, text } of seen.slice(1)) assert.equal(text, seen[0].text, `${how} gives the transcript of ${seen[0].how}`);
});

test('a CR, then an LF 20 ms later: two line ends at a terminal (pty and SSH), one over a pipe', { skip }, async () => {
  // At a terminal the LF is the next (empty) answer: it leaves the bounceconfig menu.
  const atTerminal = ['bounceconfig\r', '\n', 'quit\r'];
  const pty = await drive('raw', 'tty', esaShell(), { ESA_SHELL: 'readline', TERM: 'xterm-256color' }, atTerminal);
  const ssh = await drive('raw', 'tty', ['ssh', ...sshArgs(e, { user: 'admin', keyFile }, ['-tt'])], { TERM: 'dumb' }, atTerminal);
  // Over a pipe the same CR LF is one line end: leaving the menu takes a line of its own.
  const pipe = await drive('raw', 'pipe', esaShell(), {}, ['bounceconfig\r', '\n', '\r\n', 'quit\r\n']);
  const text = pipe.replace(/\r\n/g, '\n');
  assert.match(text, /Choose the operation you want to perform:\n(- .*\n)+\[\]> \n\nmail\.example\.com> quit\n/);
  assert.doesNotMatch(text, /Unknown/);
  assert.equal(pty.replace(/\r\n/g, '\n'), text, 'the pty gives the transcript of the pipe');
  assert.equal(ssh.replace(/\r\n/g, '\n'), text, 'SSH gives the transcript of the pipe');
});
