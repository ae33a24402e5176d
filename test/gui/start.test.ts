// Starting the web GUI: `esa start --gui H:P` stores the address (a restart without the flag serves
// it again, `--gui off` removes it), `esa sandbox` serves it and prints the URL, and the sandbox's
// default address gives way to a free port when it is taken.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { startGui } from '../../cli/gui-serve.js';
import { startCliEngine } from '../cli/cli-harness.js';
import { removeDir, spawnEsa, tempDir } from '../helpers/harness.js';

const PASSWORD = 'Adm1n#Secret';
const dirs: string[] = [];

after(async () => {
  for (const d of dirs) await removeDir(d);
});

/** Resolves with the output once `ready` matches it (the child keeps running). */
function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', ready: RegExp): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    child[stream]!.on('data', (d) => {
      text += d;
      if (ready.test(text)) resolve(text);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${ready}: ${text}`)));
  });
}

async function stopped(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const GUI_LINE = /web GUI on (http:\/\/127\.0\.0\.1:\d+)\//;

test('esa start --gui serves the GUI, keeps the address for the next start, and --gui off turns it off', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const args = ['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:1'];
  const first = spawnEsa([...args, '--gui', '127.0.0.1:0'], { ESA_ADMIN_PASSWORD: PASSWORD });
  const out = await waitForOutput(first, 'stdout', /engine ready/);
  const url = GUI_LINE.exec(out)?.[1];
  assert.ok(url, out);
  const login = await fetch(`${url}/login`);
  assert.equal(login.status, 200);
  assert.match(await login.text(), /<title>Welcome/);
  await stopped(first);

  const again = spawnEsa(args);
  assert.match(await waitForOutput(again, 'stdout', /engine ready/), GUI_LINE, 'the stored address is served again');
  await stopped(again);

  const off = spawnEsa([...args, '--gui', 'off']);
  const offOut = await waitForOutput(off, 'stdout', /engine ready/);
  assert.doesNotMatch(offOut, /web GUI on/);
  assert.match(offOut, /--gui off overrides the stored web GUI address 127\.0\.0\.1:0/);
  await stopped(off);
});

test('esa sandbox serves the GUI and prints its URL', async () => {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const child = spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0', '--gui', '127.0.0.1:0'], {
    ESA_ADMIN_PASSWORD: PASSWORD,
    CI: 'true',
  });
  const err = await waitForOutput(child, 'stderr', GUI_LINE);
  const url = GUI_LINE.exec(err)![1];
  const login = await fetch(`${url}/login`);
  assert.equal(login.status, 200);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin!.end('quit\n');
  assert.equal(await exited, 0);
});

test("the sandbox's default address gives way to a free port when it is taken", async () => {
  const cli = await startCliEngine();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  const said: string[] = [];
  try {
    const gui = await startGui(cli.control, { host: '127.0.0.1', port }, (line) => said.push(line), true);
    assert.notEqual(gui.address.port, port);
    assert.match(said.join('\n'), new RegExp(`web GUI on http://127\\.0\\.0\\.1:${gui.address.port}/`));
    await gui.close();
    await assert.rejects(
      startGui(cli.control, { host: '127.0.0.1', port }, () => undefined, false),
      /EADDRINUSE/,
    );
  } finally {
    taken.close();
    await cli.stop();
  }
});
