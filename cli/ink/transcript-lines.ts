// The transcript as a pure model: finished lines waiting to be written once by <Static>, the
// newest output lines still held live (a refused answer's reason or a failed command's error
// turns red only once the engine says so), and an unfinished output line.

export type LineTone =
  /** Command output as the engine printed it. */
  | 'output'
  /** Why a command failed or an answer was refused. */
  | 'error'
  /** `-- Changes not recorded.` after Ctrl-C or end of input. */
  | 'notice'
  /** The main prompt and the command typed at it. */
  | 'command'
  /** A question's prompt (`[default]> `) and its answer. */
  | 'answer';

export interface TranscriptLine {
  id: number;
  tone: LineTone;
  /** For `command` and `answer` lines: the prompt shown before the typed text. */
  prompt?: string;
  /** For `answer` lines: the default inside the prompt's brackets, shown distinctly. */
  default?: string;
  text: string;
}

export interface TranscriptState {
  /** Finished lines not yet written by <Static>; written ones are dropped (the terminal keeps them). */
  readonly lines: readonly TranscriptLine[];
  /** Key of the current <Static>: a new one starts after every write, so memory stays bounded. */
  readonly batch: number;
  /** The newest output lines, shown live until the next output, question or command end. */
  readonly held: readonly TranscriptLine[];
  /** Output after the last newline. */
  readonly partial: string;
  readonly nextId: number;
}

export const EMPTY_TRANSCRIPT: TranscriptState = { lines: [], batch: 0, held: [], partial: '', nextId: 1 };

/** Lines kept live at most: a long report is written through, only its last lines wait. */
export const MAX_HELD = 4;

export const NOT_RECORDED = '-- Changes not recorded.';

export type TranscriptEvent =
  /** Output of the running command. */
  | { type: 'output'; text: string }
  /** A command line was entered at the main prompt. */
  | { type: 'command'; prompt: string; text: string }
  /** A question's label is shown; `attempt` > 1 means the previous answer was refused. */
  | { type: 'question'; label: string; attempt: number }
  /** A question was answered (or abandoned: text ends in `^C` / `^D`). */
  | { type: 'answer'; prompt: string; default?: string; text: string }
  /** The command line finished; `error` is the failure the engine reported (already printed). */
  | { type: 'finished'; error?: string }
  /** <Static> of `batch` wrote its first `count` lines. */
  | { type: 'written'; batch: number; count: number };

const isBlank = (line: TranscriptLine) => `${line.prompt ?? ''}${line.text}`.trim() === '';

/** What is left of a line after its carriage returns (one just before the newline is CRLF). */
function overwritten(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return text.slice(text.lastIndexOf('\r') + 1);
}

function addLines(state: TranscriptState, lines: Omit<TranscriptLine, 'id'>[]): TranscriptState {
  if (lines.length === 0) return state;
  let id = state.nextId;
  const added = lines.map((l) => ({ ...l, id: id++ }));
  return { ...state, lines: [...state.lines, ...added], nextId: id };
}

/** Moves the held lines (and an unfinished line) into the finished ones. */
function release(state: TranscriptState, withPartial: boolean): TranscriptState {
  let next: TranscriptState = { ...state, lines: [...state.lines, ...state.held], held: [] };
  if (withPartial && state.partial !== '') next = addLines({ ...next, partial: '' }, [{ tone: 'output', text: state.partial }]);
  return next;
}

function retone(lines: readonly TranscriptLine[], tone: (line: TranscriptLine) => LineTone): TranscriptLine[] {
  return lines.map((l) => ({ ...l, tone: tone(l) }));
}

export function transcriptReducer(state: TranscriptState, event: TranscriptEvent): TranscriptState {
  switch (event.type) {
    case 'output': {
      // A carriage return starts its line over, as on a terminal: a live figure (a rate, a
      // progress bar) printed as `\r...` without a newline updates in place.
      const pieces = (state.partial + event.text).split('\n');
      // The unfinished line: what follows its last carriage return (none after a trailing one:
      // the line was blanked and starts over, as a finished live line is cleared).
      const last = pieces.pop() ?? '';
      const partial = last.slice(last.lastIndexOf('\r') + 1);
      if (pieces.length === 0) return { ...state, partial };
      let id = state.nextId;
      const fresh: TranscriptLine[] = pieces.map(overwritten).map((text) => ({ id: id++, tone: text === NOT_RECORDED ? 'notice' : 'output', text }));
      // New text replaces what was held; blank lines only join it.
      const startsOver = fresh.some((l) => !isBlank(l));
      let next: TranscriptState = startsOver ? release(state, false) : state;
      let held = [...next.held, ...fresh];
      if (held.length > MAX_HELD) {
        next = { ...next, lines: [...next.lines, ...held.slice(0, held.length - MAX_HELD)] };
        held = held.slice(held.length - MAX_HELD);
      }
      return { ...next, held, partial, nextId: id };
    }
    case 'command':
      return addLines(release(state, true), [{ tone: 'command', prompt: event.prompt, text: event.text }]);
    case 'question': {
      // The engine prints the reason for a refusal just before asking again.
      const held = event.attempt > 1 ? retone(state.held, (l) => (isBlank(l) ? l.tone : 'error')) : state.held;
      const labelLines = event.label.split('\n');
      if (state.partial !== '') labelLines[0] = state.partial + labelLines[0];
      const next = release({ ...state, held, partial: '' }, false);
      return addLines(
        next,
        labelLines.map((text) => ({ tone: 'output', text })),
      );
    }
    case 'answer':
      return addLines(release(state, true), [{ tone: 'answer', prompt: event.prompt, default: event.default, text: event.text }]);
    case 'finished': {
      const error = event.error?.trim();
      const held = error ? retone(state.held, (l) => (l.text.trim() === error ? 'error' : l.tone)) : state.held;
      return release({ ...state, held }, true);
    }
    case 'written':
      if (event.batch !== state.batch || event.count === 0) return state;
      return { ...state, lines: state.lines.slice(event.count), batch: state.batch + 1 };
  }
}

/**
 * The finished lines split into those <Static> may write now and the blank ones at the end,
 * which wait (shown live) for the next text: Ink skips a static write that is only blank
 * lines, which would lose them.
 */
export function writableLines(lines: readonly TranscriptLine[]): { write: TranscriptLine[]; waiting: TranscriptLine[] } {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1])) end--;
  return { write: lines.slice(0, end), waiting: lines.slice(end) };
}

/** The transcript as plain text lines, as batch mode prints it (for tests and debugging). */
export function plainText(line: TranscriptLine): string {
  return `${line.prompt ?? ''}${line.text}`;
}
