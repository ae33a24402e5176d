// A session's deadlines against slow clients: the next command line must be complete within
// the command timeout of the previous one (the greeting counts), however many bytes trickle in;
// and a whole session ends at the session timeout. Real time, like smtp-server's idle timeout.
import { DEFAULT_LISTENER_LIMITS, type ListenerConfig } from '../../model/config.js';

export interface SessionLimits {
  commandTimeoutMs: number;
  sessionTimeoutMs: number;
}

/** The deadlines of a listener's sessions; a configuration from before they existed gets the defaults. */
export function sessionLimitsOf(lc: ListenerConfig): SessionLimits {
  return {
    commandTimeoutMs: (lc.commandTimeout ?? DEFAULT_LISTENER_LIMITS.commandTimeout) * 1000,
    sessionTimeoutMs: (lc.sessionTimeout ?? DEFAULT_LISTENER_LIMITS.sessionTimeout) * 1000,
  };
}

export type Expiry = 'command' | 'session';

/**
 * Postfix's stress-adaptive smtpd_timeout (`${stress?10}${stress:300}s`): while a listener's
 * slots are short, a session has this long from its last command line to its next.
 */
export const STRESS_COMMAND_TIMEOUT_MS = 10_000;

/**
 * The two timers of one session. The command deadline pauses while a message is received (the
 * idle and session timeouts still apply then); a session deadline that falls while a received
 * message is being queued waits for its reply: cutting there would make the client send again.
 */
export class SessionDeadlines {
  #command: NodeJS.Timeout;
  readonly #session: NodeJS.Timeout;
  #commandMs: number;
  /** The delay the command timer was armed with (refresh() reuses it). */
  #armedMs: number;
  /** When the last command line (or the greeting) came, on the monotonic clock. */
  #lastCommandAt = performance.now();
  #inData = false;
  #queueing = false;
  #sessionDue = false;
  #done = false;

  constructor(
    readonly limits: SessionLimits,
    readonly expire: (why: Expiry) => void,
  ) {
    this.#commandMs = limits.commandTimeoutMs;
    this.#armedMs = this.#commandMs;
    this.#command = this.#armCommand(this.#commandMs);
    this.#session = setTimeout(() => {
      if (this.#queueing) this.#sessionDue = true;
      else this.#fire('session');
    }, limits.sessionTimeoutMs).unref();
  }

  // While content is received the command deadline does not count (refresh() restarts it after).
  #armCommand(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (!this.#inData) this.#fire('command');
    }, ms).unref();
  }

  get lastCommandAt(): number {
    return this.#lastCommandAt;
  }

  /** Receiving or queueing a message. */
  get busy(): boolean {
    return this.#inData || this.#queueing;
  }

  /**
   * The command timeout from now on (shorter under stress, back to the listener's after): the
   * deadline counts from the last command line, so a session already idle that long ends now.
   */
  setCommandTimeout(ms: number): void {
    if (ms === this.#commandMs || this.#done) return;
    this.#commandMs = ms;
    clearTimeout(this.#command);
    this.#armedMs = Math.max(0, this.#lastCommandAt + ms - performance.now());
    this.#command = this.#armCommand(this.#armedMs);
  }

  /** A command line arrived: the next one has the whole command timeout again. */
  commandSeen(): void {
    this.#lastCommandAt = performance.now();
    if (!this.#inData && !this.#done) this.#restartCommand();
  }

  /** The 354 went out: content, not commands, comes now. */
  dataStarted(): void {
    this.#inData = true;
  }

  /** The content is in and is being written to the queue (its reply is owed). */
  queueing(): void {
    this.#queueing = true;
  }

  /** The reply to the content is given: commands again. */
  dataEnded(): void {
    this.#inData = false;
    this.#queueing = false;
    this.#lastCommandAt = performance.now();
    if (this.#done) return;
    if (this.#sessionDue) return this.#fire('session');
    this.#restartCommand();
  }

  stop(): void {
    this.#done = true;
    clearTimeout(this.#command);
    clearTimeout(this.#session);
  }

  /** The whole current command timeout from now (a timer armed with a remainder is armed again). */
  #restartCommand(): void {
    if (this.#armedMs === this.#commandMs) {
      this.#command.refresh();
      return;
    }
    clearTimeout(this.#command);
    this.#armedMs = this.#commandMs;
    this.#command = this.#armCommand(this.#commandMs);
  }

  #fire(why: Expiry): void {
    if (this.#done) return;
    this.stop();
    this.expire(why);
  }
}
