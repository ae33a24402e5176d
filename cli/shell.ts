// `esa shell`: the CLI on a running engine. Chooses the front end (batch when stdin or
// stdout is not a terminal, -c for one line, else the interactive shell), which is loaded
// only when chosen so that batch mode never loads a terminal UI.
import path from 'node:path';
import { NoEngineError } from './client.js';

export interface ShellArgs {
  dataDir: string;
  socket?: string;
  c?: string;
}

export function shellSocketPath(args: ShellArgs): string {
  return path.resolve(args.socket ?? path.join(args.dataDir, 'esa.sock'));
}

/** Runs the chosen front end on a socket until the session ends; returns the exit status. */
export async function frontEnd(args: Pick<ShellArgs, 'c'>, socketPath: string): Promise<number> {
  const streams = { output: process.stdout, errors: process.stderr };
  if (args.c !== undefined) {
    const { runCommandLine } = await import('./batch.js');
    return runCommandLine(socketPath, args.c, streams);
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    const { runBatch } = await import('./batch.js');
    return runBatch(socketPath, process.stdin, streams);
  }
  // The Ink app (cli/ink/); it falls back to the readline loop when Ink cannot load, or when ESA_SHELL=readline.
  const { runInteractiveShell } = await import('./ink/run.js');
  return runInteractiveShell(socketPath);
}

export async function runShell(args: ShellArgs): Promise<void> {
  const socketPath = shellSocketPath(args);
  let code: number;
  try {
    code = await frontEnd(args, socketPath);
  } catch (e) {
    if (e instanceof NoEngineError) {
      process.stderr.write(`${e.message}\n`);
      code = 2;
    } else {
      process.stderr.write(`esa: ${(e as Error).message}\n`);
      code = 2;
    }
  }
  // Let piped output drain before leaving.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
