// The line shell: a plain readline loop, for `ESA_SHELL=readline` and wherever the Ink screen
// cannot load: prompt, history, Tab completion of command names and menu words, Ctrl-C aborts
// the running dialog, Ctrl-D or quit leaves.
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import MuteStream from 'mute-stream';
import type { AskParams, AskResult } from '../src/appliance/control/protocol.js';
import { openSession, type SessionSource, type ShellTerminal } from './front-end.js';

/** The terminal's streams: the process's own for `esa shell`, an SSH channel's for a pty session. */
export interface TerminalStreams {
  input: Readable;
  output: Writable;
  errors: Writable;
}

const processStreams = (): TerminalStreams => ({ input: process.stdin, output: process.stdout, errors: process.stderr });

class ReadlineTerminal implements ShellTerminal {
  rl!: Interface;
  /** Choices of the question being asked, for completion. */
  choices: string[] | null = null;
  #abortQuestion: (() => void) | null = null;

  /**
   * `output` is the terminal; `screen` is what readline writes its prompt and echo to (muted
   * while a passphrase is typed).
   */
  constructor(
    readonly output: Writable,
    readonly screen: MuteStream,
  ) {}

  print(text: string): void {
    this.output.write(text);
  }

  ask(q: AskParams): Promise<AskResult> {
    this.choices = q.choices ?? null;
    // A passphrase is typed blind, and kept out of the ↑ history: readline adds a non-blank line
    // to its history and then emits 'history' with that array, whose newest entry a listener may
    // remove (what readline's own source suggests for a password); a blank one emits nothing.
    const forget = (history: string[]) => void history.shift();
    return new Promise((resolve) => {
      const controller = new AbortController();
      const finish = (r: AskResult) => {
        this.#abortQuestion = null;
        this.choices = null;
        this.rl.removeListener('close', onClose);
        if (q.secret) {
          this.rl.removeListener('history', forget);
          this.screen.unmute();
          // The Enter that readline echoed went nowhere.
          if ('answer' in r) this.output.write('\n');
        }
        resolve(r);
      };
      const onClose = () => finish({ eof: true });
      this.rl.once('close', onClose);
      this.#abortQuestion = () => {
        controller.abort();
        this.output.write('^C\n');
        finish({ interrupt: true });
      };
      this.rl.question(`${q.label ? `${q.label}\n` : ''}${q.prompt}`, { signal: controller.signal }, (answer) => finish({ answer }));
      // The prompt is written (question() writes it at once); what is typed now is not.
      if (q.secret) {
        this.screen.mute();
        this.rl.once('history', forget);
      }
    });
  }

  /** Ctrl-C while a question is open: true when it was one. */
  abortQuestion(): boolean {
    if (!this.#abortQuestion) return false;
    this.#abortQuestion();
    return true;
  }
}

export async function runLineShell(source: SessionSource, streams: TerminalStreams = processStreams()): Promise<number> {
  const { output } = streams;
  // readline writes through this: the terminal's size and TTY-ness show through it.
  const screen = new MuteStream();
  screen.pipe(output, { end: false });
  const terminal = new ReadlineTerminal(output, screen);
  const { client, prompt: firstPrompt } = await openSession(source, terminal, 'readline');
  let prompt = firstPrompt;
  let running = false;
  const rl = createInterface({
    input: streams.input,
    output: screen,
    terminal: true,
    historySize: 500,
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      const word = line.split(/\s+/).pop() ?? '';
      if (terminal.choices) {
        callback(null, [terminal.choices.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())), word]);
        return;
      }
      client.complete(line).then(
        (candidates) => callback(null, [candidates, word]),
        () => callback(null, [[], word]),
      );
    },
  });
  terminal.rl = rl;
  rl.on('SIGINT', () => {
    if (terminal.abortQuestion()) {
      client.interrupt();
    } else if (running) {
      output.write('^C\n');
      client.interrupt();
    } else {
      // At the main prompt Ctrl-C clears the line; it does not quit.
      output.write('^C\n');
      rl.write(null, { ctrl: true, name: 'u' });
      rl.prompt();
    }
  });
  void client.closed.then((reason) => {
    if (reason && reason !== 'the engine closed the connection') streams.errors.write(`esa: ${reason}\n`);
    rl.close();
  });

  const lines = rl[Symbol.asyncIterator]();
  try {
    for (;;) {
      rl.setPrompt(prompt);
      rl.prompt();
      const next = await lines.next();
      if (next.done) break;
      if (next.value.trim() === '') continue;
      running = true;
      const result = await client.run(next.value).finally(() => (running = false));
      prompt = result.prompt;
      if (result.exit) break;
    }
  } catch (e) {
    streams.errors.write(`esa: ${(e as Error).message}\n`);
    return 1;
  } finally {
    rl.close();
    client.close();
  }
  output.write('\n');
  return 0;
}
