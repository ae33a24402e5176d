// The bounce generator, the BounceSink the engine uses: per the message's bounce profile it
// decides whether a DSN goes out and to whom, builds it from the spooled original, and queues it.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ApplianceConfig } from '../../model/config.js';
import type { MailLog } from '../log/mail-log.js';
import type { Envelope } from '../queue/message.js';
import type { QueueRecords } from '../queue/records.js';
import { Deque } from '../queue/deque.js';
import type { QueuedMessage, Recipient } from '../queue/message.js';
import type { BounceSink, HardBounce } from './bounce-sink.js';
import { buildDsn, isRemoteReply, reportedStatus, type DsnAction, type DsnRecipient } from './dsn.js';
import { currentProfileName, isExpired, resolveProfile, type BounceSettings } from '../../model/bounce-profile.js';

/** What of the engine the generator uses. */

/** submitGenerated ended a wait for queue room because the engine stops: the notice stays owed. */
export class DsnDeferred extends Error {
  constructor() {
    super('the engine is stopping: the notice stays owed until the restart');
  }
}

export interface BounceHost {
  readonly clock: Clock;
  readonly log: MailLog;
  readonly records: QueueRecords;
  readonly config: ApplianceConfig;
  readonly hostname: string;
  /** The original message as spooled. */
  content(mid: number): Promise<Buffer>;
  /** Queues a message the appliance generated (the DSN). */
  submitGenerated(from: string, to: string[], content: Buffer, extra?: Partial<Envelope>): Promise<QueuedMessage>;
}

/**
 * DSNs built at once. A bounce storm (a host down past the queue lifetime) must not open every
 * spool file together; the rest wait in order, their originals kept (see `holding`).
 */
const PARALLEL_BUILDS = 4;

/** One DSN to build, with everything that must be read at the moment of the event. */
interface DsnOrder {
  msg: QueuedMessage;
  action: DsnAction;
  to: string;
  subject: string;
  date: number;
  recipients: DsnRecipient[];
  willRetryUntil?: number;
  dsnFormat: boolean;
  maxCopyBytes: number;
  /** Hard-bounced recipients whose DSN this is (none for a delay warning). */
  owed?: Recipient[];
  done: () => void;
}

const ridList = (rcpts: Recipient[]) => `[${rcpts.map((r) => r.rid).join(', ')}]`;

/** A message the appliance generated, or one nobody can be told about: never bounced. */
function undeliverableNotice(msg: QueuedMessage): string | undefined {
  if (msg.envelope.bounceOf !== undefined) return `bounce of MID ${msg.envelope.bounceOf}`;
  if (msg.envelope.from === '') return 'null sender';
  return undefined;
}

/** What the recipient last heard, remote reply or connection error, as a note on a reason. */
function lastReplyNote(r: Recipient): string {
  if (!r.lastReply) return '';
  return isRemoteReply(r.lastReply) ? ` (last reply: ${r.lastReply.replace(/\s+/g, ' ').trim()})` : ` (last error: ${r.lastReply})`;
}

function expiryReason(settings: BounceSettings, msg: QueuedMessage, r: Recipient, now: number): string {
  const why = isExpired(settings, msg.envelope.arrival, r.attempts, now);
  const base =
    why === 'retries'
      ? `Delivery expired: not delivered after ${r.attempts} attempt(s)`
      : `Delivery expired: the message was in the queue longer than ${settings.max_queue_lifetime} seconds`;
  return base + lastReplyNote(r);
}

const LOCAL_REASONS: Record<HardBounce['kind'], string> = {
  dns: 'The recipient domain could not be resolved',
  '5xx': 'The remote host refused the recipient',
  expired: 'Delivery expired',
  filter: 'The message was dropped by a filter',
  other: 'The message was returned to its sender',
};

function failureReason(b: HardBounce, msg: QueuedMessage, settings: BounceSettings, now: number): string {
  if (b.kind === 'expired') return expiryReason(settings, msg, b.rcpt, now);
  // The remote's own words say it best (empty: the text quotes them); without them, say why.
  return isRemoteReply(b.reply) ? '' : LOCAL_REASONS[b.kind] + lastReplyNote(b.rcpt);
}

export function failedRecipient(b: HardBounce, msg: QueuedMessage, settings: BounceSettings, now: number): DsnRecipient {
  const r = b.rcpt;
  // An expired recipient has no reply of its own: quote what the remote said last, if anything.
  const remoteReply = isRemoteReply(b.reply) ? b.reply : b.kind === 'expired' && isRemoteReply(r.lastReply) ? r.lastReply : undefined;
  return {
    address: r.address,
    status: reportedStatus(b.reply, b.status, settings.use_bounce_response_code),
    remoteReply,
    remoteMta: isRemoteReply(b.reply) ? b.remoteMta : undefined,
    lastAttemptAt: r.lastAttemptAt || undefined,
    reason: failureReason(b, msg, settings, now),
  };
}

export function delayedRecipient(r: Recipient, settings: BounceSettings): DsnRecipient {
  // Without a remote reply the delay is the connection's: 4.4.3 (DNS) or 4.4.1 (no answer).
  const local = !r.lastReply ? '4.0.0' : /^DNS:/.test(r.lastReply) ? '4.4.3' : '4.4.1';
  return {
    address: r.address,
    status: reportedStatus(r.lastReply, local, settings.use_bounce_response_code),
    remoteReply: isRemoteReply(r.lastReply) ? r.lastReply : undefined,
    lastAttemptAt: r.lastAttemptAt || undefined,
    reason: isRemoteReply(r.lastReply) ? '' : `Not delivered yet${lastReplyNote(r)}`,
  };
}

export class BounceGenerator implements BounceSink {
  readonly #orders = new Deque<DsnOrder>();
  #building = 0;
  /** Per message, the DSNs still to be built from its spool file. */
  readonly #holds = new Map<QueuedMessage, Promise<void>>();
  #idleWaiters: (() => void)[] = [];

  constructor(readonly host: BounceHost) {}

  #settings(msg: QueuedMessage, profile?: string): BounceSettings {
    const config = this.host.config;
    return resolveProfile(config.bounceProfiles, profile ?? currentProfileName(config, msg.envelope.profile));
  }

  hardBounced(msg: QueuedMessage, bounces: HardBounce[], profile?: string): void {
    if (bounces.length === 0) return;
    const notice = undeliverableNotice(msg);
    if (notice) {
      this.host.log.info(`MID ${msg.envelope.mid} RID ${ridList(bounces.map((b) => b.rcpt))} Double bounce: dropped (${notice})`);
      this.#settled(
        msg,
        bounces.map((b) => b.rcpt),
      );
      return;
    }
    const settings = this.#settings(msg, profile);
    if (!settings.send_bounces) {
      this.#settled(
        msg,
        bounces.map((b) => b.rcpt),
      );
      return;
    }
    const now = this.host.clock.now();
    this.#order({
      msg,
      owed: bounces.map((b) => b.rcpt),
      action: 'failed',
      to: settings.bounce_address || msg.envelope.from,
      subject: settings.bounce_subject,
      date: now,
      recipients: bounces.map((b) => failedRecipient(b, msg, settings, now)),
      dsnFormat: settings.use_dsn_bounce_format,
      maxCopyBytes: settings.max_bounce_copy,
    });
  }

  delayed(msg: QueuedMessage, rcpts: Recipient[], profile?: string): void {
    // The scheduler checks send_warnings and the count; a DSN is never warned about.
    if (rcpts.length === 0 || undeliverableNotice(msg)) return;
    const settings = this.#settings(msg, profile);
    this.#order({
      msg,
      action: 'delayed',
      to: settings.bounce_address || msg.envelope.from,
      subject: settings.delay_subject,
      date: this.host.clock.now(),
      recipients: rcpts.map((r) => delayedRecipient(r, settings)),
      willRetryUntil: msg.envelope.arrival + settings.max_queue_lifetime * 1000,
      dsnFormat: settings.use_dsn_bounce_format,
      maxCopyBytes: settings.max_bounce_copy,
    });
  }

  /** No DSN is owed for these recipients any more (queued, or none goes out). */
  #settled(msg: QueuedMessage, rcpts: Recipient[]): void {
    this.host.records.dsnSettled(msg, rcpts);
  }

  holding(msg: QueuedMessage): Promise<void> | undefined {
    return this.#holds.get(msg);
  }

  idle(): Promise<void> {
    if (this.#building === 0 && this.#orders.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #order(order: Omit<DsnOrder, 'done'>): void {
    let done!: () => void;
    const built = new Promise<void>((resolve) => (done = resolve));
    const previous = this.#holds.get(order.msg);
    const hold = previous ? Promise.all([previous, built]).then(() => undefined) : built;
    this.#holds.set(order.msg, hold);
    void hold.then(() => {
      if (this.#holds.get(order.msg) === hold) this.#holds.delete(order.msg);
    });
    this.#orders.push({ ...order, done });
    this.#pump();
  }

  #pump(): void {
    while (this.#building < PARALLEL_BUILDS && this.#orders.length > 0) {
      const order = this.#orders.shift()!;
      this.#building++;
      void this.#build(order).finally(() => {
        this.#building--;
        order.done();
        this.#pump();
        if (this.#building === 0 && this.#orders.length === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      });
    }
  }

  /** Builds and queues one DSN; failures are logged, never thrown (delivery goes on). */
  async #build(order: DsnOrder): Promise<void> {
    const { host } = this;
    const mid = order.msg.envelope.mid;
    const what = order.action === 'failed' ? 'bounce' : 'delay warning';
    try {
      let original: Buffer | null = null;
      try {
        original = await host.content(mid);
      } catch (e) {
        // Removed by an operator meanwhile: the sender is still told, without the copy.
        host.log.info(`MID ${mid} ${what} without a copy of the message: ${(e as Error).message}`);
      }
      const hostname = host.hostname;
      const messageId = `<dsn.${mid}.${randomBytes(6).toString('hex')}@${hostname}>`;
      const content = await buildDsn({
        action: order.action,
        hostname,
        to: order.to,
        subject: order.subject,
        date: order.date,
        messageId,
        arrival: order.msg.envelope.arrival,
        willRetryUntil: order.willRetryUntil,
        recipients: order.recipients,
        original,
        maxCopyBytes: order.maxCopyBytes,
        dsnFormat: order.dsnFormat,
        boundary: randomBytes(8).toString('hex'),
      });
      const dsn = await host.submitGenerated('', [order.to], content, { bounceOf: mid, messageId, subject: order.subject });
      host.log.info(`MID ${dsn.envelope.mid} was generated for ${what} of MID ${mid}`);
    } catch (e) {
      // Stopped while it waited for queue room: still owed (queue state), sent after a restart.
      if (e instanceof DsnDeferred) return;
      host.log.info(`MID ${mid} ${what} not generated: ${(e as Error).message}`);
    }
    if (order.owed) this.#settled(order.msg, order.owed);
  }
}
