// Batch mode (stdin not a terminal) and `-c "LINE"`: the same session as the interactive
// shell, with answers read from the following input lines (batch) or taken as defaults (-c),
// and the transcript printed as a session would show it. Every prompt and question is written
// before its line is read, so a client that waits for the prompt before it types (expect,
// pexpect) works over a pipe, and one that types everything at once gets the same transcript:
// lines go, in order, to whatever reads next (line-input.ts). The plain line shell at a terminal
// (line-shell.ts: locally and over SSH) is this front end on a terminal's lines, which echo
// themselves. No Ink, no React.
import type { Readable, Writable } from 'node:stream';
import type { AskParams, AskResult, StatusParams } from '../src/appliance/control/protocol.js';
import type { ControlClient } from './client.js';
import { openSession, type SessionSource, type ShellTerminal } from './front-end.js';
import { ANSWER_COMPLETION, COMMAND_COMPLETION, completeLine, completionRequest, type LineState } from './line-editor.js';
import { INTERRUPTED, PipeLines, WITHDRAWN, type LineSource } from './line-input.js';

export interface BatchStreams {
  output: Writable;
  errors: Writable;
}

export interface BatchOptions {
  /** The client name for the engine: `batch` (live commands end by themselves) or `line` (a person who can press Ctrl-C). */
  client?: 'batch' | 'line';
  /** The main prompt is on the screen already (the interactive shell wrote it while it chose its front end). */
  promptShown?: boolean;
  /** The command history: ↑/↓ recall it at a terminal, and each command run is added. */
  history?: { readonly entries: readonly string[]; add(line: string): unknown };
}

/** The last line of a question as shown (what a terminal shows again after listing completions). */
const lastLine = (text: string) => text.slice(text.lastIndexOf('\n') + 1);

/** Answers questions from the lines after the command. */
class BatchTerminal implements ShellTerminal {
  pendingChanges = 0;
  constructor(
    readonly lines: LineSource,
    readonly out: Writable,
  ) {}

  print(text: string): void {
    this.out.write(text);
  }

  async ask(q: AskParams): Promise<AskResult> {
    // The question first, then the answer is read: whoever types may wait for the prompt.
    const shown = `${q.label ? `${q.label}\n` : ''}${q.prompt}`;
    this.out.write(shown);
    if (q.pause) return this.#pagerKey(q.prompt);
    const choices = q.choices ?? [];
    const line = await this.lines.next({
      secret: q.secret,
      prompt: lastLine(shown),
      complete: (state: LineState) => completeLine(state, choices, ANSWER_COMPLETION),
    });
    if (line === INTERRUPTED) return { interrupt: true };
    // Taken back by the engine: nothing was read, and the engine no longer waits for this reply.
    if (line === WITHDRAWN) return { eof: true };
    if (line === null) {
      this.out.write('\n');
      return { eof: true };
    }
    // A pipe echoes nothing: the answer is written after its question, as a terminal shows it.
    if (!this.lines.echoes) this.out.write(`${q.secret ? '' : line}\n`);
    return { answer: line };
  }

  withdraw(): void {
    this.lines.withdraw();
  }

  /** A pager stop: any key goes on (`q` stops); its line is erased once answered. */
  async #pagerKey(prompt: string): Promise<AskResult> {
    const key = await this.lines.nextKey();
    this.out.write(`\r${' '.repeat(prompt.length)}\r`);
    if (key === INTERRUPTED) return { interrupt: true };
    return { answer: typeof key === 'string' ? key : 'q' };
  }

  status(s: StatusParams): void {
    this.pendingChanges = s.pendingChanges;
  }
}

/**
 * Takes every default (an empty answer); a question asked again (its default was refused,
 * or it has none) ends the dialog as end of input would. Drops the blank line that opens
 * the output and the one that closes it, so `esa shell -c status` prints just the report.
 */
class DefaultsTerminal implements ShellTerminal {
  pendingChanges = 0;
  #started = false;
  /** Blank lines not written yet: written only if more output follows. */
  #held = '';
  #atLineStart = true;
  constructor(readonly out: Writable) {}

  print(text: string): void {
    let t = this.#held + text;
    this.#held = '';
    if (!this.#started) {
      this.#started = true;
      if (t.startsWith('\n')) t = t.slice(1);
    }
    const body = t.replace(/\n+$/, '');
    const newlines = t.length - body.length;
    if (body === '') {
      // Only newlines: blank lines if we are at a line start, else the end of a line first.
      if (!this.#atLineStart && newlines > 0) {
        this.out.write('\n');
        this.#atLineStart = true;
        this.#held = '\n'.repeat(newlines - 1);
      } else {
        this.#held = t;
      }
      return;
    }
    this.out.write(newlines > 0 ? `${body}\n` : body);
    this.#atLineStart = newlines > 0;
    this.#held = '\n'.repeat(Math.max(0, newlines - 1));
  }

  async ask(q: AskParams): Promise<AskResult> {
    // A line of a conversation (telnet) has no default: -c ends it as end of input would.
    if (q.prompt === '' && q.label === '') return { eof: true };
    this.print(`${q.label ? `${q.label}\n` : ''}${q.prompt}\n`);
    return q.attempt > 1 ? { eof: true } : { answer: '' };
  }

  status(s: StatusParams): void {
    this.pendingChanges = s.pendingChanges;
  }
}

function warnDiscarded(terminal: { pendingChanges: number }, streams: BatchStreams, when: string): void {
  if (terminal.pendingChanges > 0) {
    streams.errors.write(`esa: ${when}: ${terminal.pendingChanges} uncommitted change(s) discarded (use "commit")\n`);
  }
}

/**
 * Runs a session on lines (a pipe's, or a terminal's); returns the exit status (0 all
 * succeeded, 1 any command failed; a person's line shell ends with 0 however its commands went).
 */
export async function runBatch(source: SessionSource, input: Readable | LineSource, streams: BatchStreams, options: BatchOptions = {}): Promise<number> {
  const lines: LineSource = 'next' in input ? input : new PipeLines(input);
  const person = options.client === 'line';
  const terminal = new BatchTerminal(lines, streams.output);
  let client: ControlClient | undefined;
  // Ctrl-C while a command runs and asks nothing: it is interrupted (an open read gets INTERRUPTED instead).
  lines.onInterrupt = () => client?.interrupt();
  const session = await openSession(source, terminal, options.client ?? 'batch');
  client = session.client;
  let prompt = session.prompt;
  let promptShown = options.promptShown ?? false;
  let failed = false;
  const completeCommand = async (state: LineState) => completeLine(state, await session.client.complete(completionRequest(state)), COMMAND_COMPLETION);
  // The engine went away while the prompt waits: the session is over.
  const lost = session.client.closed.then((reason) => ({ lost: reason ?? 'the engine closed the connection' }));
  try {
    for (;;) {
      if (!promptShown) streams.output.write(prompt);
      promptShown = false;
      const read = await Promise.race([lines.next({ prompt, complete: completeCommand, history: options.history?.entries ?? [] }), lost]);
      if (typeof read === 'object' && read !== null) {
        if (read.lost !== 'the engine closed the connection') streams.errors.write(`esa: ${read.lost}\n`);
        return 1;
      }
      let line = read;
      // Ctrl-C at the prompt shows a new one; nothing withdraws the main prompt's read.
      if (line === INTERRUPTED || line === WITHDRAWN) continue;
      // Ctrl-D at a person's prompt leaves as `quit` does (which asks first when changes are not committed).
      if (line === null && person && !lines.ended) {
        line = 'quit';
        streams.output.write(`${line}\n`);
      } else if (line === null) {
        streams.output.write('\n');
        break;
      } else if (!lines.echoes) streams.output.write(`${line}\n`);
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      options.history?.add(line);
      const result = await client.run(line);
      prompt = result.prompt;
      if (!result.ok) {
        failed = true;
        // A person reads the error in the transcript; a script also gets it on stderr.
        if (result.error && !person) streams.errors.write(`${result.error}\n`);
      }
      if (result.exit) break;
    }
  } catch (e) {
    streams.errors.write(`esa: ${(e as Error).message}\n`);
    return 1;
  } finally {
    client.close();
  }
  warnDiscarded(terminal, streams, 'end of input');
  // A person's session (the line shell) ends well however its commands went, as the Ink shell's does.
  return failed && !person ? 1 : 0;
}

/** `-c "LINE"`: one line (`;` joins commands), questions take their defaults. */
export async function runCommandLine(source: SessionSource, line: string, streams: BatchStreams): Promise<number> {
  const terminal = new DefaultsTerminal(streams.output);
  const { client } = await openSession(source, terminal, 'command');
  try {
    const result = await client.run(line);
    if (!result.ok && result.error) streams.errors.write(`${result.error}\n`);
    warnDiscarded(terminal, streams, 'end of the command line');
    return result.ok ? 0 : 1;
  } catch (e) {
    streams.errors.write(`esa: ${(e as Error).message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
