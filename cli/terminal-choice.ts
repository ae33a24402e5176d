// Which shell a terminal gets. A person's terminal gets the Ink shell (status bar, redraws); a
// terminal that is driven rather than read — a script on a pty (pexpect, expect, network-automation
// libraries), a dumb terminal — gets the plain line shell, whose output is exactly the
// transcript. Chosen by, in order: ESA_SHELL=readline (the line shell), TERM unset or dumb
// (line), ESA_SHELL=ink (Ink), a terminal whose size was never set (0×0: its client never read
// the screen's size; line), else a probe: with the first prompt the shell asks the terminal
// where its cursor is (DSR 6). A terminal emulator answers at once; a script never does. The
// answer arriving before the first Enter means a person (Ink); an Enter first means a script
// (line). No timer: nothing is decided until the terminal says something. Pure.

export type ShellChoice = 'line' | 'ink' | 'probe';

export interface TerminalFacts {
  /** TERM of the terminal (the client's, over SSH). */
  term: string | undefined;
  /** ESA_SHELL. */
  shell: string | undefined;
  /** The size the terminal was given (0 when never set). */
  columns: number | undefined;
  rows: number | undefined;
}

export function chooseShell(f: TerminalFacts): ShellChoice {
  if (f.shell === 'readline') return 'line';
  if (!f.term || f.term === 'dumb') return 'line';
  if (f.shell === 'ink') return 'ink';
  if (!f.columns && !f.rows) return 'line';
  return 'probe';
}

/** Device Status Report 6: "where is the cursor?" A terminal emulator answers `ESC [ row ; column R`. */
export const CURSOR_POSITION_REQUEST = '\x1b[6n';
const CURSOR_POSITION_REPORT = /\x1b\[\d+;\d+R/;

export interface ProbeVerdict {
  who: 'person' | 'script';
  /** What was typed meanwhile (the terminal's answer taken out), for the shell chosen. */
  typed: string;
}

/** Reads the terminal's input after the request until it can tell: the answer (a person) or an Enter (a script). */
export class TerminalProbe {
  #seen = '';

  /** A chunk of input; the verdict once there is one. */
  feed(chunk: string): ProbeVerdict | undefined {
    this.#seen += chunk;
    const report = CURSOR_POSITION_REPORT.exec(this.#seen);
    const enter = this.#seen.search(/[\r\n]/);
    if (report && (enter < 0 || report.index < enter)) {
      return { who: 'person', typed: this.#seen.slice(0, report.index) + this.#seen.slice(report.index + report[0].length) };
    }
    if (enter >= 0) return { who: 'script', typed: this.#seen };
    return undefined;
  }

  /** The input ended before either: nobody answers there. */
  end(): ProbeVerdict {
    return { who: 'script', typed: this.#seen };
  }
}
