// The SSH front end with the real OpenSSH client, non-interactively: exec and piped batch with
// exit statuses, key and password logins, roles, the lockout, the host key across restarts,
// two admins' own pending changes, and a bounceconfig dialog driven prompt by prompt over a pipe.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { newHostKey } from '../../cli/ssh/host-key.js';
import { SshServer } from '../../cli/ssh/ssh-server.js';
import { loadSsh2 } from '../../cli/ssh/ssh2-seam.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { ShellTerminal } from '../shell/terminal.js';
import { ADMIN_PASSWORD, addUser, answerDefaults, Expect, makeKey, runSsh, spawnSsh, sshArgs, startSshEngine, type SshEngine } from './ssh-harness.js';

const RO_PASSWORD = 'R3ad#Only!x';
let e: SshEngine;
let adminKey: string;
let roKey: string;

before(async () => {
  e = await startSshEngine();
  const admin = makeKey(e, 'admin_key');
  const ro = makeKey(e, 'ro_key');
  adminKey = admin.file;
  roKey = ro.file;
  // The built-in admin gets a key too (userconfig edit ... key=).
  const { batch } = await import('../cli/cli-harness.js');
  const r = await batch(e.cli.socket, `userconfig edit admin key="${admin.publicKey}"\ncommit "admin key"\n`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  await addUser(e, 'ro', 'Read-Only Operators', { password: RO_PASSWORD, key: ro.publicKey });
});

after(async () => {
  await e.stop();
});

test('exec runs the line like -c and returns its exit status: 0, then 1 when a command fails', async () => {
  const ok = await runSsh(e, { user: 'admin', keyFile: adminKey }, { command: 'status; tophosts 1' });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /System status:\s+Online/);
  assert.match(ok.stdout, /There are no hosts\./);
  const bad = await runSsh(e, { user: 'admin', keyFile: adminKey }, { command: 'status; frobnicate' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unknown command: frobnicate/);
});

test('a script piped into ssh (no pty) runs as batch: the transcript, and exit 1 when a command failed', async () => {
  const r = await runSsh(e, { user: 'admin', password: ADMIN_PASSWORD }, { input: 'version\nnosuchcommand\n' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^mail\.example\.com> version$/m);
  assert.match(r.stdout, /Current Version/);
  assert.match(r.stdout, /Unknown command: nosuchcommand/);
});

test('an admin commits a bounceconfig change over SSH and the running engine has it', async () => {
  const r = await runSsh(e, { user: 'admin', keyFile: adminKey }, { input: 'bounceconfig edit Default max_retries=7\ncommit "fewer retries"\n' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(e.cli.engine.api.config().bounceProfiles.Default.max_retries, 7);
  await e.cli.control.audit.flushed();
  const log = await readFile(path.join(e.cli.engine.api.dataDir, 'logs', 'cli_logs'), 'utf8');
  assert.match(log, /User admin \(127\.0\.0\.1\) entered 'bounceconfig edit Default max_retries=7'/);
});

test('a Read-Only Operator runs tophosts but is refused bounceconfig and suspendlistener', async () => {
  const look = await runSsh(e, { user: 'ro', keyFile: roKey }, { command: 'tophosts 1' });
  assert.equal(look.code, 0, look.stderr);
  assert.match(look.stdout, /There are no hosts\./);
  for (const command of ['bounceconfig', 'suspendlistener', 'userconfig']) {
    const r = await runSsh(e, { user: 'ro', password: RO_PASSWORD }, { command });
    assert.equal(r.code, 1, command);
    assert.match(r.stdout, new RegExp(ACCESS_REFUSED.replace(/\./g, '\\.')), command);
  }
  assert.deepEqual(e.cli.engine.api.operational().suspendedListeners, []);
});

test('two admins at once each keep their own pending changes', async () => {
  const a = spawnSsh(e, { user: 'admin', keyFile: adminKey });
  const b = spawnSsh(e, { user: 'admin', password: ADMIN_PASSWORD });
  const xa = new Expect((d) => a.stdin!.write(d));
  const xb = new Expect((d) => b.stdin!.write(d));
  a.stdout!.on('data', (d) => xa.feed(String(d)));
  b.stdout!.on('data', (d) => xb.feed(String(d)));
  await xa.expect('mail.example.com> ');
  await xb.expect('mail.example.com> ');
  xa.send('bounceconfig new FromA max_retries=3');
  await xa.expect('mail.example.com> ');
  xb.send('bounceconfig new FromB max_retries=4');
  await xb.expect('mail.example.com> ');
  xa.send('showchanges');
  await xa.expect('mail.example.com> ');
  assert.match(xa.before, /FromA/);
  assert.doesNotMatch(xa.before, /FromB/);
  xb.send('showchanges');
  await xb.expect('mail.example.com> ');
  assert.match(xb.before, /FromB/);
  assert.doesNotMatch(xb.before, /FromA/);
  xa.send('commit "A"');
  await answerDefaults(xa);
  assert.ok(e.cli.engine.api.config().bounceProfiles.FromA);
  assert.equal(e.cli.engine.api.config().bounceProfiles.FromB, undefined, "B's change waits for B's commit");
  a.stdin!.end();
  b.stdin!.end();
  await Promise.all([new Promise((r) => a.on('close', r)), new Promise((r) => b.on('close', r))]);
});

test('over a pipe every prompt comes before its answer is read: a bounceconfig dialog typed prompt by prompt', async () => {
  const child = spawnSsh(e, { user: 'admin', password: ADMIN_PASSWORD });
  const x = new Expect((d) => child.stdin!.write(d));
  child.stdout!.on('data', (d) => x.feed(String(d)));
  // As the appliance's drivers do after login.
  await x.expect('mail.example.com> ');
  x.send('setttymode 0 1');
  await x.expect('mail.example.com> ');
  x.send('bounceconfig');
  await x.expect(/\[\]> /, 'the operation menu');
  assert.match(x.before, /NEW/);
  x.send('NEW');
  await x.expect(/\]> /, 'the name question');
  assert.match(x.before, /name for the profile/);
  x.send('Piped');
  // Every other question: its default, typed once its prompt is there; Enter at the menu leaves.
  const questions = await answerDefaults(x);
  assert.ok(questions >= 5, `${questions} questions answered`);
  x.send('commit "piped dialog"');
  await answerDefaults(x);
  assert.ok(e.cli.engine.api.config().bounceProfiles.Piped, 'the profile is committed');
  child.stdin!.end();
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0, x.text);
});

test('a wrong password is refused; after five failures the address is locked out, even with the right one', async () => {
  const own = await startSshEngine();
  try {
    for (let i = 0; i < 5; i++) {
      const r = await runSsh(own, { user: 'admin', password: 'Wrong#Pass1' }, { command: 'status' });
      assert.equal(r.code, 255, 'refused');
      assert.match(r.stderr, /Permission denied/);
    }
    const sixth = await runSsh(own, { user: 'admin', password: ADMIN_PASSWORD }, { command: 'status' });
    assert.equal(sixth.code, 255, 'locked out');
    // A person's client (at a terminal, keyboard-interactive before password) is told why.
    // (OpenSSH shows the text at its default log level, INFO.)
    const asPeople: Record<string, string> = {
      'PreferredAuthentications=password': 'PreferredAuthentications=keyboard-interactive,password',
      'LogLevel=ERROR': 'LogLevel=INFO',
    };
    const args = sshArgs(own, { user: 'admin' }).map((a) => asPeople[a] ?? a);
    const person = new ShellTerminal([...args, 'status'], { command: { file: 'ssh', args: [] }, cols: 100, rows: 24 });
    try {
      await person.untilLine(/Too many failed logins from 127\.0\.0\.1: logins from this address are refused for \d+ more seconds\./);
    } finally {
      person.kill();
      await person.exited;
    }
    await own.cli.control.audit.flushed();
    const log = await readFile(path.join(own.cli.engine.api.dataDir, 'logs', 'authentication'), 'utf8');
    assert.equal(log.match(/An authentication attempt by the user admin from 127\.0\.0\.1 failed/g)?.length, 5);
    assert.match(log, /The address 127\.0\.0\.1 is locked out for 60 seconds after 5 failed logins\./);
    assert.match(log, /was refused: the address is locked out/);
  } finally {
    await own.stop();
  }
});

test('the host key is made once (0600) and its fingerprint is the same after a restart', async () => {
  const own = await startSshEngine();
  try {
    const first = own.ssh.fingerprint;
    const st = await stat(path.join(own.cli.engine.api.dataDir, 'ssh_host_ed25519_key'));
    assert.equal(st.mode & 0o777, 0o600);
    // The client records the key in its known_hosts...
    const before = await runSsh(own, { user: 'admin', password: ADMIN_PASSWORD }, { command: 'version' });
    assert.equal(before.code, 0, before.stderr);
    await own.ssh.close();
    const again = await SshServer.start({ control: own.cli.control, listen: { host: '127.0.0.1', port: own.port } });
    own.ssh = again;
    assert.equal(again.fingerprint, first);
    // ...and, checking strictly, finds the same key after the restart.
    const r = await runSsh(own, { user: 'admin', password: ADMIN_PASSWORD }, { command: 'version', extra: ['-o', 'StrictHostKeyChecking=yes'] });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await own.stop();
  }
});

test("a new host key is one ssh2 reads back: a generated key its parseKey rejects (ssh2's 1-in-256 bug) is made again", async () => {
  const ssh2 = await loadSsh2();
  // A real key of the kind ssh2 makes about once in 256 (a public key with a leading zero byte).
  let bad: string | undefined;
  for (let i = 0; i < 5_000 && bad === undefined; i++) {
    const key = ssh2.utils.generateKeyPairSync('ed25519', {}).private;
    if (ssh2.utils.parseKey(key) instanceof Error) bad = key;
  }
  assert.ok(bad, 'ssh2 still makes keys it cannot read (if it no longer does, this check can go)');
  let calls = 0;
  const first = {
    utils: {
      ...ssh2.utils,
      generateKeyPairSync: (...a: Parameters<typeof ssh2.utils.generateKeyPairSync>) =>
        calls++ === 0 ? { private: bad!, public: '' } : ssh2.utils.generateKeyPairSync(...a),
    },
  };
  const key = newHostKey(first as typeof ssh2);
  assert.equal(calls, 2);
  assert.notEqual(key, bad);
  assert.ok(!(ssh2.utils.parseKey(key) instanceof Error));
});
