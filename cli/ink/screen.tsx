// Puts the Ink app on the terminal for a connected shell and resolves when it leaves. The only
// module of the shell that loads Ink and React (cli/ink/run.ts imports it lazily).
import { render } from 'ink';
import { App } from './App.js';
import type { ShellController } from './shell-controller.js';

export async function showShell(controller: ShellController): Promise<void> {
  const app = render(<App controller={controller} />, { exitOnCtrlC: false });
  await app.waitUntilExit();
}
