// The Ink shell end to end, in a real pseudo-terminal read through a headless xterm: a whole
// bounceconfig dialog typed key by key, Ctrl-C in a dialog, history across restarts, Tab,
// the status bar following the backend, resizing, and the same transcript as batch mode.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BackendServer } from '../../src/sandbox/backend.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { listenerPort, ROOT, sendMail, startBackend } from '../helpers/harness.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { PROMPT, shellIn, type ShellTerminal } from './terminal.js';

let cli: CliEngine;
let backend: BackendServer;
const open: ShellTerminal[] = [];

before(async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
});

after(async () => {
  for (const t of open) t.kill();
  await cli.stop();
  await backend.stop();
});

function shell(o: Parameters<typeof shellIn>[1] = {}): ShellTerminal {
  const t = shellIn(cli.socket, o);
  open.push(t);
  return t;
}

/** The prompt line shows `re` (trailing spaces removed). */
const atPrompt = (t: ShellTerminal, re: RegExp, what = String(re)) => t.until(what, (x) => re.test(x.promptLine()));

const PAGER = '-Press Any Key For More-';

/** Presses a key at each pager stop (long output such as status pages) until `done` holds. */
async function pageUntil(t: ShellTerminal, what: string, done: (x: ShellTerminal) => boolean): Promise<void> {
  for (;;) {
    await t.until(what, (x) => done(x) || x.promptLine() === PAGER);
    if (done(t)) return;
    const before = t.screen().join('\n');
    t.write(' ');
    await t.until('the next screenful', (x) => x.screen().join('\n') !== before);
  }
}

async function quit(t: ShellTerminal): Promise<number> {
  await atPrompt(t, PROMPT, 'the main prompt');
  t.write('\x04');
  return t.exited;
}

// The NEW dialog of cli-commands.md, with one refused answer on the way.
const DIALOG: [RegExp, string][] = [
  [/^\[\]>$/, 'new'],
  [/^\[\]>$/, 'Typed'],
  [/^\[100\]>$/, 'ten'],
  [/^\[100\]>$/, '7'],
  [/^\[259200\]>$/, '86400'],
  [/^\[60\]>$/, ''],
  [/^\[3600\]>$/, '7200'],
  [/^\[Y\]>$/, 'y'],
  [/^\[Y\]>$/, 'y'],
  [/^\[Delivery Status Notification \(Failure\)\]>$/, ''],
  [/^\[N\]>$/, 'n'],
  [/^\[N\]>$/, 'n'],
  [/^\[N\]>$/, 'n'],
  [/^\[N\]>$/, 'n'], // signed bounces?
  [/^\[\]>$/, ''],
];

test('a whole bounceconfig NEW dialog typed key by key, then committed: another session sees the profile', async () => {
  const t = shell();
  await atPrompt(t, PROMPT, 'the main prompt');
  await t.type('bounceconfig\r');
  for (const [prompt, answer] of DIALOG) {
    await atPrompt(t, prompt, `the prompt ${prompt} before answering "${answer}"`);
    await t.type(`${answer}\r`);
  }
  await atPrompt(t, PROMPT, 'the main prompt after the dialog');
  await t.type('commit\r');
  await atPrompt(t, /^\[\]>$/, 'the comment question');
  await t.type('typed in the Ink shell\r');
  await atPrompt(t, /^\[Y\]>$/, 'the rollback question');
  await t.type('\r');
  await t.untilLine(/^Changes committed: /);
  assert.ok(cli.engine.api.config().bounceProfiles.Typed, 'the engine has the profile');
  assert.equal(cli.engine.api.config().bounceProfiles.Typed.max_retries, 7);
  const other = await batch(cli.socket, 'bounceconfig\n\n');
  assert.match(other.stdout, /^2\. Typed$/m);
  // Errors in red, defaults in cyan, the prompt in green (xterm palette 1, 6, 2).
  assert.equal(t.colourOf('Value must be an integer from 0 to 10,000.'), 1);
  assert.equal(t.colourOf('259200'), 6);
  assert.equal(t.colourOf('mail.example.com>'), 2);
  assert.equal(await quit(t), 0);
});

test('Ctrl-C in the middle of a dialog leaves nothing pending and returns to the prompt', async () => {
  const t = shell();
  await atPrompt(t, PROMPT);
  await t.type('bounceconfig\r');
  await atPrompt(t, /^\[\]>$/, 'the menu');
  await t.type('new\rHalfDone\r5\r');
  await atPrompt(t, /^\[259200\]>$/, 'the lifetime question');
  await t.type('999');
  t.write('\x03');
  await t.untilLine(/^-- Changes not recorded\.$/);
  await atPrompt(t, PROMPT, 'the prompt after Ctrl-C');
  await t.type('showchanges\r');
  await t.untilLine(/^\{\}$/);
  assert.ok(t.lines().includes('[259200]> 999^C'));
  assert.equal(cli.engine.api.config().bounceProfiles.HalfDone, undefined);
  // Ctrl-C at the prompt never kills the shell.
  await atPrompt(t, PROMPT);
  t.write('\x03');
  await t.untilLine(/Ctrl-D/);
  await t.type('version\r');
  await t.untilLine(/^Current Version$/);
  assert.equal(await quit(t), 0);
});

test('↑ recalls the last command after the shell is restarted; Tab completes suspendl', async () => {
  const first = shell();
  await atPrompt(first, PROMPT);
  await first.type('status\r');
  await first.untilLine(/^System status:/);
  await pageUntil(first, 'the end of status', (x) => PROMPT.test(x.promptLine()));
  assert.equal(await quit(first), 0);
  assert.ok(existsSync(path.join(cli.engine.api.dataDir, 'history')), 'the history file is in the data dir');

  const second = shell();
  await atPrompt(second, PROMPT);
  second.write('\x1b[A');
  await atPrompt(second, /^mail\.example\.com> status$/, '↑ to recall "status"');
  second.write('\x15');
  await second.type('suspendl');
  second.write('\t');
  await atPrompt(second, /^mail\.example\.com> suspendlistener$/, 'Tab to complete suspendlistener');
  second.write('\x15');
  assert.equal(await quit(second), 0);
});

test('the status bar shows the backend down within a second, then the host down as mail fails', async (ctx) => {
  // A sandbox is given to the engine when it starts: this test has an engine of its own.
  const sandboxed = await startCliEngine({ backendPort: backend.port, sandbox: new Sandbox(backend) });
  try {
    const t = shellIn(sandboxed.socket, { cols: 120 });
    open.push(t);
    const bar = () =>
      t
        .screen()
        .filter((l) => l.includes('│'))
        .at(-1) ?? '';
    await t.until('the status bar', () => /Backend up/.test(bar()));
    assert.match(bar(), /Listeners receiving|Recv on/);
    const downAt = Date.now();
    await backend.setMode('down');
    // Pushed every half second; how soon is a figure to report, not a limit to test (a loaded machine is slower).
    await t.until('Backend down in the status bar', () => /Backend down/.test(bar()));
    ctx.diagnostic(`the status bar showed the backend down after ${Date.now() - downAt} ms`);

    assert.match(bar(), /(Hosts down|Down) 0/);
    await sendMail(listenerPort(sandboxed.engine), { to: 'someone@example.com' });
    await t.until('a host down in the status bar', () => /(Hosts down|Down) 1/.test(bar()));
    assert.match(bar(), /Active( recipients)? 1/);
    await backend.setMode('up');
    assert.equal(await quit(t), 0);
  } finally {
    await sandboxed.stop();
    await backend.setMode('up');
  }
});

test('in 80 columns and after a resize to 60, the prompt and a fitting status bar stay', async () => {
  const t = shell({ cols: 80, rows: 24 });
  await atPrompt(t, PROMPT);
  const bar = () =>
    t
      .screen()
      .filter((l) => l.includes('│'))
      .at(-1) ?? '';
  await t.until('the status bar', () => bar() !== '');
  assert.ok(bar().length <= 80, bar());
  t.proc.resize(60, 24);
  t.term.resize(60, 24);
  await t.until('a narrower status bar', () => bar() !== '' && bar().length <= 60 && /Recv on/.test(bar()));
  await t.type('version\r');
  await t.untilLine(/^Current Version$/);
  await atPrompt(t, PROMPT);
  assert.equal(await quit(t), 0);
});

const SCRIPT = [
  'version',
  'frobnicate',
  'bounceconfig',
  'CREATE',
  'new',
  '',
  'Scripted',
  '-1',
  '5',
  '86400',
  '600',
  '300',
  '3600',
  'maybe',
  'y',
  'n',
  'Mail to you failed',
  'y',
  '',
  '3600',
  '0',
  '3',
  'y',
  'not-an-address',
  'postmaster@example.com',
  '',
  '',
  'showchanges',
  'commit',
  'scripted',
  'y',
  'commitdetail',
  'suspendlistener',
  '',
  '0',
  'status',
  'resume',
];

/** Dates and the engine's uptime differ between two engines; the rest must not. */
const masked = (lines: string[]) =>
  lines.map((l) =>
    l
      .replace(/\b(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \w{3} \d\d \d\d:\d\d:\d\d \d{4}\b/g, '<date>')
      .replace(/\(\d+d? ?[\dhms ]*\)/g, '(<uptime>)')
      // status's System gauges are measured from the machine at each run.
      .replace(/^(\s+(?:RAM Utilization|Overall CPU load average|Disk I\/O Utilization|Logging Disk Usage|Logging Disk Available))\s+\S+$/, '$1 <measured>')
      // Each engine (data dir) has its own serial number.
      .replace(/^(Serial #:\s+)\S+$/, '$1<serial>')
      .trimEnd(),
  );

/** Runs SCRIPT through batch mode and through the Ink shell (`enter` feeds it), on two fresh engines. */
async function bothWays(enter: (t: ShellTerminal) => Promise<void>): Promise<void> {
  const forBatch = await startCliEngine({ backendPort: backend.port });
  const forInk = await startCliEngine({ backendPort: backend.port });
  try {
    const viaBatch = await batch(forBatch.socket, `${SCRIPT.join('\n')}\n`);
    // Batch mode may write the next prompt before it finds the end of its input: not a line of the script.
    const batchLines = masked(
      viaBatch.stdout
        .replace(/\n$/, '')
        .replace(/\nmail\.example\.com> ?$/, '')
        .split('\n'),
    );

    const t = shellIn(forInk.socket, { cols: 200, rows: 50 });
    open.push(t);
    await atPrompt(t, PROMPT);
    await enter(t);
    // status pages (any key goes on; the pager's line does not stay in the transcript).
    await pageUntil(t, 'the script to finish', (x) => x.lines().some((l) => l === 'Receiving resumed for IncomingMail.') && PROMPT.test(x.promptLine()));
    const all = t.lines();
    const lastPrompt = all.map((l) => l.trimEnd()).lastIndexOf('mail.example.com>');
    const inkLines = masked(all.slice(0, lastPrompt));
    assert.deepEqual(inkLines, batchLines);
    assert.ok(inkLines.length > 100);
    assert.equal(await quit(t), 0);
  } finally {
    await forBatch.stop();
    await forInk.stop();
  }
}

test('the same input through the Ink shell (pasted at once) and through batch mode gives the same transcript', async () => {
  await bothWays(async (t) => t.write(`${SCRIPT.join('\r')}\r`));
});

test('the same input typed line by line at each prompt gives the same transcript as batch mode', async () => {
  // A bare prompt: the main prompt or a question's, nothing typed yet.
  const bare = /^(mail\.example\.com|\[[^\]]*\])>$/;
  await bothWays(async (t) => {
    for (const line of SCRIPT) {
      await pageUntil(t, 'a prompt', (x) => bare.test(x.promptLine()));
      await t.type(`${line}\r`, 2);
    }
  });
});

test('when Ink cannot load, the readline loop takes over the session', async () => {
  const t = shell({
    command: {
      file: process.execPath,
      args: ['--import', 'tsx', '--import', path.join(ROOT, 'test/shell/fixtures/register-break-ink.mjs'), path.join(ROOT, 'cli/main.ts')],
    },
  });
  await t.untilLine(/could not load .*using the plain line shell/);
  await t.untilLine(/^mail\.example\.com>$/, 'the readline prompt');
  await t.type('version\r');
  await t.untilLine(/^Current Version$/);
  t.write('\x04');
  assert.equal(await t.exited, 0);
});

test('the built shell (bin/esa.js, Ink bundled by the build) runs a command and leaves', async (ctx) => {
  if (!existsSync(path.join(ROOT, 'dist/cli/ink/screen.bundle.js'))) {
    ctx.skip('not built: run npm run build (npm ci does)');
    return;
  }
  const t = shell({ command: { file: process.execPath, args: [path.join(ROOT, 'bin/esa.js')] } });
  await atPrompt(t, PROMPT);
  await t.type('version\r');
  await t.untilLine(/^Product:\s+esa-sim/);
  assert.equal(await quit(t), 0);
});
