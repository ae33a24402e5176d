// Per-account lockout besides the per-address one: failed logins spread over many addresses
// (fewer than five from each) still lock the account after five in a row; the right passphrase
// is then refused from any address, over SSH as on the web login, and the client is told why.
// A key login is not refused by the account lock (a guessed passphrase cannot make a signature),
// and a success forgets the failures.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { AuditLog } from '../../src/users/audit-log.js';
import { lockNotice, Logins } from '../../src/users/login.js';
import { ShellTerminal } from '../shell/terminal.js';
import { batch } from '../cli/cli-harness.js';
import { removeDir, tempDir } from '../helpers/harness.js';
import { startGuiEngine, WebClient, type GuiEngine } from '../gui/gui-harness.js';
import { ADMIN_PASSWORD, addUser, makeKey, runSsh, sshArgs, startSshEngine, type SshEngine } from '../ssh/ssh-harness.js';

let own: SshEngine | undefined;
let web: GuiEngine | undefined;
afterEach(async () => {
  await own?.stop();
  own = undefined;
  await web?.stop();
  web = undefined;
});

test('120 guesses over 30 addresses: no address is locked, the account is, after its fifth failure', async () => {
  const dir = await tempDir();
  try {
    let now = 1_000_000;
    const users = [{ name: 'admin', fullName: 'Administrator', role: 'admin' as const, passwordHash: '' }];
    const logins = new Logins(
      () => ({ users }) as never,
      new AuditLog({ dir, now: () => now, warn: () => undefined }),
      () => now,
    );
    let refusedForAccount = 0;
    for (let i = 0; i < 120; i++) {
      const from = `10.0.0.${i % 30}`;
      const r = await logins.password('admin', `guess-${i}`, from, 'SSH');
      assert.equal(r.ok, false);
      if (!r.ok && r.lock?.kind === 'account') refusedForAccount++;
      assert.equal(logins.lockout.locked(from), false, `address ${from} stays under its own limit`);
    }
    assert.equal(refusedForAccount, 115, 'every guess after the fifth is refused before its passphrase is checked');
    const lock = logins.lockFor('Admin', '10.0.0.99');
    assert.equal(lock?.kind, 'account');
    assert.equal(lockNotice(lock!), 'The account admin is locked after too many failed logins: its passphrase logins are refused for 15 more minutes.');
    now += 15 * 60_000;
    assert.equal(logins.lockFor('admin', '10.0.0.99'), undefined, 'the lock runs out');
    await logins.audit.flushed();
    const log = await readFile(path.join(dir, 'authentication'), 'utf8');
    assert.equal(log.match(/The account admin is locked for 15 minutes after 5 consecutive failed logins\./g)?.length, 1);
    assert.match(log, /An authentication attempt by the user admin from 10\.0\.0\.5 was refused: the account is locked\./);
  } finally {
    await removeDir(dir);
  }
});

test(
  'over SSH: five failures from five addresses lock the account; the right passphrase is refused with the reason; a key still logs in',
  { timeout: 300_000 },
  async () => {
    own = await startSshEngine();
    const e = own;
    const key = makeKey(e, 'ops_key');
    await addUser(e, 'ops', 'Operators', { password: 'Op3rat0r#Pass', key: key.publicKey });
    const from = (n: number) => ['-o', `BindAddress=127.0.0.${n}`];
    for (let n = 11; n <= 15; n++) {
      const r = await runSsh(e, { user: 'ops', password: 'Wrong#Pass1' }, { command: 'version', extra: from(n) });
      assert.equal(r.code, 255, r.stderr);
    }
    for (let n = 11; n <= 16; n++) assert.equal(e.cli.control.logins.lockout.locked(`127.0.0.${n}`), false);
    const right = await runSsh(e, { user: 'ops', password: 'Op3rat0r#Pass' }, { command: 'version', extra: from(16) });
    assert.equal(right.code, 255, 'the account is locked');
    // Another user from the same addresses is not affected.
    const admin = await runSsh(e, { user: 'admin', password: ADMIN_PASSWORD }, { command: 'version', extra: from(16) });
    assert.equal(admin.code, 0, admin.stderr);
    // A person's client (keyboard-interactive first, at INFO) is told why.
    const asPeople: Record<string, string> = {
      'PreferredAuthentications=password': 'PreferredAuthentications=keyboard-interactive,password',
      'LogLevel=ERROR': 'LogLevel=INFO',
    };
    const args = sshArgs(e, { user: 'ops' }, from(17)).map((a) => asPeople[a] ?? a);
    const person = new ShellTerminal([...args, 'version'], { command: { file: 'ssh', args: [] }, cols: 160, rows: 24 });
    try {
      await person.untilLine(/The account ops is locked after too many failed logins: its passphrase logins are refused for \d+ more minutes?\./);
    } finally {
      person.kill();
      await person.exited;
    }
    // The key proves itself: the account lock does not refuse it, and its success forgets the failures.
    const byKey = await runSsh(e, { user: 'ops', keyFile: key.file }, { command: 'version', extra: from(18) });
    assert.equal(byKey.code, 0, byKey.stderr);
    const after = await runSsh(e, { user: 'ops', password: 'Op3rat0r#Pass' }, { command: 'version', extra: from(19) });
    assert.equal(after.code, 0, after.stderr);
  },
);

test('the web login shows the account lock, counted with failures elsewhere (the logins are shared)', async () => {
  web = await startGuiEngine();
  const logins = web.cli.control.logins;
  for (let i = 0; i < 5; i++) assert.equal((await logins.password('admin', 'Wrong#Pass1', `10.0.1.${i}`, 'SSH')).ok, false);
  const page = await new WebClient(web.base).login('admin', ADMIN_PASSWORD);
  assert.equal(page.status, 401);
  assert.match(page.text, /The account admin is locked after too many failed logins: its passphrase logins are refused for 15 more minutes\./);
});

test('userconfig POLICY sets how many failures lock an account, or never; committed, it is what the logins count', async () => {
  own = await startSshEngine();
  const e = own;
  const two = await batch(e.cli.socket, 'userconfig policy accountlock=2\ncommit "lock after 2"\n');
  assert.equal(two.code, 0, two.stderr);
  assert.match(two.stdout, /Accounts are locked after 2 consecutive failed logins\./);
  const logins = e.cli.control.logins;
  await logins.password('admin', 'Wrong#1', '10.0.2.1', 'SSH');
  assert.equal(logins.lockFor('admin', '10.0.2.9'), undefined);
  await logins.password('admin', 'Wrong#2', '10.0.2.2', 'SSH');
  assert.equal(logins.lockFor('admin', '10.0.2.9')?.kind, 'account');
  logins.accounts.succeeded('admin');
  const never = await batch(e.cli.socket, 'userconfig policy accountlock=never\ncommit "never"\n');
  assert.equal(never.code, 0, never.stderr);
  for (let i = 0; i < 10; i++) await logins.password('admin', `Wrong#${i}`, `10.0.3.${i}`, 'SSH');
  assert.equal(logins.lockFor('admin', '10.0.3.99'), undefined);
  const bad = await batch(e.cli.socket, 'userconfig policy accountlock=61\n');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^accountlock: /);
});
