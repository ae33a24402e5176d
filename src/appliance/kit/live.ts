// Live output that runs until Ctrl-C (rate, hostrate, tail): waits that end on the session's
// interrupt, and the `^C` the appliance echoes before the main prompt comes back.
import { parseInteger } from '../../model/answers.js';
import { CommandError, DialogAborted, type CommandIO } from './command.js';

/** A whole number in a range from the command line (seconds, a count), or one clear line. */
export function numberArg(text: string, what: string, min: number, max: number): number {
  const p = parseInteger(text, min, max);
  if ('error' in p) throw new CommandError(`Invalid ${what} "${text}": ${p.error}`);
  return p.value;
}

/** Resolves true after `ms` of wall-clock time, false as soon as the command is interrupted. */
export function waitOrStop(signal: AbortSignal, ms: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when the command is interrupted (or its session ends). */
export function untilStopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** After a live stream: `^C` when Ctrl-C ended it (scripts read up to it); nothing when the session went away. */
export function endLive(io: CommandIO): void {
  const reason: unknown = io.signal.reason;
  if (reason instanceof DialogAborted && reason.why === 'interrupt') io.print('^C');
}

/**
 * Calls `tick` every `seconds` of wall-clock time (the first at once) until it has run
 * `count` times or, with no count, until Ctrl-C. Ticks keep to the schedule: a slow tick
 * does not push the following ones later.
 */
export async function everySeconds(io: CommandIO, seconds: number, count: number | undefined, tick: () => void): Promise<void> {
  const start = Date.now();
  for (let i = 0; count === undefined || i < count; i++) {
    if (i > 0 && !(await waitOrStop(io.signal, start + i * seconds * 1000 - Date.now()))) break;
    tick();
  }
}
