// The interactive shell's behaviour without any rendering: keys in, engine calls out, and one
// immutable snapshot for the Ink components to draw. It is the ShellTerminal of the session.
import type { AskParams, AskResult, RunResult, ScreenParams, StatusParams } from '../../src/appliance/control/protocol.js';
import type { ShellTerminal } from '../client.js';
import {
  ANSWER_COMPLETION,
  COMMAND_COMPLETION,
  EMPTY_LINE,
  completeLine,
  completionRequest,
  editLine,
  type EditAction,
  type LineState,
} from '../line-editor.js';
import { decodeKeys, editActionOf, type Key } from '../keys.js';
import { LineQueue } from '../line-input.js';
import { PAGER_STOP_ANSWER, pagerKeyAction } from '../pager-key.js';
import { EMPTY_TRANSCRIPT, transcriptReducer, type TranscriptEvent, type TranscriptState } from './transcript-lines.js';

/** What the shell needs of the control client (tests pass a fake). */
export interface ShellEngine {
  run(line: string): Promise<RunResult>;
  interrupt(): void;
  complete(line: string): Promise<string[]>;
  /** The output area changed size: the engine pages long output and wraps help to it. */
  resize?(screen: ScreenParams): void;
}

/** The command history (cli/history.ts). */
export interface ShellHistory {
  readonly entries: readonly string[];
  add(line: string): unknown;
}

/**
 * idle: the main prompt; running: a command runs and asks nothing (typed lines wait for it);
 * question: a command's question waits for an answer; closed: the session is over.
 */
export type ShellMode = 'idle' | 'running' | 'question' | 'closed';

export interface ShellSnapshot {
  readonly mode: ShellMode;
  /** The main prompt, `mail.example.com> `. */
  readonly prompt: string;
  readonly question: AskParams | null;
  readonly line: LineState;
  readonly transcript: TranscriptState;
  readonly status: StatusParams | null;
  /** One line under the prompt: completion candidates or a tip. */
  readonly hint: string | null;
  /** The exit status once the session is over. */
  readonly exitCode: number | null;
}

export const LEAVE_TIP = 'Type "quit" or press Ctrl-D on an empty line to leave.';

/** Rows of the terminal that are not output: the status bar and the row Ink leaves for the cursor. */
export const SCREEN_OWN_ROWS = 2;

export class ShellController implements ShellTerminal {
  #snapshot: ShellSnapshot;
  #engine: ShellEngine | null = null;
  readonly #listeners = new Set<() => void>();
  #notifyScheduled = false;
  /** Lines entered while a command ran: they answer its next questions, or run after it (as pasted): the one input model of line-input.ts. */
  readonly #typedAhead = new LineQueue();
  #answer: ((result: AskResult) => void) | null = null;
  #statusKey = '';
  #screen: ScreenParams | null = null;

  constructor(
    readonly history: ShellHistory,
    prompt = '> ',
  ) {
    this.#snapshot = {
      mode: 'idle',
      prompt,
      question: null,
      line: EMPTY_LINE,
      transcript: EMPTY_TRANSCRIPT,
      status: null,
      hint: null,
      exitCode: null,
    };
  }

  /** Connects the controller to the engine once the session is open. */
  attach(engine: ShellEngine, prompt: string, closed?: Promise<string | undefined>): void {
    this.#engine = engine;
    if (this.#screen) engine.resize?.(this.#screen);
    this.#set({ prompt });
    void closed?.then((reason) => this.#lost(reason ?? 'the engine closed the connection'));
  }

  /**
   * The terminal's size as the screen has it; the engine is told the rows left for output
   * (the status bar and the cursor's row below the prompt are the screen's own).
   */
  readonly setScreen = (rows: number, columns: number): void => {
    const screen = { rows: Math.max(0, rows - SCREEN_OWN_ROWS), columns };
    if (this.#screen?.rows === screen.rows && this.#screen.columns === screen.columns) return;
    this.#screen = screen;
    this.#engine?.resize?.(screen);
  };

  // ----- the store the components read (useSyncExternalStore) -----

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): ShellSnapshot => this.#snapshot;

  #set(patch: Partial<ShellSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    // Many changes from one chunk of input or output make one render.
    if (this.#notifyScheduled) return;
    this.#notifyScheduled = true;
    queueMicrotask(() => {
      this.#notifyScheduled = false;
      for (const listener of this.#listeners) listener();
    });
  }

  #record(event: TranscriptEvent): void {
    this.#set({ transcript: transcriptReducer(this.#snapshot.transcript, event) });
  }

  /** <Static> wrote the first `count` lines of transcript batch `batch`. */
  readonly written = (batch: number, count: number): void => {
    this.#record({ type: 'written', batch, count });
  };

  // ----- ShellTerminal: what the engine calls -----

  print(text: string): void {
    this.#record({ type: 'output', text });
  }

  ask(q: AskParams): Promise<AskResult> {
    if (this.#snapshot.mode === 'closed') return Promise.resolve({ eof: true });
    if (q.pause) {
      // A pager stop has no label and waits for a key pressed now (typed-ahead lines are
      // commands and answers, not keys for the pager); its prompt line goes when answered.
      return new Promise((resolve) => {
        this.#answer = resolve;
        this.#set({ mode: 'question', question: q, hint: null });
      });
    }
    this.#record({ type: 'question', label: q.label, attempt: q.attempt });
    const ahead = this.#typedAhead.take() ?? undefined;
    if (ahead !== undefined) {
      this.#record({ type: 'answer', prompt: q.prompt, default: q.default, text: q.secret ? '' : ahead });
      return Promise.resolve({ answer: ahead });
    }
    return new Promise((resolve) => {
      this.#answer = resolve;
      this.#set({ mode: 'question', question: q, hint: null });
    });
  }

  /** The engine took the open question back: the line typed so far stays for what reads next. */
  withdraw(): void {
    const { mode, question } = this.#snapshot;
    if (mode !== 'question' || !question || question.pause) return;
    const answer = this.#answer;
    this.#answer = null;
    this.#set({ mode: 'running', question: null });
    answer?.({ eof: true });
  }

  status(s: StatusParams): void {
    // Pushed periodically: only a change makes a render.
    const key = JSON.stringify(s);
    if (key === this.#statusKey) return;
    this.#statusKey = key;
    this.#set({ status: s });
  }

  // ----- keys -----

  /** A chunk of terminal input: typed keys, or pasted text with several lines. */
  readonly input = (chunk: string): void => {
    for (const key of decodeKeys(chunk)) this.key(key);
  };

  key(key: Key): void {
    const s = this.#snapshot;
    if (s.mode === 'closed') return;
    // A pager stop (-Press Any Key For More-): Space, Enter or a cursor key goes on, `q` stops,
    // other text stops too and starts the next line (cli/pager-key.ts); Ctrl-C / Ctrl-D below.
    if (s.mode === 'question' && s.question?.pause && !('name' in key && (key.name === 'interrupt' || key.name === 'endOfInput'))) {
      const action = pagerKeyAction(key);
      this.#answerWith(action.kind === 'more' ? '' : PAGER_STOP_ANSWER);
      if (action.kind === 'typed') this.#edit({ type: 'insert', text: action.text });
      return;
    }
    if ('name' in key) {
      switch (key.name) {
        case 'return':
          return this.#enter();
        case 'tab':
          return this.#complete();
        case 'up':
        case 'down':
          if (s.mode !== 'question') this.#edit({ type: key.name === 'up' ? 'historyPrev' : 'historyNext', history: this.history.entries });
          return;
        case 'interrupt':
          return this.#interrupt();
        case 'endOfInput':
          if (s.line.text === '') return this.#endOfInput();
          return this.#edit({ type: 'delete' });
        case 'redraw':
          return;
      }
    }
    const action = editActionOf(key);
    if (action) this.#edit(action);
  }

  #edit(action: EditAction): void {
    const line = editLine(this.#snapshot.line, action);
    if (line !== this.#snapshot.line) this.#set({ line, hint: null });
  }

  #enter(): void {
    const { mode, line } = this.#snapshot;
    this.#set({ line: EMPTY_LINE, hint: null });
    if (mode === 'question') this.#answerWith(line.text);
    else if (mode === 'running') this.#typedAhead.push(line.text);
    else this.#runLine(line.text, true);
  }

  #answerWith(text: string): void {
    const q = this.#snapshot.question;
    const answer = this.#answer;
    if (!q || !answer) return;
    this.#answer = null;
    // A passphrase stays off the screen: its prompt line is kept without it.
    if (!q.pause) this.#record({ type: 'answer', prompt: q.prompt, default: q.default, text: q.secret ? '' : text });
    this.#set({ mode: 'running', question: null });
    answer({ answer: text });
  }

  /** Runs a command line typed at the main prompt (blank and `#` lines only show, as in batch mode). */
  #runLine(text: string, remember: boolean): void {
    const { prompt } = this.#snapshot;
    this.#record({ type: 'command', prompt, text });
    if (remember) this.history.add(text);
    const command = text.trim();
    if (command === '' || command.startsWith('#')) return this.#nextTypedAhead();
    const engine = this.#engine;
    if (!engine) return;
    this.#set({ mode: 'running' });
    engine.run(text).then(
      (result) => this.#finished(result),
      (e: Error) => this.#lost(e.message),
    );
  }

  #finished(result: RunResult): void {
    if (this.#snapshot.mode === 'closed') return;
    this.#record({ type: 'finished', error: result.ok ? undefined : result.error });
    if (result.exit) return this.#close(0);
    this.#set({ mode: 'idle', question: null, prompt: result.prompt });
    this.#nextTypedAhead();
  }

  #nextTypedAhead(): void {
    const next = this.#typedAhead.take() ?? undefined;
    if (next !== undefined) this.#runLine(next, true);
  }

  /** Ctrl-C: abandons the question or the running command (nothing applied); clears the line at the prompt. */
  #interrupt(): void {
    const { mode, line, question, prompt } = this.#snapshot;
    this.#typedAhead.interrupt();
    this.#set({ line: EMPTY_LINE, hint: null });
    if (mode === 'question' && question) {
      const answer = this.#answer;
      this.#answer = null;
      if (!question.pause) this.#record({ type: 'answer', prompt: question.prompt, default: question.default, text: `${line.text}^C` });
      this.#set({ mode: 'running', question: null });
      answer?.({ interrupt: true });
      this.#engine?.interrupt();
    } else if (mode === 'running') {
      this.#engine?.interrupt();
    } else if (line.text !== '') {
      this.#record({ type: 'command', prompt, text: `${line.text}^C` });
    } else {
      this.#set({ hint: LEAVE_TIP });
    }
  }

  /** Ctrl-D on an empty line: ends a question (nothing applied) or, at the prompt, quits (the engine warns about pending changes). */
  #endOfInput(): void {
    const { mode, question } = this.#snapshot;
    if (mode === 'question' && question) {
      const answer = this.#answer;
      this.#answer = null;
      this.#record({ type: 'answer', prompt: question.prompt, default: question.default, text: '^D' });
      this.#set({ mode: 'running', question: null });
      answer?.({ eof: true });
    } else if (mode === 'idle') {
      this.#runLine('quit', false);
    }
  }

  #complete(): void {
    const { mode, line, question } = this.#snapshot;
    if (mode === 'question' && question) {
      this.#showCompletion(completeLine(line, question.choices ?? [], ANSWER_COMPLETION));
    } else if (mode === 'idle' && this.#engine) {
      this.#engine.complete(completionRequest(line)).then(
        (candidates) => {
          // Typing went on meanwhile: this completion is for another line.
          if (this.#snapshot.line !== line || this.#snapshot.mode !== 'idle') return;
          this.#showCompletion(completeLine(line, candidates, COMMAND_COMPLETION));
        },
        () => undefined,
      );
    }
  }

  #showCompletion(result: { state: LineState; shown: string[] }): void {
    this.#set({ line: result.state, hint: result.shown.length > 0 ? result.shown.join('  ') : null });
  }

  // ----- the end -----

  #lost(reason: string): void {
    if (this.#snapshot.mode === 'closed') return;
    this.#answer?.({ eof: true });
    this.#answer = null;
    this.#record({ type: 'finished' });
    this.#record({ type: 'output', text: `esa: ${reason}\n` });
    this.#record({ type: 'finished', error: `esa: ${reason}` });
    this.#close(1);
  }

  #close(exitCode: number): void {
    this.#typedAhead.interrupt();
    this.#set({ mode: 'closed', question: null, exitCode, hint: null });
  }
}
