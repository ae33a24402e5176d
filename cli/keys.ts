// Terminal input to keys: a raw chunk (typed, pasted, or several keys at once) becomes the
// list of keys it holds, for the Ink shell and the plain line shell alike. Pasted text arrives
// as one chunk with `\r` inside, so Enter, Tab and control keys are found anywhere in it. As a
// terminal in cooked mode reads (CR mapped to a line end), every CR and every LF is one Enter:
// CR LF is two.
import type { EditAction } from './line-editor.js';

export type KeyName =
  | 'return'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'wordLeft'
  | 'wordRight'
  | 'killToStart'
  | 'killWordBefore'
  | 'killToEnd'
  /** Ctrl-C */
  | 'interrupt'
  /** Ctrl-D */
  | 'endOfInput'
  /** Ctrl-L */
  | 'redraw';

export type Key = { text: string } | { name: KeyName };

const CONTROL: Record<string, KeyName> = {
  '\r': 'return',
  '\n': 'return',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x01': 'home',
  '\x05': 'end',
  '\x02': 'left',
  '\x06': 'right',
  '\x10': 'up',
  '\x0e': 'down',
  '\x15': 'killToStart',
  '\x17': 'killWordBefore',
  '\x0b': 'killToEnd',
  '\x03': 'interrupt',
  '\x04': 'endOfInput',
  '\x0c': 'redraw',
};

/** CSI and SS3 sequences by their body (what follows `ESC [` or `ESC O`). */
const SEQUENCES: Record<string, KeyName> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  '1~': 'home',
  '7~': 'home',
  '4~': 'end',
  '8~': 'end',
  '3~': 'delete',
  // Ctrl or Alt with an arrow: a word at a time.
  '1;5C': 'wordRight',
  '1;3C': 'wordRight',
  '1;5D': 'wordLeft',
  '1;3D': 'wordLeft',
  '1;5H': 'home',
  '1;5F': 'end',
};

/** Alt-letter keys (ESC then the letter). */
const META: Record<string, KeyName> = {
  b: 'wordLeft',
  f: 'wordRight',
  '\x7f': 'killWordBefore',
  '\b': 'killWordBefore',
};

const CSI = /^\x1b\[([0-?]*[ -/]*[@-~])/;
const SS3 = /^\x1bO([@-~])/;

/** The keys of one chunk of terminal input, in order. Unknown sequences are dropped. */
export function decodeKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  let text = '';
  const flushText = () => {
    if (text) keys.push({ text });
    text = '';
  };
  const push = (name: KeyName | undefined) => {
    flushText();
    if (name) keys.push({ name });
  };
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i];
    if (ch === '\x1b') {
      const rest = chunk.slice(i);
      const csi = CSI.exec(rest) ?? SS3.exec(rest);
      if (csi) {
        // Bracketed-paste markers and unknown sequences carry no key.
        push(SEQUENCES[csi[1]]);
        i += csi[0].length;
      } else if (i + 1 < chunk.length) {
        push(META[chunk[i + 1]]);
        i += 2;
      } else {
        push(undefined);
        i++;
      }
      continue;
    }
    const control = CONTROL[ch];
    if (control) push(control);
    else if (ch >= ' ') text += ch;
    i++;
  }
  flushText();
  return keys;
}

/**
 * Keys of a stream of chunks: an escape sequence cut at the end of a chunk (a network may
 * split one) is kept for the next chunk instead of being taken as ESC and text.
 */
export class KeyStream {
  #carry = '';

  feed(chunk: string): Key[] {
    let text = this.#carry + chunk;
    this.#carry = '';
    const cut = /\x1b(?:\[[0-?]*[ -/]*|O)?$/.exec(text);
    if (cut) {
      this.#carry = cut[0];
      text = text.slice(0, cut.index);
    }
    return decodeKeys(text);
  }
}

/** The line-editing action of a key; null for keys the shell handles itself (Enter, Tab, ↑/↓, Ctrl-C/D). */
export function editActionOf(key: Key): EditAction | null {
  if ('text' in key) return { type: 'insert', text: key.text };
  switch (key.name) {
    case 'backspace':
    case 'delete':
    case 'left':
    case 'right':
    case 'home':
    case 'end':
    case 'wordLeft':
    case 'wordRight':
    case 'killToStart':
    case 'killWordBefore':
    case 'killToEnd':
      return { type: key.name };
    default:
      return null;
  }
}
