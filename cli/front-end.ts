// The seam between `esa shell` and its front ends. Every front end (batch, -c, the readline
// line shell, the Ink app) is a ShellTerminal on one ControlClient: it sends lines with
// client.run(), answers the engine's ask() calls, renders print() and status(), and turns
// Ctrl-C into client.interrupt(). See docs/control-protocol.md.
import type { Duplex } from 'node:stream';
import { ControlClient, type ShellTerminal } from './client.js';

export type { ShellTerminal } from './client.js';
export { ControlClient, NoEngineError } from './client.js';

/**
 * Where a front end's session is: the control socket's path (`esa shell`: the data dir owner,
 * acting as admin), or a link to a session the engine process opened for a user it
 * authenticated itself (SSH: ControlServer.openInProcess).
 */
export type SessionSource = string | SessionLink;

export interface SessionLink {
  /** Opens the stream to a new session. */
  open(): Duplex;
  /** The interactive shell's history file (the socket's directory holds it for `esa shell`). */
  historyFile: string;
}

/** A front end runs a whole session against the socket and returns the exit status. */
export type FrontEnd = (source: SessionSource) => Promise<number>;

export interface OpenSession {
  client: ControlClient;
  prompt: string;
  hostname: string;
}

/** Connects a terminal and introduces it (rejects with NoEngineError when no engine answers). */
export async function openSession(source: SessionSource, terminal: ShellTerminal, clientName: string, statusIntervalMs = 0): Promise<OpenSession> {
  const client = typeof source === 'string' ? await ControlClient.connect(source, terminal) : ControlClient.over(source.open(), terminal);
  try {
    const hello = await client.hello({ client: clientName, statusIntervalMs });
    return { client, prompt: hello.prompt, hostname: hello.hostname };
  } catch (e) {
    client.close();
    throw e;
  }
}
