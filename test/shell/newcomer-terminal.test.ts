// The interactive shell as a newcomer meets it in an 80×24 terminal (`esa sandbox` in a
// pseudo-terminal read through a headless xterm): long output pages, help fits the width,
// resizing leaves no ghost lines, progress and countdowns are drawn in place, Ctrl-C says what
// it stopped, and the status bar keeps the clock.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { removeDir, tempDir } from '../helpers/harness.js';
import { PROMPT, ShellTerminal } from './terminal.js';

const PAGER = '-Press Any Key For More-';
const open: ShellTerminal[] = [];
const dirs: string[] = [];

after(async () => {
  for (const t of open) {
    t.kill();
    await Promise.race([t.exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
  for (const d of dirs) await removeDir(d);
});

/** `esa sandbox` on a fresh data dir in a terminal of this size, at its prompt. */
async function sandbox(cols = 80, rows = 24): Promise<ShellTerminal> {
  const dataDir = await tempDir('esa-newcomer-');
  dirs.push(dataDir);
  const t = new ShellTerminal(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0'], { cols, rows });
  open.push(t);
  await atPrompt(t, PROMPT);
  return t;
}

const atPrompt = (t: ShellTerminal, re: RegExp, what = String(re)) => t.until(what, (x) => re.test(x.promptLine()));
const statusBar = (t: ShellTerminal) =>
  t
    .screen()
    .filter((l) => l.includes(' │ '))
    .at(-1)
    ?.trimEnd() ?? '';

async function quit(t: ShellTerminal): Promise<void> {
  await atPrompt(t, PROMPT, 'the main prompt');
  t.write('\x04');
  assert.equal(await t.exited, 0);
}

test('80×24: status detail stops at -Press Any Key For More- each screenful; the pager line leaves no trace', async () => {
  const t = await sandbox();
  await t.type('status detail\r');
  await atPrompt(t, new RegExp(`^${PAGER}$`), 'the first pager stop');
  // The first screenful still shows the command that was typed, and fills the screen.
  const screen = t.screen();
  assert.equal(screen[0].trimEnd(), 'mail.example.com> status detail');
  assert.equal(screen.filter((l) => l.trim() !== '').length >= 20, true, screen.join('\n'));
  let stops = 1;
  while (!PROMPT.test(t.promptLine())) {
    const before = t.screen().join('\n');
    t.write(' ');
    await t.until('the next screenful', (x) => x.screen().join('\n') !== before && (x.promptLine() === PAGER || PROMPT.test(x.promptLine())));
    if (t.promptLine() === PAGER) stops++;
    assert.ok(stops < 10);
  }
  assert.ok(stops >= 2, `${stops} stops for status detail`);
  const lines = t.lines();
  assert.equal(lines.filter((l) => l.includes(PAGER)).length, 0, 'the pager lines are gone');
  for (const label of ['Counters:', 'Rates (Events Per Hour):', 'Gauges:', '    Kilobytes Free']) {
    assert.equal(lines.filter((l) => l.startsWith(label)).length, 1, label);
  }
  await quit(t);
});

test('80×24: q at the pager ends the listing (help); the prompt comes back at once', async () => {
  const t = await sandbox();
  await t.type('help\r');
  await atPrompt(t, new RegExp(`^${PAGER}$`), 'the pager stop in help');
  t.write('q');
  await atPrompt(t, PROMPT, 'the prompt after q');
  assert.ok(!t.lines().some((l) => l.startsWith('Type "help <command>"')), 'the rest of help was dropped');
  // The next command's output is not dropped.
  await t.type('version\r');
  await t.untilLine(/^Current Version$/);
  await quit(t);
});

test('80×24: help text is wrapped to the width at word boundaries, a paragraph filled again', async () => {
  const t = await sandbox();
  await t.type('help tophosts\r');
  await t.untilLine(/^Batch: tophosts/);
  const lines = t.lines();
  const page = lines.slice(lines.findIndex((l) => l.startsWith('tophosts - ')));
  for (const line of page) assert.ok(line.length <= 79, `${line.length}: ${line}`);
  assert.ok(
    page.some((l) => l.startsWith('the rank marks a host')),
    page.join('\n'),
  );
  await quit(t);
});

test('80×24: resizing narrower and back leaves no ghost prompt or status lines', async () => {
  const t = await sandbox();
  await t.type('sim clock show\r');
  await t.untilLine(/^Speed: /);
  await atPrompt(t, PROMPT);
  // After the output: one blank line, the prompt, the status bar. Nothing else.
  const afterOutput = (x: ShellTerminal) => {
    const lines = x.lines();
    return lines.slice(lines.findIndex((l) => l.startsWith('Speed: ')) + 1).map((l) => (l.includes(' │ ') ? '<status bar>' : l));
  };
  const clean = (x: ShellTerminal) => JSON.stringify(afterOutput(x)) === JSON.stringify(['', 'mail.example.com>', '<status bar>']);
  const resize = async (cols: number) => {
    const before = statusBar(t);
    t.proc.resize(cols, 24);
    t.term.resize(cols, 24);
    // Narrower: a shorter bar; wider: a longer one than the narrow one; and no ghost left.
    await t.until(
      `the screen redrawn for ${cols} columns, no ghost lines`,
      (x) => statusBar(x) !== before && statusBar(x).length < cols && PROMPT.test(x.promptLine()) && clean(x),
    );
  };
  for (const cols of [60, 80, 50, 80]) await resize(cols);
  const lines = t.lines();
  assert.deepEqual(afterOutput(t), ['', 'mail.example.com>', '<status bar>']);
  assert.equal(lines.filter((l) => l === 'mail.example.com>').length, 1);
  await quit(t);
});

test('80×24: sim inject draws one progress bar in place; sim wait counts down and Ctrl-C says what it stopped', async () => {
  const t = await sandbox();
  await t.type('sim inject 200\r');
  await t.untilLine(/^Accepted: 200 {2}Refused: 0$/);
  const bars = t.lines().filter((l) => /^\[[#.]{30}\] /.test(l));
  assert.deepEqual(bars, [`[${'#'.repeat(30)}] 200/200`], 'one bar, updated in place');

  await atPrompt(t, PROMPT);
  await t.type('sim wait 30\r');
  await t.until('the countdown', (x) => x.screen().some((l) => /^Waiting: \d+ s left \(Ctrl-C stops\)/.test(l)));
  t.write('\x03');
  await t.untilLine(/^sim wait interrupted \(Ctrl-C\) after \d+ of 30 s\.$/);
  await atPrompt(t, PROMPT);
  assert.ok(!t.lines().some((l) => l.startsWith('Waiting:')), 'the countdown line does not stay');
  await quit(t);
});

test('80×24: suspendlistener counts down the delay with the open connections; Ctrl-C stops waiting, not the suspension', async () => {
  const t = await sandbox();
  const port = Number(/listener IncomingMail on 127\.0\.0\.1:(\d+)/.exec(t.lines().join('\n'))![1]);
  // A client that stays connected keeps the listener from exiting.
  const client: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('data', () => resolve()));
  try {
    await t.type('suspendlistener ALL 30\r');
    await t.until('the countdown', (x) => x.screen().some((l) => /^ {2}\d+ s until open connections are closed; 1 open \(Ctrl-C stops waiting\)/.test(l)));
    t.write('\x03');
    await t.untilLine(/^Stopped waiting: open connections will be closed when the delay ends\.$/);
    await t.untilLine(/^Receiving suspended for IncomingMail\.$/);
    assert.ok(!t.lines().some((l) => /s until open connections are closed/.test(l)), 'the countdown line does not stay');
    await atPrompt(t, PROMPT);
    await t.until('Recv SUSP in the status bar', (x) => /Recv SUSP|Listeners suspended/.test(statusBar(x)));
  } finally {
    client.destroy();
  }
  await quit(t);
});

test('80 columns: the status bar keeps the simulated clock with changes pending', async () => {
  const t = await sandbox();
  await t.type('bounceconfig new Pending\r');
  await t.untilLine(/^Created bounce profile "Pending"\.$/);
  await t.until('1 uncommitted in the status bar', (x) => statusBar(x).includes('1 uncommitted'));
  const bar = statusBar(t);
  assert.ok(bar.length <= 79, bar);
  assert.match(bar, /\b[A-Z][a-z]{2} \d\d \d\d:\d\d\b/, `the clock: ${bar}`);
  assert.match(bar, /Backend up/);
  // Enter alone at clearchanges keeps the changes: the destructive answer is not the default.
  await atPrompt(t, PROMPT);
  await t.type('clear\r');
  await atPrompt(t, /^\[N\]>$/, 'the [N] default');
  await t.type('\r');
  await atPrompt(t, PROMPT);
  assert.ok(statusBar(t).includes('1 uncommitted'));
  t.write('\x04');
  // quit asks about the uncommitted change.
  await atPrompt(t, /^\[N\]>$/, 'the quit question');
  await t.type('y\r');
  assert.equal(await t.exited, 0);
});
