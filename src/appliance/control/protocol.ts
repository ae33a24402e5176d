// The control-socket protocol shared by the engine and every terminal (batch, readline, Ink):
// JSON-RPC 2.0 messages, one per line. docs/control-protocol.md describes it for front-end authors.
import type { SystemStatus } from '../../model/system-status.js';

export const PROTOCOL_VERSION = 1;

/** A line longer than this ends the session: nothing a terminal sends is anywhere near it. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Method names, by direction. */
export const CLIENT_METHODS = {
  hello: 'hello',
  run: 'run',
  interrupt: 'interrupt',
  complete: 'complete',
  resize: 'resize',
} as const;

export const ENGINE_METHODS = {
  ask: 'ask',
  print: 'print',
  status: 'status',
  /** Notification: the open question is taken back (the command no longer waits for it); what was typed stays for the next reader. */
  withdraw: 'withdraw',
} as const;

// ----- client → engine -----

export interface HelloParams {
  /** Which front end: `batch`, `command` (-c), `readline`, `ink`, ... (for the engine's log). */
  client: string;
  /** Push `status` every this many ms (0 or absent: only after each command). */
  statusIntervalMs?: number;
  /**
   * Whether a person can press Ctrl-C here: live commands (`rate`, `tail`) stream until
   * interrupted when true, and print a bounded amount when false. Absent: false for the
   * clients `batch` and `command`, true for any other.
   */
  interactive?: boolean;
  /**
   * The terminal's output area: rows (the front end's own lines, such as a status bar, left
   * out) and columns. An interactive session that knows it stops long output at
   * `-Press Any Key For More-` each screenful and wraps help text to the width. Also sent
   * later as the `resize` notification when the terminal changes size.
   */
  screen?: ScreenParams;
}

/** `hello`'s `screen`, and the params of the `resize` notification. */
export interface ScreenParams {
  rows: number;
  columns: number;
}

/** The `interactive` a hello asks for (see HelloParams). */
export function helloInteractive(params: unknown): boolean {
  const p = (params ?? {}) as Partial<Record<string, unknown>>;
  if (typeof p.interactive === 'boolean') return p.interactive;
  return p.client !== 'batch' && p.client !== 'command';
}

export interface HelloResult {
  protocol: number;
  hostname: string;
  /** The main prompt, e.g. `mail.example.com> `. */
  prompt: string;
  version: string;
  session: number;
}

export interface RunParams {
  /** One command line as typed; `;` outside quotes separates commands. */
  line: string;
}

export interface RunResult {
  /** False when a command failed (unknown, bad arguments, refused, ended by end of input or Ctrl-C). */
  ok: boolean;
  /** The failure, one line (already printed in the transcript). */
  error?: string;
  /** The session is over (`quit` / `exit`): the terminal closes. */
  exit?: boolean;
  prompt: string;
}

export interface CompleteParams {
  /** The text before the cursor at the main prompt. */
  line: string;
}

export interface CompleteResult {
  /** Words that can replace the last (partial) word of the line. */
  candidates: string[];
}

// ----- engine → client -----

/** A question of a command's dialog. The terminal shows `label`, then `prompt`, and reads one answer. */
export interface AskParams {
  /** The question, possibly several lines (a numbered list); no trailing newline. */
  label: string;
  /** The prompt line: `[default]> `, or `[]> ` when there is none. */
  prompt: string;
  /** What an empty answer means, when anything. */
  default?: string;
  /** Words accepted here (menu words, names), for completion. */
  choices?: string[];
  /** 1 for the first time this question is asked, 2+ after a rejected answer. */
  attempt: number;
  /**
   * A passphrase: the terminal does not echo what is typed (as the appliance, and as a Unix
   * password prompt), and keeps it out of its transcript and history.
   */
  secret?: boolean;
  /**
   * A pager stop, asked only of interactive sessions: `label` is empty and `prompt` is
   * `-Press Any Key For More-`; any key answers (`q` stops the listing).
   */
  pause?: boolean;
}

export type AskResult = { answer: string } | { eof: true } | { interrupt: true };

export interface PrintParams {
  /** Output text, lines ending in `\n`. */
  text: string;
}

export type { SystemStatus };

/** Pushed after `hello`, after each command, and every `statusIntervalMs` if asked for. */
export interface StatusParams {
  hostname: string;
  prompt: string;
  systemStatus: SystemStatus;
  /** Uncommitted changes of this session. */
  pendingChanges: number;
  queuedMessages: number;
  activeRecipients: number;
  connectionsIn: number;
  connectionsOut: number;
  hostsDown: number;
  /** How full the queue's storage is, in percent of its limit (messages or bytes, whichever is fuller). */
  storageUsedPercent?: number;
  /** Sandbox only: the simulated clock (epoch ms) and how many times faster than real time it runs. */
  clock?: { now: number; scale: number };
  /** Sandbox only: the built-in backend mail server's mode (`up`, `down`, `tempfail`, `reject`). */
  backend?: string;
  /** Alerts the appliance raised since the session began (displayalerts), and the newest one. */
  alerts?: number;
  lastAlert?: { severity: 'Critical' | 'Warning' | 'Information'; subject: string };
  /** Sandbox only: warnings the engine gave since it started (the last one in `lastWarning`). */
  warnings?: number;
  lastWarning?: string;
}
