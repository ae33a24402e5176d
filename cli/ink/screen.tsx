// Puts the Ink app on the terminal for a connected shell and resolves when it leaves. The only
// module of the shell that loads Ink and React (cli/ink/run.ts imports it lazily).
import { render } from 'ink';
import { App } from './App.js';
import type { ShellStreams } from './run.js';
import type { ShellController } from './shell-controller.js';

/** `streams`: another terminal than the process's own (an SSH session), whose console is not Ink's to patch. */
export async function showShell(controller: ShellController, streams?: ShellStreams): Promise<void> {
  const app = render(<App controller={controller} />, {
    exitOnCtrlC: false,
    ...(streams ? { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr as NodeJS.WriteStream, patchConsole: false } : {}),
  });
  await app.waitUntilExit();
}
