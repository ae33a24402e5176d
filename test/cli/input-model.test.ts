// The input model's parts on their own: the queue every front end reads, where a line ends in a
// pipe and at a terminal, the terminal's echo (typed ahead: shown when read), Ctrl-C / Ctrl-D,
// the pager's key, completion and history; and which shell a terminal gets.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { INTERRUPTED, LineQueue, PipeLines, PipeLineSplitter } from '../../cli/line-input.js';
import { ANSWER_COMPLETION, completeLine } from '../../cli/line-editor.js';
import { chooseShell, TerminalProbe } from '../../cli/terminal-choice.js';
import { TerminalLines } from '../../cli/terminal-lines.js';

class Screen extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function terminal(): { lines: TerminalLines; input: PassThrough; screen: Screen } {
  const input = new PassThrough();
  const screen = new Screen();
  return { lines: new TerminalLines({ input, output: screen }), input, screen };
}

/** Lets the stream deliver what was written. */
const tick = () => new Promise((r) => setImmediate(r));

test('the queue: a line goes to the reader waiting, else to the next one; never both, never lost; Ctrl-C drops what was typed ahead', async () => {
  const q = new LineQueue();
  const waiting = q.next();
  q.push('status');
  q.push('7');
  q.push('N');
  assert.equal(await waiting, 'status');
  assert.equal(await q.next(), '7');
  assert.equal(q.size, 1);
  assert.equal(await q.next(), 'N');
  const open = q.next();
  assert.equal(q.interrupt(), true);
  assert.equal(await open, INTERRUPTED);
  q.push('a');
  q.interrupt();
  assert.equal(q.take(), undefined, 'typed-ahead lines dropped by Ctrl-C');
  q.endOfInput();
  assert.equal(await q.next(), null, 'Ctrl-D: one end of input');
  q.push('after');
  q.end();
  assert.equal(await q.next(), 'after', 'what was kept is read before the end');
  assert.equal(await q.next(), null);
});

test('a pipe: CR LF is one line end, also split over two chunks; a lone CR or LF is one; the last line needs none', async () => {
  const s = new PipeLineSplitter();
  assert.deepEqual(s.feed('a\r\nb\nc\rd'), ['a', 'b', 'c']);
  assert.deepEqual(s.feed('e\r'), ['de']);
  assert.deepEqual(s.feed('\nf\r\n\r\n'), ['f', '']);
  assert.equal(s.end(), undefined);
  assert.deepEqual(s.feed('last'), []);
  assert.equal(s.end(), 'last');
  const input = new PassThrough();
  const lines = new PipeLines(input);
  input.end('bounceconfig\r\n\r\nquit');
  assert.deepEqual([await lines.next(), await lines.next(), await lines.next(), await lines.next()], ['bounceconfig', '', 'quit', null]);
  assert.equal(lines.ended, true);
});

test('a terminal: what is typed while a prompt waits is echoed; what is typed ahead is shown only when read, after its prompt', async () => {
  const { lines, input, screen } = terminal();
  const first = lines.next();
  input.write('showmessage\r7\rN');
  await tick();
  assert.equal(await first, 'showmessage');
  assert.equal(screen.text, 'showmessage\n', 'the line after the open prompt is echoed; the rest waits unseen');
  screen.text = '';
  assert.equal(await lines.next(), '7');
  assert.equal(screen.text, '7\n', 'a line typed ahead is echoed when read');
  screen.text = '';
  const third = lines.next();
  assert.equal(screen.text, 'N', 'a partial line typed ahead shows when its read begins');
  input.write('o\x7fO\r');
  await tick();
  assert.equal(await third, 'NO');
  assert.equal(screen.text, 'No\b \bO\n');
});

test('a terminal: every CR and every LF ends a line (CR LF is two); a passphrase is never echoed, typed ahead or not', async () => {
  const { lines, input, screen } = terminal();
  input.write('y\r\nS3cret#1\rsecond\n');
  await tick();
  assert.equal(await lines.next(), 'y');
  assert.equal(await lines.next(), '', 'the LF after a CR is an Enter of its own');
  screen.text = '';
  assert.equal(await lines.next({ secret: true }), 'S3cret#1');
  assert.equal(screen.text, '\n', 'only the line end of a passphrase');
  screen.text = '';
  const blind = lines.next({ secret: true });
  input.write('Typed#Now1\r');
  await tick();
  assert.equal(await blind, 'second', 'the line typed first is read first');
  const now = lines.next({ secret: true });
  assert.equal(await now, 'Typed#Now1');
  assert.ok(!screen.text.includes('Typed#Now1') && !screen.text.includes('second'), JSON.stringify(screen.text));
});

test('a terminal: Ctrl-C answers an open read (and drops what was typed ahead), else interrupts the command; Ctrl-D is one end of input', async () => {
  const { lines, input, screen } = terminal();
  let interrupted = 0;
  lines.onInterrupt = () => interrupted++;
  input.write('quit\rpartial\x03');
  await tick();
  assert.equal(interrupted, 1, 'nothing read: the running command is interrupted');
  assert.equal(screen.text, '', 'and nothing is echoed for it (the engine says what stopped)');
  const open = lines.next();
  input.write('abc\x03');
  await tick();
  assert.equal(await open, INTERRUPTED);
  assert.equal(screen.text, 'abc^C\n');
  input.write('\x04');
  await tick();
  assert.equal(await lines.next(), null);
  assert.equal(lines.ended, false, 'Ctrl-D is not the end of the terminal');
  input.end();
  await tick();
  assert.equal(await lines.next(), null);
  assert.equal(lines.ended, true);
});

test('a terminal: the pager takes the next key pressed, not a line typed ahead; Backspace, Ctrl-U, Ctrl-W; Tab; ↑ recalls history', async () => {
  const { lines, input, screen } = terminal();
  input.write('ahead\r');
  await tick();
  const key = lines.nextKey();
  input.write('q');
  await tick();
  assert.equal(await key, 'q');
  assert.equal(await lines.next(), 'ahead');
  const edited = lines.next();
  input.write('one two\x17three\x15four\r');
  await tick();
  assert.equal(await edited, 'four');
  screen.text = '';
  const answer = lines.next({ prompt: '[]> ', complete: (state) => completeLine(state, ['Preferred', 'Required'], ANSWER_COMPLETION) });
  input.write('pr\t');
  await tick();
  await tick();
  input.write('\r');
  await tick();
  assert.equal(await answer, 'Preferred');
  assert.equal(screen.text, 'pr\b \b\b \bPreferred\n');
  const recalled = lines.next({ history: ['status', 'tophosts'] });
  input.write('\x1b[A\x1b[A\r');
  await tick();
  assert.equal(await recalled, 'status');
});

test('which shell: dumb terminals and ESA_SHELL=readline get the line shell, an unsized one too; else the probe decides', () => {
  assert.equal(chooseShell({ term: 'dumb', shell: undefined, columns: 80, rows: 24 }), 'line');
  assert.equal(chooseShell({ term: undefined, shell: undefined, columns: 80, rows: 24 }), 'line');
  assert.equal(chooseShell({ term: 'xterm', shell: 'readline', columns: 80, rows: 24 }), 'line');
  assert.equal(chooseShell({ term: 'xterm', shell: 'ink', columns: 0, rows: 0 }), 'ink');
  assert.equal(chooseShell({ term: 'xterm', shell: undefined, columns: 0, rows: 0 }), 'line');
  assert.equal(chooseShell({ term: 'xterm-256color', shell: undefined, columns: 80, rows: 24 }), 'probe');
  const person = new TerminalProbe();
  assert.equal(person.feed('st'), undefined, 'keys typed early wait for the verdict');
  assert.deepEqual(person.feed('\x1b[24;'), undefined);
  assert.deepEqual(person.feed('19Ratus'), { who: 'person', typed: 'status' });
  const script = new TerminalProbe();
  assert.deepEqual(script.feed('status\r\x1b[1;1R'), { who: 'script', typed: 'status\r\x1b[1;1R' });
  assert.deepEqual(new TerminalProbe().end(), { who: 'script', typed: '' });
});
