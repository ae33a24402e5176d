// The shell's behaviour without a terminal: ShellController on a real engine's control socket
// (keys in, transcript out), and the history file.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openSession } from '../../cli/front-end.js';
import { addEntry, HISTORY_LIMIT, historyPath, HistoryFile, parseHistory } from '../../cli/history.js';
import { LEAVE_TIP, ShellController, type ShellSnapshot } from '../../cli/ink/shell-controller.js';
import { plainText } from '../../cli/ink/transcript-lines.js';
import { removeDir, tempDir, waitFor } from '../helpers/harness.js';
import { startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;

before(async () => {
  cli = await startCliEngine();
});

after(async () => {
  await cli.stop();
});

class MemoryHistory {
  entries: readonly string[] = [];
  add(line: string) {
    this.entries = addEntry(this.entries, line);
  }
}

/** A controller on a fresh session; `lines()` is everything the transcript holds so far. */
async function shell() {
  const controller = new ShellController(new MemoryHistory());
  const { client, prompt } = await openSession(cli.socket, controller, 'test');
  controller.attach(client, prompt, client.closed);
  const view = () => controller.getSnapshot();
  const written: string[] = [];
  const lines = () => {
    // What <Static> would have written, then what is still live.
    const t = view().transcript;
    written.push(...t.lines.map(plainText));
    controller.written(t.batch, t.lines.length);
    return [...written, ...view().transcript.held.map(plainText)];
  };
  const until = (what: string, cond: (v: ShellSnapshot) => boolean) => waitFor(() => cond(view()), what);
  return { controller, client, view, lines, until };
}

test('typed keys run a command; lines pasted ahead answer its questions in order', async () => {
  const s = await shell();
  s.controller.input('bounceconfig\rnew\rPasted\r\r\r\r\r\r\r\r\r\r\r\r\r');
  await s.until('the command to end', (v) => v.mode === 'idle' && v.transcript.held.length === 0);
  const text = s.lines();
  assert.equal(text[0], 'mail.example.com> bounceconfig');
  assert.ok(text.includes('[]> new'));
  assert.ok(text.includes('[]> Pasted'));
  assert.ok(text.includes('2. Pasted'), text.join('\n'));
  assert.equal(text[text.length - 2], '[]> ', 'the last empty answer leaves the menu');
  s.controller.input('showchanges\r');
  await s.until('showchanges', (v) => v.mode === 'idle' && v.transcript.held.length === 0);
  assert.ok(
    s.lines().some((l) => l.includes("'bounceProfiles.Pasted.max_retries': 100")),
    s.lines().join('\n'),
  );
  s.client.close();
});

test('Ctrl-C in a question abandons the dialog: nothing pending, the prompt comes back', async () => {
  const s = await shell();
  s.controller.input('bounceconfig\r');
  await s.until('the menu', (v) => v.mode === 'question');
  s.controller.input('new\rHalf\r');
  await s.until('the retries question', (v) => v.question?.prompt === '[100]> ');
  s.controller.input('12\x03');
  await s.until('the prompt', (v) => v.mode === 'idle');
  const text = s.lines();
  assert.ok(text.includes('[100]> 12^C'), text.join('\n'));
  assert.ok(text.includes('-- Changes not recorded.'));
  assert.equal(s.view().status?.pendingChanges ?? 0, 0);
  // Ctrl-C at the prompt clears the line, and on an empty line says how to leave.
  s.controller.input('statu\x03');
  assert.equal(s.view().line.text, '');
  assert.equal(s.lines().at(-1), 'mail.example.com> statu^C');
  s.controller.input('\x03');
  assert.equal(s.view().hint, LEAVE_TIP);
  assert.equal(s.view().mode, 'idle');
  s.client.close();
});

test("Tab asks the engine at the prompt and uses the question's choices in a dialog", async () => {
  const s = await shell();
  s.controller.input('suspendl\t');
  await s.until('completion', (v) => v.line.text === 'suspendlistener ');
  s.controller.input('\x15sus\t');
  await s.until('common prefix', (v) => v.line.text === 'suspend');
  s.controller.input('\t');
  await s.until('the candidates shown', (v) => v.hint !== null);
  assert.match(s.view().hint ?? '', /suspenddel.*suspendlistener/);
  s.controller.input('\x15bounceconfig\r');
  await s.until('the menu', (v) => v.mode === 'question');
  s.controller.input('ed\t');
  assert.equal(s.view().line.text, 'EDIT');
  s.controller.input('\x03');
  await s.until('the prompt', (v) => v.mode === 'idle');
  s.client.close();
});

test("Ctrl-D on an empty line quits, with the engine's warning when changes are pending", async () => {
  const s = await shell();
  s.controller.input('bounceconfig new Temp\r');
  await s.until('the change', (v) => v.mode === 'idle' && (v.status?.pendingChanges ?? 0) === 1);
  s.controller.input('\x04');
  await s.until('the warning', (v) => v.mode === 'question');
  assert.match(s.lines().join('\n'), /Configuration changes entered but not committed\. Exiting will lose changes\.\n+Are you sure you wish to exit\?/);
  s.controller.input('\r');
  await s.until('staying', (v) => v.mode === 'idle');
  assert.equal(s.view().exitCode, null);
  s.controller.input('\x04');
  await s.until('the warning', (v) => v.mode === 'question');
  s.controller.input('y\r');
  await s.until('the end', (v) => v.mode === 'closed');
  assert.equal(s.view().exitCode, 0);
});

test('the engine going away ends the shell with status 1 and says why', async () => {
  const s = await shell();
  s.client.socket.destroy();
  await s.until('closed', (v) => v.mode === 'closed');
  assert.equal(s.view().exitCode, 1);
  assert.match(s.lines().join('\n'), /esa: /);
});

test('history: blank lines and repeats are not kept, the file is bounded and shared', async () => {
  assert.deepEqual(addEntry(['a'], 'a'), ['a']);
  assert.deepEqual(addEntry(['a'], '  '), ['a']);
  assert.deepEqual(addEntry(['a', 'b'], 'c', 2), ['b', 'c']);
  assert.deepEqual(parseHistory('a\nb\n\nb\r\nc\n', 2), ['b', 'c']);
  assert.equal(historyPath('/data/esa.sock'), path.join('/data', 'history'));

  const dir = await tempDir('esa-history-');
  try {
    const file = path.join(dir, 'history');
    const missing = await HistoryFile.load(file);
    assert.deepEqual(missing.entries, []);
    for (let i = 0; i < 2 * HISTORY_LIMIT + 10; i++) void missing.add(`command ${i}`);
    await missing.flushed();
    const again = await HistoryFile.load(file);
    assert.equal(again.entries.length, HISTORY_LIMIT);
    assert.equal(again.entries.at(-1), `command ${2 * HISTORY_LIMIT + 9}`);
    const lines = (await readFile(file, 'utf8')).split('\n').length - 1;
    assert.ok(lines < 2 * HISTORY_LIMIT, `compacted: ${lines} lines`);
    // An unreadable history costs the history, not the session.
    const broken = await HistoryFile.load(path.join(dir, 'no', 'such', 'history'));
    await broken.add('status');
    assert.deepEqual(broken.entries, ['status']);
  } finally {
    await removeDir(dir);
  }
});
