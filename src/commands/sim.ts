// `sim`: the sandbox's own commands (clearly not AsyncOS): the built-in backend's state,
// test traffic through the listener, and the simulated clock.
import { formatCount } from '../bounce/profile.js';
import { formatApplianceDate } from '../log/format-date.js';
import type { BackendMode } from '../sandbox/backend.js';
import { formatDuration, parseDuration } from '../sandbox/duration.js';
import type { SandboxControls } from '../sandbox/sandbox.js';
import { DomainPattern } from '../domain-pattern.js';
import { parseDecimal, parseInteger } from './answers.js';
import { CommandError, type Command, type CommandIO } from './command.js';

const MODES: Record<BackendMode, string> = {
  up: 'up: accepting mail',
  down: 'down: refusing connections',
  tempfail: 'tempfail: answering 451 4.3.0 to every recipient',
  reject: 'reject: answering 550 5.1.1 to every recipient',
};

const MAX_INJECT = 100_000;

function sandboxOf(io: CommandIO): SandboxControls {
  const sandbox = io.engine.sandbox;
  if (!sandbox) throw new CommandError('The sim commands exist only in the sandbox: start it with `esa sandbox`.');
  return sandbox;
}

async function backend(io: CommandIO, args: string[]): Promise<void> {
  const sandbox = sandboxOf(io);
  const word = (args[0] ?? 'status').toLowerCase();
  if (word !== 'status') {
    if (!(word in MODES)) throw new CommandError(`Unknown backend state: ${args[0]}. Use status, up, down, tempfail or reject.`);
    await sandbox.setBackendMode(word as BackendMode);
  }
  io.print(`Backend mail server ${sandbox.backend.address} is ${MODES[sandbox.backendMode()]}.`);
  io.print(`Messages received by the backend: ${formatCount(sandbox.backend.received)}`);
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatCount(done)}/${formatCount(total)}`;
}

async function inject(io: CommandIO, args: string[]): Promise<void> {
  const sandbox = sandboxOf(io);
  const parsed = parseInteger(args[0] ?? '', 1, MAX_INJECT);
  if ('error' in parsed) throw new CommandError(`Usage: sim inject <1-${formatCount(MAX_INJECT)}> [domain]`);
  const count = parsed.value;
  const listener = io.engine.listenerViews()[0];
  const domain = (args[1] ?? listener?.rat.find((d) => DomainPattern.fromStored(d).kind === 'exact') ?? 'example.com').toLowerCase();
  io.print(`Sending ${formatCount(count)} test message(s) to ${domain} through ${listener?.name ?? 'the listener'}...`);
  // Ten steps of the bar: enough to watch, few enough for a script's transcript.
  let shown = 0;
  const result = await sandbox.inject(
    count,
    domain,
    (p) => {
      const step = Math.floor((p.done / p.total) * 10);
      if (step > shown) {
        shown = step;
        io.print(bar(p.done, p.total));
      }
    },
    io.signal,
  );
  io.print(`Accepted: ${formatCount(result.accepted)}  Refused: ${formatCount(result.refused)}`);
  if (result.done < count) io.print(`Stopped after ${formatCount(result.done)} of ${formatCount(count)}.`);
}

function clockStatus(io: CommandIO): void {
  const clock = sandboxOf(io).clock;
  io.print(`Simulated time: ${formatApplianceDate(clock.now())} UTC`);
  io.print(`Speed: ${formatCount(clock.scale)}x the wall clock${clock.scale === 0 ? ' (stopped)' : ''}`);
}

async function clock(io: CommandIO, args: string[]): Promise<void> {
  const word = (args[0] ?? 'show').toLowerCase();
  const clock = sandboxOf(io).clock;
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
    clock.advance(ms);
    io.print(`The clock moved ahead ${formatDuration(ms)}.`);
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
  if (untilEmpty) {
    if (!reached || queued() > 0) throw new CommandError(`The queue still holds ${formatCount(queued())} message(s).`);
    io.print('The queue is empty.');
  }
}

const SUBCOMMANDS: Record<string, (io: CommandIO, args: string[]) => Promise<void>> = { backend, inject, clock, wait };

export const sim: Command = {
  name: 'sim',
  summary: 'Sandbox only: the backend mail server, test traffic, simulated time.',
  help: `sim - Sandbox only (not an AsyncOS command): drive the training sandbox.

sim backend [status | up | down | tempfail | reject]
    The built-in backend mail server behind the appliance: accepting, refusing
    connections, answering 4xx (451) or 5xx (550) to every recipient.
sim inject <n> [domain]
    Sends n test messages through the listener (to user1..user50@domain; the default
    domain is the listener's first accepted domain), with a progress bar.
sim clock [show | +<duration> | scale <x>]
    Shows simulated time, jumps ahead (+90s, +30m, +72h, +1h30m, +2d) or changes its
    speed (scale 3600: an hour a second; 0 stops it). Retries, host retries, queue
    lifetime and delay warnings all follow it.
sim wait <seconds> | sim wait empty [timeout]
    Waits (real seconds, at most 600), or until the queue is empty: for scripts.`,
  argWords: () => ['backend', 'inject', 'clock', 'wait'],
  async run(io, args) {
    const [sub, ...rest] = args;
    sandboxOf(io); // every sim command needs the sandbox, the clock too: it is not an appliance control
    const fn = SUBCOMMANDS[(sub ?? '').toLowerCase()];
    if (!fn) throw new CommandError('Usage: sim backend|inject|clock|wait ... (help sim)');
    await fn(io, rest);
  },
};
