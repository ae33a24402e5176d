// Text typed at the pager's stop (`-Press Any Key For More-`) is a command, not lost: the
// listing's rest is dropped and the text starts the next line, so `resume` + Enter typed at the
// stop runs `resume` — in the line shell's terminal input, in the Ink shell's controller, and
// in the real Ink shell in an 80×24 terminal. Space and Enter still show the next screenful,
// `q` still stops.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { after, test } from 'node:test';
import { pagerKeyAction } from '../../cli/pager-key.js';
import { TerminalLines } from '../../cli/terminal-lines.js';
import { removeDir, tempDir } from '../helpers/harness.js';
import { PROMPT, ShellTerminal } from './terminal.js';

const PAGER = '-Press Any Key For More-';

test('a key at the pager stop: Space, Enter or an arrow goes on, q stops, other text is typed', () => {
  assert.deepEqual(pagerKeyAction({ text: ' ' }), { kind: 'more' });
  assert.deepEqual(pagerKeyAction({ name: 'return' }), { kind: 'more' });
  assert.deepEqual(pagerKeyAction({ name: 'down' }), { kind: 'more' });
  assert.deepEqual(pagerKeyAction({ text: 'q' }), { kind: 'stop' });
  assert.deepEqual(pagerKeyAction({ text: 'Q' }), { kind: 'stop' });
  assert.deepEqual(pagerKeyAction({ text: 'r' }), { kind: 'typed', text: 'r' });
  // Pasted or typed fast, a whole word arrives as one key.
  assert.deepEqual(pagerKeyAction({ text: 'resume' }), { kind: 'typed', text: 'resume' });
  assert.deepEqual(pagerKeyAction({ text: 'quit' }), { kind: 'typed', text: 'quit' });
});

class Screen extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Lets the stream deliver what was written. */
const tick = () => new Promise((r) => setImmediate(r));

test('line shell: resume typed at the pager stop ends the listing and is the next line, shown after the prompt', async () => {
  const input = new PassThrough();
  const screen = new Screen();
  const lines = new TerminalLines({ input, output: screen });
  // Key by key, as a person types.
  let key = lines.nextKey();
  input.write('r');
  await tick();
  assert.equal(await key, 'q', 'the listing stops');
  for (const ch of 'esume\r') input.write(ch);
  await tick();
  assert.equal(screen.text, '', 'nothing is echoed while the listing ends');
  assert.equal(await lines.next({ prompt: 'mail.example.com> ' }), 'resume');
  assert.equal(screen.text, 'resume\n', 'shown after the prompt, as a line typed ahead');
  // Pasted at once; then a Space at the next stop still goes on.
  key = lines.nextKey();
  input.write('resume\r');
  await tick();
  assert.equal(await key, 'q');
  assert.equal(await lines.next(), 'resume');
  key = lines.nextKey();
  input.write(' ');
  await tick();
  assert.equal(await key, '');
  // Typed slowly, the next prompt finds the start of the word and shows it.
  key = lines.nextKey();
  input.write('s');
  await tick();
  assert.equal(await key, 'q');
  screen.text = '';
  const next = lines.next();
  assert.equal(screen.text, 's');
  input.write('tatus\r');
  await tick();
  assert.equal(await next, 'status');
  assert.equal(screen.text, 'status\n');
});

const open: ShellTerminal[] = [];
const dirs: string[] = [];

after(async () => {
  for (const t of open) {
    t.kill();
    await t.exited;
  }
  for (const d of dirs) await removeDir(d);
});

/** `esa sandbox` in an 80×24 terminal, at its prompt. */
async function sandbox(env: Record<string, string> = {}): Promise<ShellTerminal> {
  const dataDir = await tempDir('esa-pager-typed-');
  dirs.push(dataDir);
  const t = new ShellTerminal(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0'], { cols: 80, rows: 24, env });
  open.push(t);
  await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
  return t;
}

for (const [name, env] of [
  ['the Ink shell', {}],
  ['the line shell (ESA_SHELL=readline)', { ESA_SHELL: 'readline' }],
] as const) {
  test(`80×24, ${name}: resume typed at -Press Any Key For More- runs resume; the listener receives again`, async () => {
    const t = await sandbox(env);
    // Mail waits for a down backend: showrecipients is longer than a screen and stops at the pager.
    await t.type('sim backend down\r');
    await t.untilLine(/is down: refusing connections\.$/);
    await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
    await t.type('sim inject 30\r');
    await t.untilLine(/^Accepted: 30 {2}Refused: 0$/);
    await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
    await t.type('suspendlistener IncomingMail 0\r');
    await t.untilLine(/^Receiving suspended for IncomingMail\.$/);
    await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
    await t.type('showrecipients all\r');
    await t.until('the pager stop', (x) => x.promptLine() === PAGER);
    await t.type('resume\r');
    await t.untilLine(/^Receiving resumed for IncomingMail\.$/, 'resume to run');
    await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
    const lines = t.lines();
    assert.ok(lines.includes('mail.example.com> resume'), lines.join('\n'));
    assert.ok(!lines.some((l) => /Unknown command/.test(l)), lines.join('\n'));
    // The listener takes mail again.
    await t.type('sim inject 1\r');
    await t.untilLine(/^Accepted: 1 {2}Refused: 0$/, 'the message to be accepted');
    await t.until('the prompt', (x) => PROMPT.test(x.promptLine()));
    t.write('\x04');
    assert.equal(await t.exited, 0);
  });
}
