// The interactive front end of `esa shell` on a terminal: one control session, the history file
// in the data dir, and the Ink screen. The prompt is shown and keys are kept from the first
// moment; Ink and React load meanwhile (and if they cannot, the readline loop takes over).
import type { Writable } from 'node:stream';
import { openSession, type OpenSession, type SessionSource } from '../front-end.js';
import { historyPath, HistoryFile } from '../history.js';
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

async function lineShell(source: SessionSource, streams: ShellStreams | undefined): Promise<number> {
  const { runLineShell } = await import('../line-shell.js');
  return runLineShell(source, streams && { input: streams.stdin, output: streams.stdout, errors: streams.stderr });
}

export async function runInteractiveShell(source: SessionSource, streams?: ShellStreams): Promise<number> {
  if (process.env.ESA_SHELL === 'readline') return lineShell(source, streams);
  // Loading Ink and React takes a few hundred milliseconds: start now, open the session meanwhile.
  const screen = loadScreen();
  screen.catch(() => undefined);
  // Raw mode at once: keys typed before the screen is up wait for it instead of being echoed
  // by the terminal (and Ctrl-C never becomes SIGINT). Ink takes raw mode over and restores it.
  const stdin = streams?.stdin ?? process.stdin;
  const stdout = streams?.stdout ?? process.stdout;
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
  controller.attach(client, prompt, client.closed);
  // The prompt now; the screen draws over it when it is ready.
  stdout.write(stdout.hasColors?.() ? `\x1b[1;32m${prompt}\x1b[0m` : prompt);
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
