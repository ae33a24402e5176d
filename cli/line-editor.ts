// The prompt's line editor as a pure reducer: the text being typed, the cursor, history recall
// and Tab completion. No terminal and no React here; cli/ink/ feeds it keys and renders it.

export interface LineState {
  readonly text: string;
  /** Index into `text` (UTF-16 units, always on a code point boundary), 0..text.length. */
  readonly cursor: number;
  /** Which history entry is shown while recalling with ↑/↓; null when editing a fresh line. */
  readonly recall: number | null;
  /** The line that was being typed when recall started, given back past the newest entry. */
  readonly draft: string;
}

export const EMPTY_LINE: LineState = { text: '', cursor: 0, recall: null, draft: '' };

export type EditAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'wordLeft' }
  | { type: 'wordRight' }
  /** Ctrl-U: everything before the cursor. */
  | { type: 'killToStart' }
  /** Ctrl-W: the whitespace-delimited word before the cursor. */
  | { type: 'killWordBefore' }
  /** Ctrl-K: everything from the cursor on. */
  | { type: 'killToEnd' }
  | { type: 'historyPrev'; history: readonly string[] }
  | { type: 'historyNext'; history: readonly string[] };

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The code point boundary before `i`. */
function before(text: string, i: number): number {
  if (i <= 0) return 0;
  return i >= 2 && isLowSurrogate(text.charCodeAt(i - 1)) && isHighSurrogate(text.charCodeAt(i - 2)) ? i - 2 : i - 1;
}

/** The code point boundary after `i`. */
function after(text: string, i: number): number {
  if (i >= text.length) return text.length;
  return i + 1 < text.length && isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1)) ? i + 2 : i + 1;
}

const isWordChar = (ch: string) => /[\p{L}\p{N}_]/u.test(ch);

function wordStartBefore(text: string, i: number): number {
  let j = i;
  while (j > 0 && !isWordChar(text[j - 1])) j--;
  while (j > 0 && isWordChar(text[j - 1])) j--;
  return j;
}

function wordEndAfter(text: string, i: number): number {
  let j = i;
  while (j < text.length && !isWordChar(text[j])) j++;
  while (j < text.length && isWordChar(text[j])) j++;
  return j;
}

function withText(state: LineState, text: string, cursor: number): LineState {
  return text === state.text && cursor === state.cursor ? state : { ...state, text, cursor };
}

/** Shows history entry `index` (or the draft when index is past the newest). */
function recallEntry(state: LineState, history: readonly string[], index: number): LineState {
  if (index >= history.length) return { text: state.draft, cursor: state.draft.length, recall: null, draft: '' };
  const text = history[index];
  return { text, cursor: text.length, recall: index, draft: state.recall === null ? state.text : state.draft };
}

export function editLine(state: LineState, action: EditAction): LineState {
  const { text, cursor } = state;
  switch (action.type) {
    case 'insert': {
      // Only printable text reaches the line: control characters are keys, not text.
      const clean = action.text.replace(/[\u0000-\u001f\u007f]/g, '');
      if (clean === '') return state;
      return withText(state, text.slice(0, cursor) + clean + text.slice(cursor), cursor + clean.length);
    }
    case 'backspace': {
      const from = before(text, cursor);
      return withText(state, text.slice(0, from) + text.slice(cursor), from);
    }
    case 'delete': {
      const to = after(text, cursor);
      return withText(state, text.slice(0, cursor) + text.slice(to), cursor);
    }
    case 'left':
      return withText(state, text, before(text, cursor));
    case 'right':
      return withText(state, text, after(text, cursor));
    case 'home':
      return withText(state, text, 0);
    case 'end':
      return withText(state, text, text.length);
    case 'wordLeft':
      return withText(state, text, wordStartBefore(text, cursor));
    case 'wordRight':
      return withText(state, text, wordEndAfter(text, cursor));
    case 'killToStart':
      return withText(state, text.slice(cursor), 0);
    case 'killWordBefore': {
      let from = cursor;
      while (from > 0 && /\s/.test(text[from - 1])) from--;
      while (from > 0 && !/\s/.test(text[from - 1])) from--;
      return withText(state, text.slice(0, from) + text.slice(cursor), from);
    }
    case 'killToEnd':
      return withText(state, text.slice(0, cursor), cursor);
    case 'historyPrev': {
      const index = state.recall ?? action.history.length;
      if (index <= 0) return state;
      return recallEntry(state, action.history, index - 1);
    }
    case 'historyNext':
      if (state.recall === null) return state;
      return recallEntry(state, action.history, state.recall + 1);
  }
}

/** A fresh line holding `text` with the cursor at its end. */
export function lineOf(text: string): LineState {
  return { text, cursor: text.length, recall: null, draft: '' };
}

// ----- completion -----

export interface CompletionOptions {
  /** Characters that separate words: whitespace at the main prompt, also commas in answers. */
  separators: RegExp;
  /** Add a space after a word completed in full (the main prompt: another word may follow). */
  addSpace: boolean;
}

export const COMMAND_COMPLETION: CompletionOptions = { separators: /[\s;]/, addSpace: true };
export const ANSWER_COMPLETION: CompletionOptions = { separators: /[\s,]/, addSpace: false };

/** Where the word being completed starts: the last separator before the cursor, plus one. */
export function partialWordStart(state: LineState, separators: RegExp): number {
  let start = state.cursor;
  while (start > 0 && !separators.test(state.text[start - 1])) start--;
  return start;
}

/** What the engine's completion request gets: the command before the cursor (after the last `;`). */
export function completionRequest(state: LineState): string {
  const beforeCursor = state.text.slice(0, state.cursor);
  return beforeCursor.slice(beforeCursor.lastIndexOf(';') + 1).trimStart();
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i].toLowerCase() === w[i].toLowerCase()) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

export interface CompletionResult {
  state: LineState;
  /** Candidates to show the user (the completion is ambiguous and the line could not grow). */
  shown: string[];
}

/**
 * Completes the word before the cursor from `candidates` (matched case-insensitively by
 * prefix): one match replaces the word; several extend it to their common prefix, or, when
 * that adds nothing, are returned to be shown.
 */
export function completeLine(state: LineState, candidates: readonly string[], options: CompletionOptions): CompletionResult {
  const start = partialWordStart(state, options.separators);
  const word = state.text.slice(start, state.cursor);
  const matches = [...new Set(candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())))];
  if (matches.length === 0) return { state, shown: [] };
  const replaceWith = (replacement: string): LineState => {
    const rest = state.text.slice(state.cursor);
    const text = state.text.slice(0, start) + replacement + rest;
    return { ...state, text, cursor: start + replacement.length };
  };
  if (matches.length === 1) {
    const rest = state.text.slice(state.cursor);
    const space = options.addSpace && !/^\s/.test(rest) ? ' ' : '';
    const next = replaceWith(matches[0] + space);
    // Over an existing space, step past it as if it had been typed.
    return { state: space === '' && options.addSpace && rest.startsWith(' ') ? { ...next, cursor: next.cursor + 1 } : next, shown: [] };
  }
  const prefix = commonPrefix(matches);
  if (prefix.length > word.length) return { state: replaceWith(prefix), shown: [] };
  return { state, shown: matches };
}
