// Pure parts of the Ink shell: terminal input decoded into keys (pasted chunks included), the
// transcript model (held lines, errors in red, bounded <Static> batches), the status line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeKeys, editActionOf } from '../../cli/keys.js';
import { statusLineText, statusSegments } from '../../cli/ink/status-line.js';
import {
  EMPTY_TRANSCRIPT,
  MAX_HELD,
  plainText,
  transcriptReducer,
  writableLines,
  type TranscriptEvent,
  type TranscriptState,
} from '../../cli/ink/transcript-lines.js';
import type { StatusParams } from '../../src/appliance/control/protocol.js';

test('a pasted chunk is several lines: Enter, Tab and control keys are found inside it', () => {
  assert.deepEqual(decodeKeys('status\rbounceconfig\r'), [{ text: 'status' }, { name: 'return' }, { text: 'bounceconfig' }, { name: 'return' }]);
  // As a cooked terminal reads: every CR and every LF is an Enter, so CR LF is two.
  assert.deepEqual(decodeKeys('a\r\nb\nc'), [{ text: 'a' }, { name: 'return' }, { name: 'return' }, { text: 'b' }, { name: 'return' }, { text: 'c' }]);
  assert.deepEqual(decodeKeys('suspendl\t'), [{ text: 'suspendl' }, { name: 'tab' }]);
  assert.deepEqual(decodeKeys('ab\x7f\x03'), [{ text: 'ab' }, { name: 'backspace' }, { name: 'interrupt' }]);
  assert.deepEqual(decodeKeys('\x04'), [{ name: 'endOfInput' }]);
  assert.deepEqual(
    decodeKeys('\x01\x05\x15\x17\x0b'),
    ['home', 'end', 'killToStart', 'killWordBefore', 'killToEnd'].map((name) => ({ name })),
  );
});

test('escape sequences: arrows, Home/End, Delete, word moves; unknown ones are dropped', () => {
  const names = (s: string) => decodeKeys(s).map((k) => ('name' in k ? k.name : `text:${k.text}`));
  assert.deepEqual(names('\x1b[A\x1b[B\x1b[C\x1b[D'), ['up', 'down', 'right', 'left']);
  assert.deepEqual(names('\x1bOA\x1bOH\x1bOF'), ['up', 'home', 'end']);
  assert.deepEqual(names('\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[3~'), ['home', 'end', 'home', 'end', 'delete']);
  assert.deepEqual(names('\x1b[1;5D\x1b[1;5C\x1bb\x1bf\x1b\x7f'), ['wordLeft', 'wordRight', 'wordLeft', 'wordRight', 'killWordBefore']);
  assert.deepEqual(names('\x1b[200~paste\x1b[201~'), ['text:paste']);
  assert.deepEqual(names('\x1b[15~x\x1b'), ['text:x']);
  assert.deepEqual(editActionOf({ name: 'delete' }), { type: 'delete' });
  assert.equal(editActionOf({ name: 'return' }), null);
});

const apply = (events: TranscriptEvent[], from: TranscriptState = EMPTY_TRANSCRIPT) => events.reduce(transcriptReducer, from);
const all = (s: TranscriptState) => [...s.lines, ...s.held];

test('transcript: output becomes lines; the newest stay live until something else comes', () => {
  const s = apply([
    { type: 'command', prompt: 'mail.example.com> ', text: 'version' },
    { type: 'output', text: '\nCurrent Ver' },
    { type: 'output', text: 'sion\n=====\n' },
  ]);
  assert.deepEqual(s.lines.map(plainText), ['mail.example.com> version', '']);
  assert.deepEqual(
    s.held.map((l) => l.text),
    ['Current Version', '====='],
  );
  assert.equal(s.partial, '');
  const done = apply([{ type: 'output', text: '\n' }, { type: 'finished' }], s);
  assert.deepEqual(done.held, []);
  assert.deepEqual(done.lines.map(plainText), ['mail.example.com> version', '', 'Current Version', '=====', '']);
  assert.ok(done.lines.every((l, i) => i === 0 || l.tone === 'output'));
});

test("transcript: a refused answer's reason and a failed command's error turn red", () => {
  const refused = apply([
    { type: 'question', label: 'Please enter the maximum number of retries.', attempt: 1 },
    { type: 'answer', prompt: '[100]> ', default: '100', text: 'ten' },
    { type: 'output', text: '\nValue must be an integer from 0 to 10,000.\n' },
    { type: 'output', text: '\n' },
    { type: 'question', label: 'Please enter the maximum number of retries.', attempt: 2 },
  ]);
  const reason = refused.lines.find((l) => l.text.startsWith('Value must'));
  assert.equal(reason?.tone, 'error');
  assert.equal(refused.lines.filter((l) => l.tone === 'error').length, 1);
  assert.deepEqual(refused.lines.map(plainText), [
    'Please enter the maximum number of retries.',
    '[100]> ten',
    '',
    'Value must be an integer from 0 to 10,000.',
    '',
    'Please enter the maximum number of retries.',
  ]);

  const failed = apply([
    { type: 'command', prompt: '> ', text: 'frobnicate' },
    { type: 'output', text: '\nUnknown command: frobnicate\n' },
    { type: 'output', text: '\n' },
    { type: 'finished', error: 'Unknown command: frobnicate' },
  ]);
  assert.equal(failed.lines.find((l) => l.text === 'Unknown command: frobnicate')?.tone, 'error');

  const aborted = apply([
    { type: 'output', text: '\n-- Changes not recorded.\n' },
    { type: 'finished', error: 'bounceconfig: interrupted' },
  ]);
  assert.equal(aborted.lines.find((l) => l.text === '-- Changes not recorded.')?.tone, 'notice');
});

test('transcript: a long report is written through, only its last lines are held', () => {
  const report = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const s = apply([{ type: 'output', text: report }]);
  assert.equal(s.held.length, MAX_HELD);
  assert.equal(all(s).length, 30);
  assert.deepEqual(
    all(s).map((l) => l.text),
    report.trimEnd().split('\n'),
  );
});

test("transcript: a question's label follows an unfinished line; the partial line ends with the command", () => {
  const s = apply([
    { type: 'output', text: 'Working...' },
    { type: 'question', label: 'Sure?\nReally?', attempt: 1 },
  ]);
  assert.deepEqual(
    all(s).map((l) => l.text),
    ['Working...Sure?', 'Really?'],
  );
  const t = apply([{ type: 'output', text: 'no newline' }, { type: 'finished' }]);
  assert.deepEqual(
    all(t).map((l) => l.text),
    ['no newline'],
  );
  assert.equal(t.partial, '');
});

test('transcript: a carriage return updates the live line in place (live figures, progress)', () => {
  let s = apply([{ type: 'output', text: 'rate: 10/s' }]);
  assert.equal(s.partial, 'rate: 10/s');
  s = apply(
    [
      { type: 'output', text: '\rrate: 12/s' },
      { type: 'output', text: '\rrate: 15/s' },
    ],
    s,
  );
  assert.equal(s.partial, 'rate: 15/s');
  s = apply([{ type: 'output', text: '\rrate: 9/s\r\n' }, { type: 'finished' }], s);
  assert.deepEqual(
    all(s).map((l) => l.text),
    ['rate: 9/s'],
  );
});

test('transcript: blank lines at the end wait for text before <Static> writes them (Ink drops a blank-only write)', () => {
  const s = apply([{ type: 'command', prompt: '> ', text: 'a' }, { type: 'output', text: 'x\n\n \n' }, { type: 'finished' }]);
  const { write, waiting } = writableLines(s.lines);
  assert.deepEqual(
    write.map((l) => l.text),
    ['a', 'x'],
  );
  assert.deepEqual(
    waiting.map((l) => l.text),
    ['', ' '],
  );
  assert.deepEqual(writableLines(s.lines.slice(2)).write, []);
});

test('transcript: lines written by <Static> are let go, and the next batch starts', () => {
  let s = apply([
    { type: 'command', prompt: '> ', text: 'a' },
    { type: 'command', prompt: '> ', text: 'b' },
  ]);
  assert.equal(s.batch, 0);
  s = transcriptReducer(s, { type: 'written', batch: 0, count: 2 });
  assert.equal(s.lines.length, 0);
  assert.equal(s.batch, 1);
  // A late report for an old batch changes nothing; lines added meanwhile stay.
  s = apply(
    [
      { type: 'command', prompt: '> ', text: 'c' },
      { type: 'written', batch: 0, count: 1 },
    ],
    s,
  );
  assert.deepEqual(
    s.lines.map((l) => l.text),
    ['c'],
  );
  // Ids keep growing across batches (React keys).
  assert.ok(s.lines[0].id > 2);
});

const STATUS: StatusParams = {
  hostname: 'mail.example.com',
  prompt: 'mail.example.com> ',
  systemStatus: 'Online',
  pendingChanges: 0,
  queuedMessages: 12,
  activeRecipients: 1234,
  connectionsIn: 0,
  connectionsOut: 2,
  hostsDown: 0,
  storageUsedPercent: 3,
};

test('status line: long labels when there is room, short ones in 80 columns, always within the width', () => {
  assert.equal(statusLineText(STATUS, 200), 'Listeners receiving │ Delivery on │ Active recipients 1,234 │ Hosts down 0 │ Storage 3%');
  const sandbox: StatusParams = {
    ...STATUS,
    systemStatus: 'Receiving suspended',
    hostsDown: 1,
    pendingChanges: 2,
    clock: { now: Date.UTC(2026, 10, 28, 14, 11, 22), scale: 3600 },
    backend: 'down',
  };
  assert.equal(
    statusLineText(sandbox, 300),
    'Listeners suspended │ Delivery on │ Active recipients 1,234 │ Hosts down 1 │ Storage 3% │ 2 uncommitted │ Sat Nov 28 14:11:22 UTC ×3,600 │ Backend down',
  );
  for (const width of [79, 60, 40, 20]) {
    const line = statusLineText(sandbox, width);
    assert.ok(line.length <= width, `${width}: ${line}`);
    assert.ok(line.startsWith('Recv SUSP'), line);
  }
  // In 80 columns the most useful fields stay: the suspension, hosts down, the backend, the
  // active recipients and the simulated clock; delivery that is simply on leaves first.
  const line79 = statusLineText(sandbox, 79);
  for (const part of ['Recv SUSP', 'Down 1', 'Backend down', 'Active 1,234', 'Nov 28 14:11']) assert.ok(line79.includes(part), line79);
  assert.ok(!line79.includes('Deliv on'), line79);
  // A quiet sandbox in 80 columns with changes pending and a warning: the clock is still there.
  const quiet: StatusParams = { ...STATUS, activeRecipients: 0, pendingChanges: 1, clock: sandbox.clock, backend: 'up', warnings: 1 };
  assert.match(statusLineText(quiet, 79), /Nov 28 14:11/);
  const tones = Object.fromEntries(statusSegments(sandbox, 300).map((s) => [s.text.split(' ')[0], s.tone]));
  assert.equal(tones.Listeners, 'warn');
  assert.equal(tones.Hosts, 'bad');
  assert.equal(tones.Backend, 'bad');
  // Without the sandbox fields nothing is said about a clock or a backend.
  assert.ok(!/Backend|UTC/.test(statusLineText(STATUS, 300)));
  // The sandbox's warnings (written to the mail log, not over the screen) are counted, and the
  // count is the first thing to go when the line is narrow.
  const warned = { ...sandbox, warnings: 2, lastWarning: 'cannot write the mail log' };
  assert.match(statusLineText(warned, 400), / │ 2 warnings \(mail log\)/);
  assert.ok(!/Warn/.test(statusLineText(warned, 79)));
});
