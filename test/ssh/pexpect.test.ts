// The real pexpect (python3-pexpect, installed by .ci/run) drives a bounceconfig dialog over SSH
// prompt by prompt, as network-automation scripts drive the appliance: once in a pty (`ssh -tt`,
// TERM=dumb: the plain line mode) and once over a pipe (no pty: batch that prompts before it reads).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { batch } from '../cli/cli-harness.js';
import { makeKey, sshArgs, startSshEngine, type SshEngine } from './ssh-harness.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pexpect_bounceconfig.py');
const hasPexpect = spawnSync('python3', ['-c', 'import pexpect']).status === 0;
const skip = hasPexpect ? false : 'python3 with pexpect is not installed (apt-get install python3-pexpect)';

let e: SshEngine;
let keyFile: string;

before(async () => {
  if (skip) return;
  e = await startSshEngine();
  const key = makeKey(e, 'pexpect_key');
  keyFile = key.file;
  const r = await batch(e.cli.socket, `userconfig edit admin key="${key.publicKey}"\ncommit "pexpect key"\n`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

after(async () => {
  await e?.stop();
});

async function drive(mode: 'tty' | 'pipe', profile: string): Promise<string> {
  const args = sshArgs(e, { user: 'admin', keyFile }, mode === 'tty' ? ['-tt'] : ['-T']);
  // Run asynchronously: the SSH server is in this process and must keep answering.
  const { spawn } = await import('node:child_process');
  const child = spawn('python3', [SCRIPT, mode, profile, 'ssh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, out);
  return out;
}

test('pexpect over ssh -tt (TERM=dumb): the bounceconfig dialog prompt by prompt, committed', { skip }, async () => {
  const out = await drive('tty', 'ViaPty');
  assert.match(out, /questions answered: (\d+)/);
  assert.ok(Number(/questions answered: (\d+)/.exec(out)![1]) >= 5, out);
  assert.ok(e.cli.engine.api.config().bounceProfiles.ViaPty, 'the profile is in the running configuration');
});

test('pexpect over a pipe (no pty): the same dialog, committed', { skip }, async () => {
  const out = await drive('pipe', 'ViaPipe');
  assert.match(out, /questions answered: \d+/);
  assert.ok(e.cli.engine.api.config().bounceProfiles.ViaPipe, 'the profile is in the running configuration');
});
