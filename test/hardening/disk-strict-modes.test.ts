// Strict modes. The engine refuses (one line: the path and the fix, exit 2) a
// data dir that it or a directory above it lets another user change; the CLI sends nothing
// to a control socket that another user could have put in place. Ownership cases need root
// (to make files of another uid) and are skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, readdir, stat } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { startControlServer } from '../../src/appliance/control/server.js';
import { checkSocketPath, unsafeReason, UnsafePathError } from '../../src/platform/strict-modes.js';
import { finished, removeDir, spawnEsa, startEngine, tempDir } from '../helpers/harness.js';

const isRoot = process.geteuid?.() === 0;
const NOBODY = 65534;

test('unsafeReason: owner and write bits, sticky parents (pure)', () => {
  const dir = (uid: number, mode: number) => ({ uid, mode: 0o40000 | mode, isDirectory: true });
  assert.equal(unsafeReason('/d', dir(1000, 0o700), 1000, 'target'), undefined);
  assert.equal(unsafeReason('/d', dir(0, 0o755), 1000, 'parent'), undefined, 'root-owned parents are fine');
  assert.equal(unsafeReason('/tmp', dir(0, 0o1777), 1000, 'parent'), undefined, 'a sticky parent is fine');
  assert.match(unsafeReason('/d', dir(1000, 0o1777), 1000, 'target') ?? '', /writable by other users \(mode 1777\).*chmod go-w \/d/);
  assert.match(unsafeReason('/d', dir(1000, 0o770), 1000, 'parent') ?? '', /writable by its group \(mode 0770\)/);
  assert.match(unsafeReason('/d', dir(2000, 0o700), 1000, 'target') ?? '', /belongs to uid 2000, not to this user \(uid 1000\) or root.*chown 1000 \/d/);
});

test('a world-writable data dir (mkdir -m 777): `esa start` exits 2 with one line naming it and the fix, and writes nothing in it', async () => {
  const parent = await tempDir();
  const dataDir = path.join(parent, 'data');
  try {
    await mkdir(dataDir);
    await chmod(dataDir, 0o777);
    const { code, stderr } = await finished(spawnEsa(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0']));
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.equal(
      stderr.trim(),
      `esa: unsafe data dir: ${dataDir} is writable by other users (mode 0777): another user could replace what is in it; fix with \`chmod go-w ${dataDir}\``,
    );
    assert.deepEqual(await readdir(dataDir), []);
    await chmod(dataDir, 0o700);
    const engine = await startEngine({ dataDir });
    await engine.stop();
  } finally {
    await removeDir(parent);
  }
});

test('a group-writable parent is refused by name; a sticky world-writable parent (like /tmp) is not', async () => {
  const top = await tempDir();
  try {
    const open = path.join(top, 'shared');
    await mkdir(open);
    await chmod(open, 0o775);
    await assert.rejects(startEngine({ dataDir: path.join(open, 'data') }), (e: Error) => {
      assert.ok(e instanceof UnsafePathError);
      assert.equal(
        e.message,
        `unsafe data dir: ${open} is writable by its group (mode 0775): another user could replace what is in it; fix with \`chmod go-w ${open}\``,
      );
      return true;
    });
    assert.deepEqual(await readdir(open), [], 'the data dir was not even created');
    await chmod(open, 0o1777);
    const engine = await startEngine({ dataDir: path.join(open, 'data') });
    await engine.stop();
    assert.equal((await stat(path.join(open, 'data'))).mode & 0o777, 0o700);
  } finally {
    await removeDir(top);
  }
});

test(
  'a data dir, or a queue/ inside it, that belongs to another user is refused',
  { skip: isRoot ? false : 'needs root to make a directory of another uid' },
  async () => {
    const top = await tempDir();
    try {
      const dataDir = path.join(top, 'data');
      await mkdir(dataDir, { mode: 0o700 });
      await chown(dataDir, NOBODY, NOBODY);
      await assert.rejects(startEngine({ dataDir }), new RegExp(`^Error: unsafe data dir: ${dataDir} belongs to uid ${NOBODY}, not to this user`));
      await chown(dataDir, 0, 0);
      await mkdir(path.join(dataDir, 'queue'), { mode: 0o777 });
      await chmod(path.join(dataDir, 'queue'), 0o777);
      await assert.rejects(startEngine({ dataDir }), /queue is writable by other users \(mode 0777\)/);
    } finally {
      await removeDir(top);
    }
  },
);

/** A listener standing where the control socket should be; counts what reaches it. */
async function impostor(socketPath: string): Promise<{ received: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => (bytes += d.length));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    received: () => bytes,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

test(
  'the CLI sends nothing to a socket of another user, or in a directory others can write',
  { skip: isRoot ? false : 'needs root to make a socket of another uid' },
  async () => {
    const top = await tempDir();
    try {
      const sock = path.join(top, 'esa.sock');
      const fake = await impostor(sock);
      try {
        await chown(sock, NOBODY, NOBODY);
        const { code, stderr } = await finished(spawnEsa(['shell', '--socket', sock, '-c', 'commit "secret comment"']));
        assert.equal(code, 2, stderr);
        assert.equal(stderr.trim().split('\n').length, 1, stderr);
        assert.match(stderr, new RegExp(`^esa: refusing to use the control socket: ${sock} belongs to uid ${NOBODY}, not to this user`));
        assert.equal(fake.received(), 0, 'nothing was sent');
      } finally {
        await fake.close();
      }
    } finally {
      await removeDir(top);
    }
  },
);

test("checkSocketPath: a socket in a world-writable (not sticky) directory is refused; the engine's own socket is fine", async () => {
  const top = await tempDir();
  try {
    const open = path.join(top, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const fake = await impostor(path.join(open, 'esa.sock'));
    try {
      assert.match(
        (await checkSocketPath(path.join(open, 'esa.sock'))) ?? '',
        /writable by other users \(mode 0777\).*\(the control socket's directory: nothing was sent\)$/,
      );
      const { code, stderr } = await finished(spawnEsa(['shell', '--socket', path.join(open, 'esa.sock'), '-c', 'status']));
      assert.equal(code, 2, stderr);
      assert.equal(fake.received(), 0);
    } finally {
      await fake.close();
    }
    const engine = await startEngine();
    const control = await startControlServer(engine.api);
    try {
      assert.equal(await checkSocketPath(control.socketPath), undefined);
      const { code, stdout } = await finished(spawnEsa(['shell', '--socket', control.socketPath, '-c', 'status']));
      assert.equal(code, 0);
      assert.match(stdout, /System status:/);
    } finally {
      await control.close();
      await engine.stop();
      await removeDir(engine.api.dataDir);
    }
  } finally {
    await removeDir(top);
  }
});
