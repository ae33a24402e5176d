// Standard output that cannot be written: `esa start > /dev/full`, `esa start | reader` whose
// reader goes away, `esa shell | head -1`. The engine keeps accepting mail and stops cleanly; the
// shell ends without a stack trace. Real child processes, real pipes and devices.
import assert from 'node:assert/strict';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { finished, removeDir, ROOT, sendMail, spawnEsa, startBackend, tempDir, waitFor } from '../helpers/harness.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { spawn, type ChildProcess } from 'node:child_process';

let backend: BackendServer;

before(async () => {
  backend = await startBackend();
});

after(async () => {
  await backend.stop();
});

/** A port nobody listens on now (for a child whose stdout cannot tell its port). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something greets on the port (polled: the child's stdout is not ours to read). */
function smtpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('220'));
    });
    s.once('error', () => resolve(false));
  });
}

function startChild(dataDir: string, port: number, stdout: 'pipe' | number): ChildProcess {
  const args = ['start', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--route', `127.0.0.1:${backend.port}`];
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', stdout, 'pipe'] });
}

/** SIGTERM, at any point after `esa start` began (its handlers are in place from the start): exit 0 and the queue flushed. */
async function stopsCleanly(child: ChildProcess, dataDir: string): Promise<void> {
  const done = finished(child);
  child.kill('SIGTERM');
  const { code, stderr } = await done;
  assert.equal(code, 0, `a clean stop (stderr: ${stderr})`);
  assert.doesNotMatch(stderr, /EPIPE|ENOSPC|Error|\n\s+at /);
  assert.match(await readFile(path.join(dataDir, 'logs', 'mail_logs'), 'utf8'), /Info: Shutdown: queue state flushed/);
}

test('esa start > /dev/full accepts mail and stops cleanly', async () => {
  const dataDir = await tempDir();
  const port = await freePort();
  const full = openSync('/dev/full', 'w');
  const child = startChild(dataDir, port, full);
  closeSync(full);
  try {
    await waitFor(() => smtpAnswers(port), 'the engine to listen');
    const r = await sendMail(port, { to: 'bob@example.com' });
    assert.match(r.response, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
    await stopsCleanly(child, dataDir);
  } finally {
    child.kill('SIGKILL');
    await removeDir(dataDir);
  }
});

test('esa start | reader: the reader goes away, mail is still accepted and the stop is clean', async () => {
  const dataDir = await tempDir();
  const port = await freePort();
  const child = startChild(dataDir, port, 'pipe');
  try {
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('engine ready')) resolve();
      });
    });
    // The reading end closes: every later write of the engine to its stdout gets EPIPE.
    child.stdout!.destroy();
    for (let i = 0; i < 3; i++) {
      const r = await sendMail(port, { to: 'bob@example.com' });
      assert.match(r.response, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
    }
    await stopsCleanly(child, dataDir);
  } finally {
    child.kill('SIGKILL');
    await removeDir(dataDir);
  }
});

test('esa shell | head -1: the shell ends without a stack trace', async () => {
  let cli: CliEngine | undefined;
  try {
    cli = await startCliEngine();
    const child = spawnEsa(['shell', '--socket', cli.socket], { CI: 'true' });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // `head -1`: one chunk read, then the pipe's reading end is closed.
    child.stdout!.once('data', () => child.stdout!.destroy());
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin!.end('status\n'.repeat(200));
    const code = await exited;
    assert.doesNotMatch(stderr, /EPIPE|\n\s+at |Error/, stderr);
    assert.ok(code === 0 || code === 1, `an exit status of the shell's own (got ${code})`);
  } finally {
    await cli?.stop();
  }
});
