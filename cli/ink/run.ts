// The interactive front end of `esa shell` on a terminal: one control session, the history file
// in the data dir, and the Ink screen. The prompt is shown and keys are kept from the first
// moment; Ink and React load meanwhile (and if they cannot, the readline loop takes over).
import { openSession, type OpenSession } from '../front-end.js';
import { historyPath, HistoryFile } from '../history.js';
import { ShellController } from './shell-controller.js';

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

async function lineShell(socketPath: string): Promise<number> {
  const { runLineShell } = await import('../line-shell.js');
  return runLineShell(socketPath);
}

export async function runInteractiveShell(socketPath: string): Promise<number> {
  if (process.env.ESA_SHELL === 'readline') return lineShell(socketPath);
  // Loading Ink and React takes a few hundred milliseconds: start now, open the session meanwhile.
  const screen = loadScreen();
  screen.catch(() => undefined);
  // Raw mode at once: keys typed before the screen is up wait for it instead of being echoed
  // by the terminal (and Ctrl-C never becomes SIGINT). Ink takes raw mode over and restores it.
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const history = await HistoryFile.load(historyPath(socketPath));
  const controller = new ShellController(history);
  let session: OpenSession;
  try {
    session = await openSession(socketPath, controller, 'ink', STATUS_INTERVAL_MS);
  } catch (e) {
    if (raw) stdin.setRawMode(false);
    throw e;
  }
  const { client, prompt } = session;
  controller.attach(client, prompt, client.closed);
  // The prompt now; the screen draws over it when it is ready.
  process.stdout.write(process.stdout.hasColors?.() ? `\x1b[1;32m${prompt}\x1b[0m` : prompt);
  let showShell: (c: ShellController) => Promise<void>;
  try {
    ({ showShell } = await screen);
  } catch (e) {
    process.stdout.write(`${ERASE_LINE}esa: the interactive shell could not load (${(e as Error).message}); using the plain line shell\n`);
    client.close();
    if (raw) stdin.setRawMode(false);
    return lineShell(socketPath);
  }
  process.stdout.write(ERASE_LINE);
  try {
    await showShell(controller);
  } finally {
    client.close();
    await history.flushed();
  }
  return controller.getSnapshot().exitCode ?? 0;
}
