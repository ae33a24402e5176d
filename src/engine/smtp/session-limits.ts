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
 * The two timers of one session. The command deadline pauses while a message is received (the
 * idle and session timeouts still apply then); a session deadline that falls while a received
 * message is being queued waits for its reply: cutting there would make the client send again.
 */
export class SessionDeadlines {
  readonly #command: NodeJS.Timeout;
  readonly #session: NodeJS.Timeout;
  #inData = false;
  #queueing = false;
  #sessionDue = false;
  #done = false;

  constructor(
    limits: SessionLimits,
    readonly expire: (why: Expiry) => void,
  ) {
    // While content is received the command deadline does not count (refresh() restarts it after).
    this.#command = setTimeout(() => {
      if (!this.#inData) this.#fire('command');
    }, limits.commandTimeoutMs).unref();
    this.#session = setTimeout(() => {
      if (this.#queueing) this.#sessionDue = true;
      else this.#fire('session');
    }, limits.sessionTimeoutMs).unref();
  }

  /** A command line arrived: the next one has the whole command timeout again. */
  commandSeen(): void {
    if (!this.#inData && !this.#done) this.#command.refresh();
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
    if (this.#done) return;
    if (this.#sessionDue) return this.#fire('session');
    this.#command.refresh();
  }

  stop(): void {
    this.#done = true;
    clearTimeout(this.#command);
    clearTimeout(this.#session);
  }

  #fire(why: Expiry): void {
    if (this.#done) return;
    this.stop();
    this.expire(why);
  }
}
