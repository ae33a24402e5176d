// The seam between `esa shell` and its front ends. Every front end (batch, -c, the readline
// loop, the Ink app to come) is a ShellTerminal on one ControlClient: it sends lines with
// client.run(), answers the engine's ask() calls, renders print() and status(), and turns
// Ctrl-C into client.interrupt(). See docs/control-protocol.md.
import { ControlClient, type ShellTerminal } from './client.js';

export type { ShellTerminal } from './client.js';
export { ControlClient, NoEngineError } from './client.js';

/** A front end runs a whole session against the socket and returns the exit status. */
export type FrontEnd = (socketPath: string) => Promise<number>;

export interface OpenSession {
  client: ControlClient;
  prompt: string;
  hostname: string;
}

/** Connects a terminal and introduces it (rejects with NoEngineError when no engine answers). */
export async function openSession(socketPath: string, terminal: ShellTerminal, clientName: string, statusIntervalMs = 0): Promise<OpenSession> {
  const client = await ControlClient.connect(socketPath, terminal);
  try {
    const hello = await client.hello({ client: clientName, statusIntervalMs });
    return { client, prompt: hello.prompt, hostname: hello.hostname };
  } catch (e) {
    client.close();
    throw e;
  }
}
