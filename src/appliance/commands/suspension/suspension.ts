// Shared pieces of the suspend / resume family: which listeners, which domains, the close
// delay, and waiting (interruptibly) for open connections to end after a suspension.
import { DomainPattern } from '../../../model/domain-pattern.js';
import { matchChoice, parseCommaList, parseInteger, type Parsed } from '../../../model/answers.js';
import type { CommandIO } from '../../kit/command.js';
import { askInteger, askNumberedMany, askValid } from '../../kit/dialog.js';
import { CommandError, parsedArg } from '../../kit/command.js';
import { liveLine } from '../../kit/live-line.js';

export const CLOSE_DELAY = { min: 0, max: 3_600, default: 30 } as const;

export const CLOSE_DELAY_QUESTION = 'Enter the number of seconds to wait before abruptly closing connections.';

export function askCloseDelay(io: CommandIO): Promise<number> {
  return askInteger(io, CLOSE_DELAY_QUESTION, CLOSE_DELAY);
}

/** The delay of a batch form (`suspend 0`); absent: the default. */
export function closeDelayArg(arg: string | undefined): number {
  if (arg === undefined) return CLOSE_DELAY.default;
  return parsedArg(parseInteger(arg, CLOSE_DELAY.min, CLOSE_DELAY.max), 'Delay');
}

// ----- listeners -----

export function listenerNames(io: CommandIO): string[] {
  return io.engine.config().listeners.map((l) => l.name);
}

/** `Choose the listener(s) you wish to suspend.` with `1. All` first; returns names. */
export async function chooseListeners(io: CommandIO, verb: 'suspend' | 'resume', names: readonly string[]): Promise<string[]> {
  const items = ['All', ...names];
  const picked = await askNumberedMany(io, `Choose the listener(s) you wish to ${verb}.`, items, 0);
  return picked.includes(0) ? [...names] : picked.map((i) => items[i]);
}

/** Listener names of a batch form: a comma list of the dialog's words (names, or ALL). */
export function listenerArg(arg: string, names: readonly string[]): string[] {
  const items = ['All', ...names];
  const p = parseCommaList(arg, (item): Parsed<string[]> => {
    const i = matchChoice(item, items, false);
    if (i === undefined) return { error: `Unknown listener: ${item}` };
    return { value: i === 0 ? [...names] : [items[i]] };
  });
  if ('error' in p) throw new CommandError(p.error);
  return [...new Set(p.value.flat())];
}

// ----- domains -----

/**
 * A comma list of domain patterns (`example.com`, `.example.com`, `[1.2.3.4]`, `ALL`), as the
 * strings the operational state stores; ALL among them stands for everything.
 */
export function parseDomainList(text: string): Parsed<string[]> {
  const p = parseCommaList(text, DomainPattern.parse);
  if ('error' in p) return p;
  if (p.value.some((d) => d.kind === 'all')) return { value: [DomainPattern.ALL.toString()] };
  return { value: [...new Set(p.value.map(String))] };
}

export function askDomains(io: CommandIO, verb: 'suspend' | 'resume'): Promise<string[]> {
  return askValid(
    io,
    { label: `Enter one or more domains [comma-separated] to which you want to ${verb} delivery.`, default: 'ALL', choices: ['ALL'] },
    parseDomainList,
  );
}

export function domainsArg(arg: string): string[] {
  return parsedArg(parseDomainList(arg));
}

// ----- waiting for connections to end -----

/**
 * Waits until `open()` is 0, or the delay (simulated seconds) has passed plus a moment for the
 * engine to close what is left. Ctrl-C stops the wait, not the suspension: returns false then.
 */
export async function waitForConnections(io: CommandIO, delaySeconds: number, open: () => number): Promise<boolean> {
  const { engine, signal } = io;
  if (open() === 0) return true;
  if (signal.aborted) return false;
  // A countdown in place (interactive shell): the delay left and the connections still open.
  const closesAt = engine.now() + delaySeconds * 1000;
  const stopLive = liveLine(io, () => {
    const left = Math.max(0, Math.ceil((closesAt - engine.now()) / 1000));
    return `  ${left} s until open connections are closed; ${open()} open (Ctrl-C stops waiting)`;
  });
  return new Promise<boolean>((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    const finish = (done: boolean) => {
      stopLive();
      unsubscribe();
      cancelDelay();
      clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
      resolve(done);
    };
    const onAbort = () => finish(false);
    const unsubscribe = engine.on('connections', () => {
      if (open() === 0) finish(true);
    });
    // When the delay (simulated time) ends the engine closes what is left: a moment (real) for that.
    const cancelDelay = engine.after(delaySeconds * 1000, () => {
      grace = setTimeout(() => finish(true), 2_000);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function suspendReceiving(io: CommandIO, names: string[], delaySeconds: number): Promise<void> {
  await io.engine.suspendListeners(names, delaySeconds);
  io.print('Waiting for listeners to exit...');
  const done = await waitForConnections(io, delaySeconds, () => io.engine.inboundConnections(names));
  if (!done) io.print('Stopped waiting: open connections will be closed when the delay ends.');
  io.print(`Receiving suspended for ${names.join(', ')}.`);
}

export async function suspendDelivering(io: CommandIO, domains: string[], delaySeconds: number): Promise<void> {
  const { engine } = io;
  await engine.suspendDelivery(domains);
  io.print('Waiting for outgoing deliveries to finish...');
  const all = domains.includes('ALL');
  const done = await waitForConnections(io, delaySeconds, () => engine.outboundConnections(all ? 'all' : 'suspended'));
  if (!done) io.print('Stopped waiting: deliveries in progress will finish.');
  io.print(all ? 'Mail delivery suspended.' : `Mail delivery suspended for ${domains.join(', ')}.`);
}

export async function resumeReceiving(io: CommandIO, names: string[]): Promise<void> {
  const resumed = await io.engine.resumeListeners(names);
  io.print(resumed.length > 0 ? `Receiving resumed for ${resumed.join(', ')}.` : 'No listeners were resumed.');
}

export async function resumeDelivering(io: CommandIO, domains: string[]): Promise<void> {
  const resumed = await io.engine.resumeDelivery(domains);
  io.print(resumed ? 'Mail delivery resumed.' : 'Mail delivery was not suspended.');
}

/** Whether any delivery suspension is in force. */
export function deliverySuspended(io: CommandIO): boolean {
  const op = io.engine.operational();
  return op.deliverySuspended || op.suspendedDomains.length > 0;
}
