// The interactive front end of `esa shell` on a terminal: one control session, the history file
// in the data dir, and the Ink screen. The prompt is shown and keys are kept from the first
// moment; Ink and React load meanwhile (and if they cannot, the plain line shell takes over).
// A terminal that is not a person's gets the plain line shell instead (terminal-choice.ts).
import type { Writable } from 'node:stream';
import { openSession, type OpenSession, type SessionSource } from '../front-end.js';
import { historyPath, HistoryFile } from '../history.js';
import type { LineShellOptions } from '../line-shell.js';
import { chooseShell, CURSOR_POSITION_REQUEST, TerminalProbe, type ProbeVerdict, type TerminalFacts } from '../terminal-choice.js';
import { ShellController } from './shell-controller.js';

/**
 * The terminal the shell draws on: the process's own for `esa shell`, or an SSH channel
 * dressed as a TTY (cli/ssh/channel-tty.ts) for a session with a pty.
 */
export interface ShellStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: Writable;
}

/** How often the engine pushes the status bar's figures (it sends them only to this session). */
export const STATUS_INTERVAL_MS = 500;

const ERASE_LINE = '\r\x1b[2K';

/** The Ink screen: the bundle the build makes (fast to load), else the modules themselves. */
async function loadScreen(): Promise<typeof import('./screen.js')> {
  const bundle = new URL('./screen.bundle.js', import.meta.url);
  try {
    return (await import(bundle.href)) as typeof import('./screen.js');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return import('./screen.js');
  }
}

async function lineShell(source: SessionSource, streams: ShellStreams | undefined, options: LineShellOptions = {}): Promise<number> {
  const { runLineShell } = await import('../line-shell.js');
  return runLineShell(source, streams && { input: streams.stdin, output: streams.stdout, errors: streams.stderr }, options);
}

/** Waits for the probe's verdict on what the terminal sends (nothing of it is lost: it is handed on). */
function probeTerminal(stdin: NodeJS.ReadStream): Promise<ProbeVerdict> {
  return new Promise((resolve) => {
    const probe = new TerminalProbe();
    const done = (verdict: ProbeVerdict) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      resolve(verdict);
    };
    const onData = (chunk: Buffer | string) => {
      const verdict = probe.feed(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      if (verdict) done(verdict);
    };
    const onEnd = () => done(probe.end());
    stdin.on('data', onData);
    stdin.once('end', onEnd);
  });
}

/**
 * The shell for a terminal: Ink for a person, the plain line shell for a script or a dumb
 * terminal. `facts` defaults to this process's terminal (an SSH session passes its pty's).
 */
export async function runInteractiveShell(source: SessionSource, streams?: ShellStreams, facts?: Partial<TerminalFacts>): Promise<number> {
  const stdin = streams?.stdin ?? process.stdin;
  const stdout = streams?.stdout ?? process.stdout;
  const choice = chooseShell({ term: process.env.TERM, shell: process.env.ESA_SHELL, columns: stdout.columns, rows: stdout.rows, ...facts });
  if (choice === 'line') return lineShell(source, streams);
  // Loading Ink and React takes a few hundred milliseconds: start now, open the session meanwhile.
  const screen = loadScreen();
  screen.catch(() => undefined);
  // Raw mode at once: keys typed before the screen is up wait for it instead of being echoed
  // by the terminal (and Ctrl-C never becomes SIGINT). Ink takes raw mode over and restores it.
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const history = await HistoryFile.load(typeof source === 'string' ? historyPath(source) : source.historyFile);
  const controller = new ShellController(history);
  let session: OpenSession;
  try {
    session = await openSession(source, controller, 'ink', STATUS_INTERVAL_MS);
  } catch (e) {
    if (raw) stdin.setRawMode(false);
    throw e;
  }
  const { client, prompt } = session;
  if (choice === 'probe') {
    // The prompt now, after the question to the terminal; what comes back says who is there.
    stdout.write(`${CURSOR_POSITION_REQUEST}${prompt}`);
    const verdict = await probeTerminal(stdin);
    if (verdict.who === 'script') {
      client.close();
      if (raw) stdin.setRawMode(false);
      return lineShell(source, streams, { promptShown: true, pending: verdict.typed });
    }
    if (verdict.typed) stdin.unshift(Buffer.from(verdict.typed));
  } else {
    // The prompt now; the screen draws over it when it is ready.
    stdout.write(stdout.hasColors?.() ? `\x1b[1;32m${prompt}\x1b[0m` : prompt);
  }
  controller.attach(client, prompt, client.closed);
  let showShell: (c: ShellController, streams?: ShellStreams) => Promise<void>;
  try {
    ({ showShell } = await screen);
  } catch (e) {
    stdout.write(`${ERASE_LINE}esa: the interactive shell could not load (${(e as Error).message}); using the plain line shell\n`);
    client.close();
    if (raw) stdin.setRawMode(false);
    return lineShell(source, streams);
  }
  stdout.write(ERASE_LINE);
  try {
    await showShell(controller, streams);
  } finally {
    client.close();
    await history.flushed();
  }
  return controller.getSnapshot().exitCode ?? 0;
}
