// Fixtures for the configuration-command tests: an operator's CLI session on an in-process
// engine (answers scripted, transcript kept), and a backend SMTP server that counts its open
// connections and can hold each message's DATA reply until the test releases it.
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { COMMANDS } from '../../src/appliance/registry.js';
import { CliSession } from '../../src/appliance/control/session.js';
import type { Engine } from '../../src/engine/engine.js';
import { smtpReply } from '../../src/platform/smtp-replies.js';

export interface Operator {
  /** Runs a command line; `answers` are typed at its questions in order (then end of input). */
  run(line: string, ...answers: string[]): Promise<{ ok: boolean; error?: string; output: string }>;
  /** The questions asked so far (labels), in order. */
  readonly asked: string[];
  readonly session: CliSession;
}

export function operator(engine: Engine): Operator {
  let out = '';
  const queue: string[] = [];
  const asked: string[] = [];
  const session = new CliSession(engine.api, COMMANDS, {
    print: (t) => (out += t),
    ask: async (q) => {
      asked.push(q.label);
      const a = queue.shift();
      out += `${q.label}\n${q.prompt}${a ?? ''}\n`;
      return a === undefined ? { eof: true } : { answer: a };
    },
  });
  return {
    asked,
    session,
    async run(line, ...answers) {
      queue.push(...answers);
      const start = out.length;
      const r = await session.run(line);
      queue.length = 0;
      return { ok: r.ok, error: r.error, output: out.slice(start) };
    },
  };
}

/** A backend that counts connections and messages; `hold` keeps DATA replies until `release()`. */
export class CountingBackend {
  port = 0;
  open = 0;
  maxOpen = 0;
  connections = 0;
  /** Messages received on each connection, in the order the connections were opened. */
  readonly perConnection: number[] = [];
  readonly recipients: string[] = [];
  hold = false;
  /** Replies to RCPT TO with this instead of accepting (e.g. 451). */
  rcptReply?: { code: number; text: string };
  /** Refuses at the greeting with this (e.g. 421). */
  greetingReply?: { code: number; text: string };
  #held: (() => void)[] = [];
  #server: SMTPServer | null = null;

  async start(): Promise<number> {
    const index = new WeakMap<object, number>();
    const server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onConnect: (session, cb) => {
        if (this.greetingReply) return cb(smtpReply(this.greetingReply.code, this.greetingReply.text));
        this.open++;
        this.connections++;
        this.maxOpen = Math.max(this.maxOpen, this.open);
        index.set(session, this.perConnection.push(0) - 1);
        cb();
      },
      onClose: (session) => {
        if (index.has(session)) this.open--;
      },
      onRcptTo: (_address, _session, cb) => (this.rcptReply ? cb(smtpReply(this.rcptReply.code, this.rcptReply.text)) : cb()),
      onData: (stream, session, cb) => {
        stream.resume();
        stream.on('end', () => {
          this.perConnection[index.get(session)!]++;
          this.recipients.push(...session.envelope.rcptTo.map((r) => r.address));
          if (this.hold) this.#held.push(() => cb());
          else cb();
        });
      },
    } as SMTPServerOptions);
    server.on('error', () => undefined);
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = ((server.server as Server).address() as { port: number }).port;
    return this.port;
  }

  /** DATA replies held so far. */
  get waiting(): number {
    return this.#held.length;
  }

  release(): void {
    this.hold = false;
    for (const reply of this.#held.splice(0)) reply();
  }

  async stop(): Promise<void> {
    this.release();
    const server = this.#server;
    if (!server) return;
    const s = server as unknown as { connections: Set<{ close(): void }> };
    for (const c of s.connections) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The line printed after the first answer at the question matching `at` (its refusal, when refused). */
export function refusalAt(output: string, at: RegExp): string {
  const lines = output.split('\n');
  const question = lines.findIndex((l) => at.test(l));
  assert.ok(question >= 0, `no question ${at} in:\n${output}`);
  const answered = lines.findIndex((l, i) => i > question && /^\[.*\]> /.test(l));
  return lines.slice(answered + 1).find((l) => l.trim() !== '')!;
}

/**
 * What the dialog says after `bad`, the last of `answers`: the refusal, and the same question
 * asked again (then end of input abandons the dialog, nothing of it recorded).
 */
export async function dialogRefusal(op: Operator, command: string, answers: string[]): Promise<string> {
  const pending = op.session.pending.descriptions.length;
  const r = await op.run(command, ...answers);
  const bad = answers.at(-1)!;
  assert.equal(op.asked.at(-1), op.asked.at(-2), `asked again after ${bad}`);
  const after = r.output.slice(r.output.lastIndexOf(`> ${bad}\n`) + `> ${bad}\n`.length);
  const refusal = after.replace(/^\n/, '').split('\n\n')[0];
  assert.equal(op.session.pending.descriptions.length, pending, 'an abandoned dialog records nothing');
  return refusal;
}

/** The one line a batch form is refused with. */
export async function batchRefusal(op: Operator, line: string): Promise<string> {
  const r = await op.run(line);
  assert.equal(r.ok, false, line);
  return r.error!;
}
