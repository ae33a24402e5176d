// Batch mode (stdin not a terminal) and `-c "LINE"`: the same session as the interactive
// shell, with answers read from the following input lines (batch) or taken as defaults (-c),
// and the transcript printed as a session would show it. Every prompt and question is written
// before its line is read, so a client that waits for the prompt before it types (expect,
// pexpect) works over a pipe. The SSH line mode (a pty with TERM=dumb) is this front end too,
// with the echo left to its line discipline. No Ink, no React.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AskParams, AskResult, StatusParams } from '../src/appliance/control/protocol.js';
import type { ControlClient } from './client.js';
import { openSession, type SessionSource, type ShellTerminal } from './front-end.js';

/** What `next()` gives when Ctrl-C was pressed while a line was awaited. */
export const INTERRUPTED = Symbol('interrupted');

/** Lines of a stream, one at a time, kept in order as they arrive (type-ahead); null at its end. */
export class LineReader {
  readonly #lines: string[] = [];
  #ended = false;
  #waiting: ((line: string | null | typeof INTERRUPTED) => void) | null = null;

  constructor(input: Readable) {
    const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
    rl.on('line', (line) => this.#push(line));
    rl.on('close', () => {
      this.#ended = true;
      this.#wake(null);
    });
  }

  next(): Promise<string | null | typeof INTERRUPTED> {
    if (this.#lines.length > 0) return Promise.resolve(this.#lines.shift() ?? null);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  /** Ctrl-C: a pending `next()` gives INTERRUPTED; true when one was waiting. */
  interrupt(): boolean {
    return this.#wake(INTERRUPTED);
  }

  #push(line: string): void {
    if (!this.#wake(line)) this.#lines.push(line);
  }

  #wake(value: string | null | typeof INTERRUPTED): boolean {
    const waiting = this.#waiting;
    if (!waiting) return false;
    this.#waiting = null;
    waiting(value);
    return true;
  }
}

export interface BatchStreams {
  output: Writable;
  errors: Writable;
}

export interface BatchOptions {
  /**
   * Write each line read after its prompt, as a terminal would have shown it (true, the
   * default: a pipe echoes nothing). False when the input is already echoed (a pty's line
   * discipline).
   */
  echo?: boolean;
  /** The client name for the engine: `batch` (live commands end by themselves) or `line` (a person who can press Ctrl-C). */
  client?: 'batch' | 'line';
  /** Registers the handler for Ctrl-C (the SSH line mode; a pipe has none). */
  onInterrupt?: (handler: () => void) => void;
  /** Turns the echo of typed input off while a passphrase is asked, and on again (the SSH line mode's line discipline). */
  hideInput?: (hidden: boolean) => void;
}

/** Answers questions from the lines after the command. */
class BatchTerminal implements ShellTerminal {
  pendingChanges = 0;
  constructor(
    readonly reader: LineReader,
    readonly out: Writable,
    readonly echo: boolean,
    readonly hideInput: (hidden: boolean) => void = () => undefined,
  ) {}

  print(text: string): void {
    this.out.write(text);
  }

  async ask(q: AskParams): Promise<AskResult> {
    // The question first, then the answer is read: whoever types may wait for the prompt.
    this.out.write(`${q.label ? `${q.label}\n` : ''}${q.prompt}`);
    // A passphrase is typed blind: neither echoed here nor by the line discipline.
    if (q.secret) this.hideInput(true);
    const line = await this.reader.next();
    if (q.secret) this.hideInput(false);
    if (line === INTERRUPTED) return { interrupt: true };
    if (this.echo || line === null) this.out.write(`${q.secret ? '' : (line ?? '')}\n`);
    return line === null ? { eof: true } : { answer: line };
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
    this.print(`${q.label}\n${q.prompt}\n`);
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

/** Runs piped input; returns the exit status (0 all succeeded, 1 any command failed). */
export async function runBatch(source: SessionSource, input: Readable, streams: BatchStreams, options: BatchOptions = {}): Promise<number> {
  const echo = options.echo ?? true;
  const reader = new LineReader(input);
  const terminal = new BatchTerminal(reader, streams.output, echo, options.hideInput);
  let client: ControlClient | undefined;
  // Ctrl-C: answers an open question or the main prompt with INTERRUPTED, else stops the running command.
  options.onInterrupt?.(() => {
    if (!reader.interrupt()) client?.interrupt();
  });
  const session = await openSession(source, terminal, options.client ?? 'batch');
  client = session.client;
  let prompt = session.prompt;
  let failed = false;
  try {
    for (;;) {
      streams.output.write(prompt);
      const line = await reader.next();
      if (line === INTERRUPTED) continue;
      if (line === null) {
        streams.output.write('\n');
        break;
      }
      if (echo) streams.output.write(`${line}\n`);
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const result = await client.run(line);
      prompt = result.prompt;
      if (!result.ok) {
        failed = true;
        if (result.error) streams.errors.write(`${result.error}\n`);
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
  // A person's session (the line mode) ends well however its commands went, as the Ink shell's does.
  return failed && options.client !== 'line' ? 1 : 0;
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
