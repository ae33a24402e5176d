// The plain line shell: the batch front end on a terminal's lines (terminal-lines.ts), for
// terminals that are not a person's screen to draw on — TERM=dumb, ESA_SHELL=readline, a script
// driving a pty (see terminal-choice.ts) — and wherever the Ink screen cannot load; locally and
// over SSH alike. Prompt, echo, Tab completion, ↑/↓ history, Ctrl-C aborts the running dialog,
// Ctrl-D or quit leaves. Plain text only, no escape sequences.
import type { Readable, Writable } from 'node:stream';
import { runBatch } from './batch.js';
import type { SessionSource } from './front-end.js';
import { historyPath, HistoryFile } from './history.js';
import { TerminalLines } from './terminal-lines.js';

/** The terminal's streams: the process's own for `esa shell`, an SSH channel's for a pty session. */
export interface TerminalStreams {
  input: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: Writable;
  errors: Writable;
}

export interface LineShellOptions {
  /** The main prompt is on the screen already (written while the shell chose its front end). */
  promptShown?: boolean;
  /** Input read before the line shell took the terminal over. */
  pending?: string;
}

const processStreams = (): TerminalStreams => ({ input: process.stdin, output: process.stdout, errors: process.stderr });

/** The history file of a session: the data dir's `history` for `esa shell`, `history.<user>` over SSH. */
export const historyFileOf = (source: SessionSource): string => (typeof source === 'string' ? historyPath(source) : source.historyFile);

export async function runLineShell(source: SessionSource, streams: TerminalStreams = processStreams(), options: LineShellOptions = {}): Promise<number> {
  const { input, output } = streams;
  // Raw mode: the keys come here as they are typed, and this shell echoes them (or keeps them, typed ahead).
  const raw = input.isTTY === true && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  const history = await HistoryFile.load(historyFileOf(source));
  const lines = new TerminalLines({ input, output, pending: options.pending });
  input.resume();
  try {
    return await runBatch(source, lines, { output, errors: streams.errors }, { client: 'line', promptShown: options.promptShown, history });
  } finally {
    lines.close();
    input.pause();
    if (raw) input.setRawMode!(false);
    await history.flushed();
  }
}
