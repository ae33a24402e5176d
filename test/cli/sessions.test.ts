// Sessions on the control socket: each connection has its own pending changes, Ctrl-C and
// bad input end only what they should, the socket is private, and a missing engine is clear.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ControlClient, type ShellTerminal } from '../../cli/client.js';
import type { AskParams, AskResult } from '../../src/appliance/control/protocol.js';
import { ControlServer, ControlSocketError } from '../../src/appliance/control/server.js';
import { finished, removeDir, ROOT, tempDir, waitFor } from '../helpers/harness.js';
import { batch, oneLine, shellProcess, startCliEngine, type CliEngine } from './cli-harness.js';

let cli: CliEngine;

before(async () => {
  cli = await startCliEngine();
});

after(async () => {
  await cli.stop();
});

/** A terminal that answers from a list and records the transcript. */
class ScriptedTerminal implements ShellTerminal {
  text = '';
  asked: AskParams[] = [];
  onAsk?: (q: AskParams) => Promise<AskResult> | undefined;
  constructor(public answers: string[] = []) {}
  print(t: string): void {
    this.text += t;
  }
  async ask(q: AskParams): Promise<AskResult> {
    this.asked.push(q);
    const custom = this.onAsk?.(q);
    if (custom) return custom;
    const a = this.answers.shift();
    return a === undefined ? { eof: true } : { answer: a };
  }
}

async function session(answers: string[] = []): Promise<{ client: ControlClient; terminal: ScriptedTerminal }> {
  const terminal = new ScriptedTerminal(answers);
  const client = await ControlClient.connect(cli.socket, terminal);
  await client.hello({ client: 'test' });
  return { client, terminal };
}

test('two sessions at once: pending changes are invisible to the other until commit', async () => {
  const a = await session();
  const b = await session();
  try {
    const made = await a.client.run('bounceconfig new Slow max_retries=5 initial_retry=300 max_retry_timeout=600');
    assert.equal(made.ok, true, a.terminal.text);
    assert.match(a.terminal.text, /Created bounce profile "Slow"\./);

    b.terminal.answers = [''];
    await b.client.run('bounceconfig');
    assert.match(b.terminal.text, /Current bounce profiles:\n1\. Default\n\n/);
    assert.equal(cli.engine.api.config().bounceProfiles.Slow, undefined, 'not in the running configuration');

    a.terminal.text = '';
    await a.client.run('bounceconfig');
    assert.match(a.terminal.text, /1\. Default\n2\. Slow\n/, 'the session sees its own change');

    // B changes Default and commits first; A's commit keeps B's change (replayed, not overwritten).
    assert.equal((await b.client.run('bounceconfig edit Default initial_retry=90; commit "b"')).ok, true, b.terminal.text);
    assert.equal(cli.engine.api.config().bounceProfiles.Default.initial_retry, 90);
    assert.equal((await a.client.run('commit "a"')).ok, true, a.terminal.text);
    assert.deepEqual(cli.engine.api.config().bounceProfiles.Slow, { max_retries: 5, initial_retry: 300, max_retry_timeout: 600 });
    assert.equal(cli.engine.api.config().bounceProfiles.Default.initial_retry, 90);
    assert.deepEqual(
      cli.engine.api
        .config()
        .commits.slice(-2)
        .map((c) => c.comment),
      ['b', 'a'],
    );

    b.terminal.text = '';
    b.terminal.answers = [''];
    await b.client.run('bounceconfig');
    assert.match(b.terminal.text, /1\. Default\n2\. Slow\n/, 'visible to the other session after commit');
  } finally {
    a.client.close();
    b.client.close();
  }
  // Clean up for the tests below.
  assert.equal((await oneLine(cli.socket, 'bounceconfig delete Slow; bounceconfig edit Default initial_retry=60; commit')).code, 0);
});

test('Ctrl-C in the middle of a dialog applies nothing and the session goes on', async () => {
  const { client, terminal } = await session(['new', 'Interrupted', '5']);
  try {
    terminal.onAsk = (q) => {
      if (!/maximum number of seconds a message may stay/.test(q.label)) return undefined;
      client.interrupt();
      return new Promise(() => undefined); // the user never answers; the interrupt wins
    };
    const r = await client.run('bounceconfig');
    assert.equal(r.ok, false);
    assert.match(terminal.text, /-- Changes not recorded\.\n/);
    terminal.onAsk = undefined;
    terminal.text = '';
    await client.run('showchanges');
    assert.match(terminal.text, /^\n\{\}\n/, 'nothing pending: the empty mapping');
  } finally {
    client.close();
  }
});

test('end of input in a dialog applies nothing and fails the batch (exit 1)', async () => {
  const r = await batch(cli.socket, 'bounceconfig\nnew\nHalf\n7\n');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /-- Changes not recorded\.\n/);
  assert.match(r.stderr, /bounceconfig: end of input in the middle of the dialog; nothing was changed/);
  assert.equal(cli.engine.api.config().bounceProfiles.Half, undefined);
});

test('quit ends the session: later lines are not run; with pending changes it asks first', async () => {
  const r = await batch(cli.socket, 'bounceconfig new Q\nquit\nn\nshowchanges\nexit\nyes\nstatus\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Configuration changes entered but not committed\. Exiting will lose changes\.\n\nAre you sure you wish to exit\?\n\[N\]> n\n/);
  assert.match(r.stdout, /\{'standalone': \{'': \{'bounceProfiles\.Q': \{\}\}\}\}/);
  assert.doesNotMatch(r.stdout, /Status as of/);
  assert.equal(cli.engine.api.config().bounceProfiles.Q, undefined);
});

test('completion of command names and their words', async () => {
  const { client } = await session();
  try {
    assert.deepEqual(await client.complete('bou'), ['bounceconfig', 'bouncerecipients']);
    assert.deepEqual(await client.complete('bounceconfig e'), ['edit']);
    assert.deepEqual(await client.complete('tophosts '), ['active', 'connections', 'delivered', 'hard', 'soft']);
    assert.deepEqual(await client.complete('SUSPEND'), ['suspend', 'suspenddel', 'suspendlistener']);
    // The third word: profile names after `bounceconfig edit`, nothing after `status detail`.
    assert.deepEqual(await client.complete('bounceconfig edit D'), ['Default']);
    assert.deepEqual(await client.complete('status detail d'), []);
  } finally {
    client.close();
  }
});

async function rawExchange(payload: string | Buffer): Promise<string> {
  const socket = connect(cli.socket);
  await once(socket, 'connect');
  let got = '';
  socket.on('data', (d) => (got += d));
  socket.on('error', () => undefined);
  socket.write(payload);
  await once(socket, 'close');
  return got;
}

test('a garbage line ends that session with a parse error; the engine and other sessions go on', async () => {
  const other = await session();
  try {
    const reply = JSON.parse(await rawExchange('this is not json\n'));
    assert.deepEqual(reply.error.code, -32700);
    assert.equal(reply.id, null);
    assert.match(reply.error.message, /Parse error/);

    const notRpc = JSON.parse(await rawExchange('{"hello":1}\n'));
    assert.equal(notRpc.error.code, -32600);

    const huge = JSON.parse(await rawExchange(Buffer.alloc(1024 * 1024 + 10, 'x')));
    assert.equal(huge.error.code, -32600);
    assert.match(huge.error.message, /line longer than 1,048,576 bytes/);

    const r = await other.client.run('version');
    assert.equal(r.ok, true);
    assert.equal((await oneLine(cli.socket, 'status')).code, 0);
  } finally {
    other.client.close();
  }
});

test('the socket is mode 0600; a live socket is refused, a stale one replaced', async () => {
  assert.equal((await stat(cli.socket)).mode & 0o777, 0o600);
  await assert.rejects(ControlServer.start(cli.engine.api, cli.socket), ControlSocketError);
  await assert.rejects(ControlServer.start(cli.engine.api, `/tmp/${'x'.repeat(120)}.sock`), /too long for a Unix socket/);

  const dir = await tempDir();
  const stale = path.join(dir, 'stale.sock');
  try {
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await once(child, 'exit');
    assert.ok((await stat(stale)).isSocket(), 'a socket left by a killed process');
    const server = await ControlServer.start(cli.engine.api, stale);
    assert.equal((await stat(stale)).mode & 0o777, 0o600);
    assert.equal((await oneLine(stale, 'version')).code, 0);
    await server.close();
  } finally {
    await removeDir(dir);
  }
});

test('batch mode and -c load neither Ink nor React', async () => {
  const trace = path.join(ROOT, 'test/cli/fixtures/trace-ui-modules.mjs');
  for (const args of [['-c', 'version'], []]) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', trace, path.join(ROOT, 'cli/main.ts'), 'shell', '--socket', cli.socket, ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const done = finished(child);
    child.stdin.end('version\n');
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Current Version/);
    assert.doesNotMatch(r.stderr, /UI MODULE LOADED/);
  }
});

test('no engine: exit 2 with the one-line hint, for -c and for batch', async () => {
  const dir = await tempDir();
  try {
    const socket = path.join(dir, 'esa.sock');
    const hint = `no engine at ${socket}: start one with \`esa start --data-dir ...\`\n`;
    const c = await shellProcess(['--socket', socket, '-c', 'status']);
    assert.equal(c.code, 2);
    assert.equal(c.stderr, hint);
    assert.equal(c.stdout, '');
    const b = await shellProcess(['--data-dir', dir], 'status\n');
    assert.equal(b.code, 2);
    assert.equal(b.stderr, hint);
  } finally {
    await removeDir(dir);
  }
});

test('stopping the control server in the middle of a dialog applies nothing and ends the client', async () => {
  const dir = await tempDir();
  const server = await ControlServer.start(cli.engine.api, path.join(dir, 'second.sock'));
  try {
    const terminal = new ScriptedTerminal(['new', 'Stopped']);
    const client = await ControlClient.connect(server.socketPath, terminal);
    let asked = 0;
    terminal.onAsk = () => (++asked === 3 ? new Promise(() => undefined) : undefined);
    const outcome = client.run('bounceconfig').then(
      () => 'finished',
      (e: Error) => e.message,
    );
    await waitFor(() => asked === 3, 'the third question');
    await server.close();
    assert.equal(await outcome, 'the engine closed the connection');
    assert.match((await client.closed) ?? '', /closed/);
    assert.equal(cli.engine.api.config().bounceProfiles.Stopped, undefined);
  } finally {
    await server.close();
    await removeDir(dir);
  }
});
