// Batch mode (stdin not a terminal) and `-c "LINE"`: the same session as the interactive
// shell, with answers read from the following input lines (batch) or taken as defaults (-c),
// and the transcript printed as a session would show it. No Ink, no React.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AskParams, AskResult, StatusParams } from '../src/control/protocol.js';
import { openSession, type ShellTerminal } from './front-end.js';

/** Lines of a stream, one at a time; null at its end. */
export class LineReader {
  readonly #lines: AsyncIterator<string>;

  constructor(input: Readable) {
    this.#lines = createInterface({ input, crlfDelay: Infinity, terminal: false })[Symbol.asyncIterator]();
  }

  async next(): Promise<string | null> {
    const r = await this.#lines.next();
    return r.done ? null : r.value;
  }
}

export interface BatchStreams {
  output: Writable;
  errors: Writable;
}

/** Echoes a question and its answer the way the terminal would have shown them. */
function echoQuestion(out: Writable, q: AskParams, answer: string): void {
  out.write(`${q.label ? `${q.label}\n` : ''}${q.prompt}${answer}\n`);
}

/** Answers questions from the lines after the command. */
class BatchTerminal implements ShellTerminal {
  pendingChanges = 0;
  constructor(
    readonly reader: LineReader,
    readonly out: Writable,
  ) {}

  print(text: string): void {
    this.out.write(text);
  }

  async ask(q: AskParams): Promise<AskResult> {
    const line = await this.reader.next();
    echoQuestion(this.out, q, line ?? '');
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
    if (q.attempt > 1) {
      this.print(`${q.label}\n${q.prompt}\n`);
      return { eof: true };
    }
    this.print(`${q.label}\n${q.prompt}\n`);
    return { answer: '' };
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
export async function runBatch(socketPath: string, input: Readable, streams: BatchStreams): Promise<number> {
  const reader = new LineReader(input);
  const terminal = new BatchTerminal(reader, streams.output);
  const { client, prompt: firstPrompt } = await openSession(socketPath, terminal, 'batch');
  let prompt = firstPrompt;
  let failed = false;
  try {
    for (;;) {
      const line = await reader.next();
      if (line === null) break;
      streams.output.write(`${prompt}${line}\n`);
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
  return failed ? 1 : 0;
}

/** `-c "LINE"`: one line (`;` joins commands), questions take their defaults. */
export async function runCommandLine(socketPath: string, line: string, streams: BatchStreams): Promise<number> {
  const terminal = new DefaultsTerminal(streams.output);
  const { client } = await openSession(socketPath, terminal, 'command');
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
