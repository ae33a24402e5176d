// `sim`: the sandbox's own commands (clearly not AsyncOS): the built-in backend's state and
// mailboxes, test traffic through the listener, and the simulated clock.
import { formatCount } from '../model/format-count.js';
import { formatApplianceDate } from '../model/format-date.js';
import type { BackendMode } from './backend.js';
import { parseDuration } from './duration.js';
import type { MailboxEntry } from './mailboxes.js';
import { BACKEND_MODES, type InjectProgress, type SandboxControls } from './sandbox.js';
import { jumpLines, jumpShown } from './clock-jump.js';
import { wrapLine, wrapLines } from '../appliance/kit/wrap-text.js';
import { DomainPattern } from '../model/domain-pattern.js';
import { parseDecimal, parseInteger } from '../model/answers.js';
import { CommandError, type Command, type CommandIO } from '../appliance/kit/command.js';
import { liveLine } from '../appliance/kit/live-line.js';

const MAX_INJECT = 100_000;
/** Wall ms between two redraws of the injector's progress bar. */
const PROGRESS_EVERY_MS = 100;
/** Lines of one message `sim mailbox <address> <n>` shows at most. */
const MESSAGE_LINES = 500;

function sandboxOf(io: CommandIO): SandboxControls {
  const sandbox = io.engine.sandbox;
  if (!sandbox) throw new CommandError('The sim commands exist only in the sandbox: start it with `esa sandbox`.');
  return sandbox;
}

async function backend(io: CommandIO, args: string[]): Promise<void> {
  const sandbox = sandboxOf(io);
  const word = (args[0] ?? 'status').toLowerCase();
  if (word !== 'status') {
    if (!(word in BACKEND_MODES)) throw new CommandError(`Unknown backend state: ${args[0]}. Use status, up, down, tempfail or reject.`);
    await sandbox.setBackendMode(word as BackendMode);
  }
  io.print(`Backend mail server ${sandbox.backend.address} is ${BACKEND_MODES[sandbox.backendMode()]}.`);
  io.print(`Messages received by the backend: ${formatCount(sandbox.backend.received)}`);
  const kept = sandbox.backend.mailboxes?.count;
  if (kept !== undefined) io.print(`Messages kept in its mailboxes: ${formatCount(kept)} (sim mailbox)`);
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatCount(done)}/${formatCount(total)}`;
}

/** The refusals, most frequent first: `  10  452 4.3.1 Insufficient system storage`. */
function refusalLines(p: InjectProgress): string[] {
  const rows = Object.entries(p.refusals).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = Math.max(0, ...rows.map(([, n]) => formatCount(n).length));
  return rows.map(([reply, n]) => `  ${formatCount(n).padStart(width)}  ${reply}`);
}

async function inject(io: CommandIO, args: string[]): Promise<void> {
  const sandbox = sandboxOf(io);
  const parsed = parseInteger(args[0] ?? '', 1, MAX_INJECT);
  if ('error' in parsed) throw new CommandError(`Usage: sim inject <1-${formatCount(MAX_INJECT)}> [domain]`);
  const count = parsed.value;
  const listener = io.engine.listenerViews()[0];
  const domain = (args[1] ?? listener?.rat.find((d) => DomainPattern.fromStored(d).kind === 'exact') ?? 'example.com').toLowerCase();
  io.print(`Sending ${formatCount(count)} test message(s) to ${domain} through ${listener?.name ?? 'the listener'}...`);
  // One bar redrawn in place (interactive); scripts get only its final state.
  let drawn = 0;
  io.progress(bar(0, count));
  const result = await sandbox.inject(
    count,
    domain,
    (p) => {
      const now = Date.now();
      if (now - drawn < PROGRESS_EVERY_MS) return;
      drawn = now;
      io.progress(bar(p.done, p.total));
    },
    io.signal,
  );
  io.print(bar(result.done, count));
  io.print(`Accepted: ${formatCount(result.accepted)}  Refused: ${formatCount(result.refused)}`);
  if (result.refused > 0) io.print(...refusalLines(result));
  if (result.done < count) io.print(`Stopped (Ctrl-C) after ${formatCount(result.done)} of ${formatCount(count)}.`);
}

function clockStatus(io: CommandIO): void {
  const clock = sandboxOf(io).clock;
  io.print(`Simulated time: ${formatApplianceDate(clock.now())} UTC`);
  io.print(`Speed: ${formatCount(clock.scale)}x the wall clock${clock.scale === 0 ? ' (stopped)' : ''}`);
}

async function clock(io: CommandIO, args: string[]): Promise<void> {
  const word = (args[0] ?? 'show').toLowerCase();
  const sandbox = sandboxOf(io);
  const clock = sandbox.clock;
  if (word === 'show') {
    clockStatus(io);
  } else if (word === 'scale') {
    const x = parseDecimal(args[1] ?? '', 0, 1_000_000);
    if ('error' in x) throw new CommandError('Usage: sim clock scale <0-1000000> (1 = real time, 3600 = an hour a second)');
    clock.setScale(x.value);
    clockStatus(io);
  } else if (word.startsWith('+')) {
    const ms = parseDuration(word);
    if (ms === undefined) throw new CommandError(`Not a duration: ${args[0]}. Examples: +90s, +30m, +72h, +1h30m, +2d.`);
    const report = await sandbox.jump(ms, jumpShown(io, clock.now(), clock.now() + ms));
    io.print(...jumpLines(report, io.columns));
    clockStatus(io);
  } else {
    throw new CommandError('Usage: sim clock [show | +<duration> | scale <x>]');
  }
}

const MAX_WAIT_S = 600;

/** Waits (wall clock) a number of seconds, or until the queue is empty: for scripts and demos. */
async function wait(io: CommandIO, args: string[]): Promise<void> {
  const word = (args[0] ?? '').toLowerCase();
  const untilEmpty = word === 'empty';
  const parsed = parseInteger(untilEmpty ? (args[1] ?? String(MAX_WAIT_S)) : word, 1, MAX_WAIT_S);
  if ('error' in parsed) throw new CommandError(`Usage: sim wait <1-${MAX_WAIT_S} seconds> | sim wait empty [timeout seconds]`);
  const seconds = parsed.value;
  const queued = () => io.engine.gauges().queuedMessages;
  const started = Date.now();
  const elapsed = () => Math.min(seconds, Math.floor((Date.now() - started) / 1000));
  const stopLive = liveLine(io, () =>
    untilEmpty
      ? `Waiting for the queue to empty: ${formatCount(queued())} message(s) queued, ${seconds - elapsed()} s left (Ctrl-C stops)`
      : `Waiting: ${seconds - elapsed()} s left (Ctrl-C stops)`,
  );
  const reached = await new Promise<boolean>((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      io.signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(!untilEmpty), seconds * 1000);
    const unsubscribe = untilEmpty ? io.engine.on('queue', () => queued() === 0 && finish(true)) : () => undefined;
    io.signal.addEventListener('abort', onAbort, { once: true });
    if (io.signal.aborted || (untilEmpty && queued() === 0)) finish(!io.signal.aborted);
  });
  stopLive();
  if (io.signal.aborted) {
    const still = untilEmpty ? `; the queue holds ${formatCount(queued())} message(s)` : '';
    io.print(`sim wait interrupted (Ctrl-C) after ${elapsed()} of ${seconds} s${still}.`);
    return;
  }
  if (untilEmpty) {
    if (!reached || queued() > 0) throw new CommandError(`The queue still holds ${formatCount(queued())} message(s).`);
    io.print('The queue is empty.');
  } else {
    io.print(`Waited ${seconds} s.`);
  }
}

// ----- mailboxes -----

function mailboxesOf(io: CommandIO) {
  const boxes = sandboxOf(io).backend.mailboxes;
  if (!boxes) throw new CommandError('This backend keeps no mailboxes.');
  return boxes;
}

const senderText = (from: string) => (from === '' ? '<> (a DSN)' : from);

async function mailbox(io: CommandIO, args: string[]): Promise<void> {
  const boxes = mailboxesOf(io);
  if (args.length === 0) {
    const all = boxes.summaries();
    if (all.length === 0) {
      io.print('The backend has kept no mail yet.');
      return;
    }
    const width = Math.max(7, ...all.map((s) => s.address.length));
    io.print(`${'Mailbox'.padEnd(width)}  Messages   DSNs  Newest`);
    for (const s of all) {
      io.print(`${s.address.padEnd(width)}  ${formatCount(s.messages).padStart(8)}  ${formatCount(s.dsns).padStart(5)}  ${formatApplianceDate(s.newest)}`);
    }
    io.blank();
    io.print(
      ...wrapLines(
        [
          `Type "sim mailbox <address>" for its messages. The oldest are dropped past ${formatCount(boxes.limits.maxMessages)} messages or ${formatCount(boxes.limits.maxBytes / 1024 / 1024)} MB.`,
        ],
        io.columns ?? 80,
      ),
    );
    return;
  }
  const address = args[0].replace(/^<|>$/g, '').toLowerCase();
  const messages = boxes.messagesOf(address);
  if (messages.length === 0) throw new CommandError(`No mail for ${address}. "sim mailbox" lists the mailboxes.`);
  if (args.length === 1) return listMailbox(io, address, messages);
  const n = parseInteger(args[1], 1, messages.length);
  if ('error' in n) throw new CommandError(`Message number: ${n.error}`);
  await showMessage(io, address, messages, n.value);
}

function listMailbox(io: CommandIO, address: string, messages: MailboxEntry[]): void {
  io.print(`Mailbox ${address}: ${formatCount(messages.length)} message(s), oldest first`);
  io.blank();
  const numberWidth = Math.max(1, String(messages.length).length);
  const fromWidth = Math.max(4, ...messages.map((m) => senderText(m.from).length));
  const sizeWidth = Math.max(4, ...messages.map((m) => formatCount(m.size).length));
  const row = (n: string, at: string, from: string, size: string) =>
    `${n.padStart(numberWidth)}  ${at.padEnd(24)}  ${from.padEnd(fromWidth)}  ${size.padStart(sizeWidth)}`;
  const rows = messages.map((m, i) => row(String(i + 1), formatApplianceDate(m.at), senderText(m.from), formatCount(m.size)));
  // At a terminal too narrow for a row and its subject, each subject goes on a line of its own.
  const columns = io.columns;
  if (columns === undefined || rows.every((r, i) => r.length + 2 + messages[i].subject.length <= columns)) {
    io.print(`${row('#', 'Received', 'From', 'Size')}  Subject`);
    io.print(...rows.map((r, i) => `${r}  ${messages[i].subject}`));
  } else {
    const under = ' '.repeat(numberWidth + 2);
    io.print(row('#', 'Received', 'From', 'Size'), `${under}Subject`);
    io.print(...rows.flatMap((r, i) => [r, ...wrapLine(`${under}${messages[i].subject}`, columns)]));
  }
  io.blank();
  io.print(`Type "sim mailbox ${address} <#>" to read one.`);
}

async function showMessage(io: CommandIO, address: string, messages: MailboxEntry[], n: number): Promise<void> {
  const entry = messages[n - 1];
  const content = await mailboxesOf(io).content(entry);
  io.print(`Message ${n} of ${messages.length} in ${address}, received ${formatApplianceDate(entry.at)} UTC`);
  io.print(`Envelope: from <${entry.from}> to ${entry.to.map((t) => `<${t}>`).join(', ')}, ${formatCount(entry.size)} bytes`);
  io.blank();
  const lines = content.toString('utf8').replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  io.print(...lines.slice(0, MESSAGE_LINES));
  if (lines.length > MESSAGE_LINES)
    io.print(`... ${formatCount(lines.length - MESSAGE_LINES)} more line(s) in the file ${entry.id}.eml of ${mailboxesOf(io).dir}`);
}

// Scenarios and the queue graph live in src/sandbox/scenarios/ (a clock jump plays a running scenario's timeline).
const scenarios = () => import('./scenarios/sim-scenario.js');
const SUBCOMMANDS: Record<string, (io: CommandIO, args: string[]) => Promise<void>> = {
  backend,
  inject,
  clock: async (io, args) => (await scenarios()).scenarioClock(io, args, clock),
  wait,
  mailbox,
  scenario: async (io, args) => (await scenarios()).scenario(io, args),
  graph: async (io, args) => (await scenarios()).graph(io, args),
};

export const sim: Command = {
  name: 'sim',
  summary: 'Sandbox only: the backend mail server, test traffic, simulated time.',
  help: `sim - Sandbox only (not an AsyncOS command): drive the training sandbox.

sim backend [status | up | down | tempfail | reject]
    The built-in backend mail server behind the appliance: accepting, refusing
    connections, answering 4xx (451) or 5xx (550) to every recipient. Mail to the
    sender's domain (DSNs to trainer@sandbox.example.org) is accepted in every
    mode but down.
sim inject <n> [domain]
    Sends n test messages through the listener (to user1..user50@domain; the default
    domain is the listener's first accepted domain), with a progress bar; refusals
    are counted by the reply that refused them.
sim mailbox [address [n]]
    What the backend received: the mailboxes, one address's messages, or its
    message n (DSNs to the sender included).
sim clock [show | +<duration> | scale <x>]
    Shows simulated time, jumps ahead (+90s, +30m, +72h, +1h30m, +2d) or changes its
    speed (scale 3600: an hour a second; 0 stops it). Retries, host retries, queue
    lifetime and delay warnings all follow it; a jump plays each of them at its own
    time, in order, and returns once what they started is done.
sim wait <seconds> | sim wait empty [timeout]
    Waits (real seconds, at most 600), or until the queue is empty: for scripts.
sim scenario [list | start <name> | status | hint | check | debrief | stop]
    Guided exercises judged from what really happened to the mail (scenarios/,
    docs/sandbox.md): set the scene, act with the real commands, then check.
sim graph
    The queue's size over simulated time, with deliveries, bounces and refusals.`,
  argWords: () => ['backend', 'inject', 'mailbox', 'clock', 'wait', 'scenario', 'graph'],
  async run(io, args) {
    const [sub, ...rest] = args;
    sandboxOf(io); // every sim command needs the sandbox, the clock too: it is not an appliance control
    const fn = SUBCOMMANDS[(sub ?? '').toLowerCase()];
    if (!fn) throw new CommandError('Usage: sim backend|inject|mailbox|clock|wait|scenario|graph ... (help sim)');
    await fn(io, rest);
  },
};
