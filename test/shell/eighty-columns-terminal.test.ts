// The sandbox in a real 80×24 terminal (`esa sandbox` in a pseudo-terminal read through a
// headless xterm): a listing wider than the screen wraps the same way above the pager as in
// the scrollback, a long question wraps at a word without a blank at the start of its second
// row, and a scenario's briefing, `sim graph` and `sim mailbox` fit the width (every row of
// the graph whole on its line, a mailbox's subjects each on a line of its own).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { removeDir, tempDir } from '../helpers/harness.js';
import { PROMPT, ShellTerminal } from './terminal.js';

const PAGER = '-Press Any Key For More-';
const open: ShellTerminal[] = [];
const dirs: string[] = [];

after(async () => {
  for (const t of open) {
    t.kill();
    await t.exited;
  }
  for (const d of dirs) await removeDir(d);
});

async function sandbox(): Promise<ShellTerminal> {
  const dataDir = await tempDir('esa-80-');
  dirs.push(dataDir);
  const t = new ShellTerminal(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0'], { cols: 80, rows: 24 });
  open.push(t);
  await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
  return t;
}

/** Types a command and waits for the main prompt to come back after its output. */
async function run(t: ShellTerminal, line: string, done: (t: ShellTerminal) => boolean = () => true): Promise<void> {
  const before = t.lines().filter((l) => l === `mail.example.com> ${line}`).length;
  await t.type(`${line}\r`);
  await t.until(
    `"${line}" to finish`,
    (x) => x.lines().filter((l) => l === `mail.example.com> ${line}`).length > before && PROMPT.test(x.promptLine()) && done(x),
  );
}

/** The rows on the screen and in the scrollback, as the terminal shows them (no joining). */
function rows(t: ShellTerminal): string[] {
  const buffer = t.term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < buffer.length; y++) out.push(buffer.getLine(y)?.translateToString(true).trimEnd() ?? '');
  return out;
}

test('80×24: showrecipients rows wrap alike above the pager and in the scrollback; a long question wraps at a word', async () => {
  const t = await sandbox();
  await run(t, 'sim backend down');
  await run(t, 'sim inject 30', (x) => x.lines().some((l) => /^Accepted: 30 /.test(l)));
  await t.type('showrecipients all\r');
  await t.until('the pager stop', (x) => x.promptLine() === PAGER);
  // Each recipient row wraps after the recipient: its second row (attempts, next attempt) is
  // indented alike, whether it was written to the scrollback or is still drawn live.
  const seconds = rows(t).filter((r) => /^ +\d+ {2}(now|\w{3} \w{3} \d\d)/.test(r));
  assert.ok(seconds.length >= 5, rows(t).join('\n'));
  assert.equal(new Set(seconds.map((r) => r.length - r.trimStart().length)).size, 1, seconds.join('\n'));
  t.write('q');
  await t.until('the prompt after q', (x) => PROMPT.test(x.promptLine()));

  await t.type('bounceconfig\r');
  await t.until('the menu', (x) => x.promptLine() === '[]>');
  await t.type('new\r');
  await t.until('the name', (x) => x.lines().some((l) => l.startsWith('Please create a name')) && x.promptLine() === '[]>');
  await t.type('Wrapped\r');
  await t.until('the retries', (x) => x.promptLine() === '[100]>');
  await t.type('\r');
  await t.until('the lifetime', (x) => x.promptLine() === '[259200]>');
  const wrapped = () => {
    const question = rows(t).findIndex((r) => r.startsWith('Please enter the maximum number of seconds a message may stay'));
    return question >= 0 ? rows(t)[question + 1] : undefined;
  };
  assert.equal(wrapped(), 'before being hard bounced.', 'while asked: the second row starts with its word');
  t.write('\x03');
  await t.until('the prompt after Ctrl-C', (x) => PROMPT.test(x.promptLine()));
  assert.equal(wrapped(), 'before being hard bounced.', 'in the scrollback too');
});

test('80×24: a briefing, sim graph and sim mailbox fit the width', async () => {
  const t = await sandbox();
  await run(t, 'sim scenario start 1', (x) => x.lines().some((l) => l.startsWith('"sim scenario hint"')));
  await run(t, 'sim clock +1h30m', (x) => x.lines().some((l) => l.startsWith('Speed: ')));
  await run(t, 'delivernow ALL');
  await run(t, 'sim clock +15m', (x) => x.lines().filter((l) => l.startsWith('Speed: ')).length === 2);
  await run(t, 'sim graph', (x) => x.lines().some((l) => l.startsWith('backend: _ up')));
  await run(t, 'sim mailbox user9@example.com', (x) => x.lines().some((l) => l.startsWith('Type "sim mailbox user9')));
  // From the first command on (the start's own lines on stderr are not the shell's).
  const first = rows(t).indexOf('mail.example.com> sim scenario start 1');
  const all = rows(t).slice(first);
  // The terminal wrapped nothing, and no row was cut by the shell: each line of the output is whole.
  const buffer = t.term.buffer.active;
  for (let y = first; y < buffer.length; y++) assert.equal(buffer.getLine(y)?.isWrapped, false, `row ${y} continues the one before: ${all[y - first]}`);
  assert.ok(all.includes('Scenario: The backend fails during business hours'));
  assert.ok(all.some((r) => /^It is 09:00 on a busy morning\. Mail for example\.com flows$/.test(r)));
  for (const label of ['  backend |', 'delivered |', '  bounced |', '  refused |'])
    assert.ok(
      all.some((r) => r.startsWith(label) && r.length <= 80 && /\|[_x d]+( +\d+)?$/.test(r)),
      label,
    );
  assert.ok(all.some((r) => /^delivered \|d.*d +24$/.test(r)));
  assert.ok(all.includes('backend: _ up, x down; d delivered, B bounced, r refused (totals at the right).'));
  const mailbox = all.findIndex((r) => /^1 {2}\w{3} \w{3} \d\d [\d:]+ \d{4} {2}trainer@sandbox\.example\.org +\d+$/.test(r));
  assert.ok(mailbox >= 0, all.join('\n'));
  assert.match(all[mailbox + 1], /^ {3}The backend fails during business hours \[scenario \w+ #9\]$/);
  for (const r of all) assert.ok(r.length <= 80, r);

  // tail goes live at once: its last 20 lines (more than a screenful here) never stop at the pager.
  await t.type('tail mail_logs\r');
  await t.until(
    'tail live',
    (x) => x.lines().some((l) => l === 'Press Ctrl-C to stop.') && x.lines().some((l) => / Info: Message finished MID \d+ done$/.test(l)),
  );
  assert.notEqual(t.promptLine(), PAGER);
  t.write('\x03');
  await t.until('the prompt after Ctrl-C', (x) => x.lines().includes('^C') && PROMPT.test(x.promptLine()));
  assert.ok(!t.lines().some((l) => l.includes(PAGER)));
});
