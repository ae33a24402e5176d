// The line editor (pure reducer) and Tab completion: editing keys, history recall, completing
// command names, menu words and names from candidates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ANSWER_COMPLETION,
  COMMAND_COMPLETION,
  EMPTY_LINE,
  completeLine,
  completionRequest,
  editLine,
  lineOf,
  type EditAction,
  type LineState,
} from '../../cli/line-editor.js';

const run = (state: LineState, ...actions: EditAction[]) => actions.reduce(editLine, state);
const typed = (text: string) => run(EMPTY_LINE, { type: 'insert', text });
/** `text|rest`: the line with the cursor at the bar. */
const show = (s: LineState) => `${s.text.slice(0, s.cursor)}|${s.text.slice(s.cursor)}`;
const at = (text: string, cursor: number): LineState => ({ ...lineOf(text), cursor });

test('insert, backspace, delete and cursor moves stay within the line', () => {
  assert.equal(show(typed('status')), 'status|');
  assert.equal(show(run(typed('stats'), { type: 'left' }, { type: 'insert', text: 'u' })), 'statu|s');
  assert.equal(show(run(typed('ab'), { type: 'backspace' }, { type: 'backspace' }, { type: 'backspace' })), '|');
  assert.equal(show(run(typed('ab'), { type: 'delete' })), 'ab|');
  assert.equal(show(run(typed('abc'), { type: 'home' }, { type: 'delete' })), '|bc');
  assert.equal(show(run(typed('abc'), { type: 'home' }, { type: 'left' })), '|abc');
  assert.equal(show(run(typed('abc'), { type: 'right' })), 'abc|');
  assert.equal(show(run(typed('abc'), { type: 'home' }, { type: 'end' })), 'abc|');
  // Control characters never become text.
  assert.equal(show(typed('a\tb\x1bc')), 'abc|');
});

test('a character outside the BMP is one step for the cursor and for backspace', () => {
  const s = typed('a😀b');
  assert.equal(show(run(s, { type: 'left' }, { type: 'left' })), 'a|😀b');
  assert.equal(show(run(s, { type: 'left' }, { type: 'backspace' })), 'a|b');
  assert.equal(show(run(s, { type: 'home' }, { type: 'right' }, { type: 'delete' })), 'a|b');
});

test('Ctrl-U, Ctrl-W, Ctrl-K and word moves', () => {
  const s = at('bounceconfig edit Slow', 18);
  assert.equal(show(run(s, { type: 'killToStart' })), '|Slow');
  assert.equal(show(run(s, { type: 'killToEnd' })), 'bounceconfig edit |');
  assert.equal(show(run(s, { type: 'killWordBefore' })), 'bounceconfig |Slow');
  assert.equal(show(run(at('one two  ', 9), { type: 'killWordBefore' })), 'one |');
  assert.equal(show(run(s, { type: 'wordLeft' })), 'bounceconfig |edit Slow');
  assert.equal(show(run(s, { type: 'wordRight' })), 'bounceconfig edit Slow|');
  assert.equal(show(run(at('a-b', 3), { type: 'wordLeft' })), 'a-|b');
});

test('↑ and ↓ walk the history and give the typed line back past the newest entry', () => {
  const history = ['status', 'tophosts', 'version'];
  const up = { type: 'historyPrev', history } as const;
  const down = { type: 'historyNext', history } as const;
  const s = typed('sus');
  assert.equal(show(run(s, up)), 'version|');
  assert.equal(show(run(s, up, up, up)), 'status|');
  assert.equal(show(run(s, up, up, up, up)), 'status|', 'stops at the oldest');
  assert.equal(show(run(s, up, up, down)), 'version|');
  assert.equal(show(run(s, up, down)), 'sus|', 'the draft comes back');
  assert.equal(show(run(s, down)), 'sus|', '↓ without recall does nothing');
  assert.equal(show(run(EMPTY_LINE, { type: 'historyPrev', history: [] })), '|');
  // An edited recalled line can still be left with ↓.
  assert.equal(show(run(s, up, { type: 'insert', text: ' x' }, down)), 'sus|');
});

test('Tab: one candidate completes the word and adds a space at the main prompt', () => {
  const r = completeLine(typed('suspendl'), ['suspendlistener'], COMMAND_COMPLETION);
  assert.equal(show(r.state), 'suspendlistener |');
  assert.deepEqual(r.shown, []);
  // The engine's candidates for the second word.
  assert.equal(show(completeLine(typed('bounceconfig e'), ['edit'], COMMAND_COMPLETION).state), 'bounceconfig edit |');
  // Case does not matter; the candidate's spelling wins.
  assert.equal(show(completeLine(typed('SUSPENDL'), ['suspendlistener'], COMMAND_COMPLETION).state), 'suspendlistener |');
  // In the middle of a line, over an existing space.
  assert.equal(show(completeLine(at('stat detail', 4), ['status'], COMMAND_COMPLETION).state), 'status |detail');
});

test('Tab: several candidates extend to their common prefix, else they are shown', () => {
  const cands = ['suspend', 'suspenddel', 'suspendlistener'];
  const r1 = completeLine(typed('sus'), cands, COMMAND_COMPLETION);
  assert.equal(show(r1.state), 'suspend|');
  assert.deepEqual(r1.shown, []);
  const r2 = completeLine(r1.state, cands, COMMAND_COMPLETION);
  assert.equal(show(r2.state), 'suspend|');
  assert.deepEqual(r2.shown, cands);
  const r3 = completeLine(typed('xyz'), cands, COMMAND_COMPLETION);
  assert.equal(r3.state.text, 'xyz');
  assert.deepEqual(r3.shown, []);
});

test('Tab in an answer completes menu words and names, after commas too, without a space', () => {
  assert.equal(show(completeLine(typed('n'), ['NEW', 'EDIT', 'DELETE'], ANSWER_COMPLETION).state), 'NEW|');
  assert.equal(show(completeLine(typed('All,Inc'), ['All', 'IncomingMail', 'OutgoingMail'], ANSWER_COMPLETION).state), 'All,IncomingMail|');
  assert.equal(show(completeLine(typed('Sl'), ['Default', 'Slow'], ANSWER_COMPLETION).state), 'Slow|');
});

test('the completion request is the command before the cursor, after the last ";"', () => {
  assert.equal(completionRequest(typed('status; suspendl')), 'suspendl');
  assert.equal(completionRequest(at('bounceconfig ed xyz', 15)), 'bounceconfig ed');
  assert.equal(completionRequest(typed('  vers')), 'vers');
});
