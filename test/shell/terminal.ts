// A real terminal for end-to-end tests of the shell: `esa shell` in a pseudo-terminal
// (node-pty) whose output is interpreted by a headless xterm, so tests read the screen and
// the scrollback as a user would see them, colours included; the xterm answers the shell's
// queries as a terminal emulator does.
import path from 'node:path';
import pty from 'node-pty';
import xterm from '@xterm/headless';
import { ROOT, waitFor } from '../helpers/harness.js';

const { Terminal } = xterm;

export interface TerminalOptions {
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
  /** Run this instead of `node --import tsx cli/main.ts` (e.g. the built bin/esa.js). */
  command?: { file: string; args: string[] };
}

export class ShellTerminal {
  readonly term: InstanceType<typeof Terminal>;
  readonly proc: pty.IPty;
  readonly exited: Promise<number>;
  #parsing = 0;
  /** Raw bytes seen so far, for failure messages. */
  raw = '';

  constructor(args: string[], o: TerminalOptions = {}) {
    const cols = o.cols ?? 100;
    const rows = o.rows ?? 30;
    this.term = new Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
    const command = o.command ?? { file: process.execPath, args: ['--import', 'tsx', path.join(ROOT, 'cli/main.ts')] };
    this.proc = pty.spawn(command.file, [...command.args, ...args], {
      name: 'xterm-256color',
      cwd: ROOT,
      cols,
      rows,
      // Ink renders only the final frame when it believes it runs in CI: CI=false for the child
      // only. With CI set at all, colours are off unless forced: tests check them.
      env: { ...process.env, CI: 'false', TERM: 'xterm-256color', FORCE_COLOR: '1', ...o.env } as Record<string, string>,
    });
    this.proc.onData((data) => {
      this.raw += data;
      this.#parsing++;
      this.term.write(data, () => this.#parsing--);
    });
    // What the terminal answers (the shell's cursor position request: a person's terminal answers it).
    this.term.onData((answer) => this.proc.write(answer));
    this.exited = new Promise((resolve) => this.proc.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Every line of the scrollback and the screen, wrapped lines joined, trailing spaces removed. */
  lines(): string[] {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      if (!line) continue;
      // Written spaces are cells too: trim them as well as the empty ones.
      const text = line.translateToString(true).trimEnd();
      if (line.isWrapped && out.length > 0) out[out.length - 1] += text;
      else out.push(text);
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  /** The visible screen only. */
  screen(): string[] {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = buffer.viewportY; y < buffer.viewportY + this.term.rows; y++) out.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return out;
  }

  /**
   * The prompt line as the user sees it: the last line on the screen above the status bar,
   * trailing spaces removed (an idle main prompt reads `mail.example.com>`).
   */
  promptLine(): string {
    const lines = this.screen().filter((l) => l.trim() !== '' && !l.includes(' │ '));
    return lines.at(-1)?.trimEnd() ?? '';
  }

  /** The palette colour of the first cell of the first line containing `text` (-1: default colour). */
  colourOf(text: string): number | undefined {
    const buffer = this.term.buffer.active;
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      const x = line?.translateToString(true).indexOf(text) ?? -1;
      if (!line || x < 0) continue;
      const cell = line.getCell(x);
      return cell && cell.isFgPalette() ? cell.getFgColor() : -1;
    }
    return undefined;
  }

  /** Waits until the terminal has interpreted everything received and `cond` holds. */
  async until(what: string, cond: (t: ShellTerminal) => boolean, timeoutMs = 60_000): Promise<void> {
    try {
      await waitFor(() => this.#parsing === 0 && cond(this), what, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}; the screen shows:\n${this.screen().join('\n')}`);
    }
  }

  /** Waits for a line (on the screen or scrolled off) matching `re`. */
  untilLine(re: RegExp, what = String(re), timeoutMs?: number): Promise<void> {
    return this.until(what, (t) => t.lines().some((l) => re.test(l)), timeoutMs);
  }

  write(data: string): void {
    this.proc.write(data);
  }

  /** Types text one key at a time, as a person would. */
  async type(text: string, delayMs = 5): Promise<void> {
    for (const ch of text) {
      this.proc.write(ch);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  kill(): void {
    try {
      this.proc.kill();
    } catch {
      // already gone
    }
    this.term.dispose();
  }
}

/** `esa shell --socket S` in a terminal. */
export function shellIn(socket: string, o: TerminalOptions = {}): ShellTerminal {
  return new ShellTerminal(['shell', '--socket', socket], o);
}

/** The main prompt waiting for a command, with nothing typed yet. */
export const PROMPT = /^mail\.example\.com>$/;
