// What a key pressed at the pager's stop (`-Press Any Key For More-`) does, for every terminal
// front end (the Ink shell, the line shell, SSH): Space, Enter or a cursor key shows the next
// screenful; `q` stops the listing; any other text means the reader is typing a command: the
// rest of the listing is dropped and the text is kept as the start of the next line, so
// `resume` typed at the stop runs `resume`, not `esume`.
import type { Key } from './keys.js';

export type PagerKeyAction =
  /** The next screenful. */
  | { kind: 'more' }
  /** The rest of this command's output is dropped. */
  | { kind: 'stop' }
  /** The rest is dropped, and `text` is the start of the line typed at the prompt. */
  | { kind: 'typed'; text: string };

/** The answer that stops the listing (the engine drops the rest on an answer starting with `q`). */
export const PAGER_STOP_ANSWER = 'q';

/** What `key` does at a pager stop (Ctrl-C and Ctrl-D are the front end's own). */
export function pagerKeyAction(key: Key): PagerKeyAction {
  if (!('text' in key) || key.text.trim() === '') return { kind: 'more' };
  if (key.text === 'q' || key.text === 'Q') return { kind: 'stop' };
  return { kind: 'typed', text: key.text };
}
