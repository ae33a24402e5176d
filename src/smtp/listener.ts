// A listener: an smtp-server that applies the appliance's policy (recipient access table,
// limits, suspension, storage) and acknowledges a message only once it is durably queued.
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Clock } from '../clock.js';
import type { ListenerConfig } from '../config/config.js';
import type { Counters } from '../counters.js';
import { formatRfc5322Date } from '../log/format-date.js';
import type { MailLog } from '../log/mail-log.js';
import type { IdAllocator } from '../queue/ids.js';
import type { Envelope, QueuedMessage } from '../queue/message.js';
import type { MailQueue } from '../queue/queue.js';
import * as line from '../log/log-lines.js';
import { headerValue } from './headers.js';
import { domainOf, ratAccepts } from './rat.js';
import { smtpReply } from './replies.js';
import { checkSmtpServerShape, openSessions, setServerLimits, useOwnEnhancedCodes } from './smtp-server-seam.js';

export interface ListenerContext {
  clock: Clock;
  log: MailLog;
  counters: Counters;
  queue: MailQueue;
  ids: IdAllocator;
  hostname: () => string;
  isSuspended: (listener: string) => boolean;
  /** A message is durably queued. */
  accepted: (msg: QueuedMessage) => void;
  /** A session opened or closed. */
  connectionsChanged?: () => void;
}

export class Listener {
  readonly #server: SMTPServer;
  readonly #icids = new Map<string, number>();
  readonly #inflight = new Set<Promise<unknown>>();
  #stopping = false;
  #connections = 0;
  boundPort = 0;

  constructor(
    public config: ListenerConfig,
    readonly ctx: ListenerContext,
  ) {
    useOwnEnhancedCodes();
    this.#server = new SMTPServer({
      name: ctx.hostname(),
      banner: '',
      hideENHANCEDSTATUSCODES: false,
      hideDSN: true,
      hideREQUIRETLS: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: config.maxMessageSize,
      disableReverseLookup: true,
      socketTimeout: config.idleTimeout * 1000,
      closeTimeout: 1_000,
      logger: false,
      onConnect: (session, cb) => this.#onConnect(session, cb),
      onMailFrom: (_address, session, cb) => this.#onMailFrom(session, cb),
      onRcptTo: (address, session, cb) => this.#onRcptTo(address.address, session, cb),
      onData: (stream, session, cb) => this.#onData(stream, session, cb),
      onClose: (session) => this.#onClose(session),
    } as ConstructorParameters<typeof SMTPServer>[0]);
    this.#server.on('error', (err) => {
      ctx.log.info(`Listener ${config.name} error: ${err.message}`);
    });
  }

  get name(): string {
    return this.config.name;
  }

  get openConnections(): number {
    return this.#connections;
  }

  listen(): Promise<number> {
    checkSmtpServerShape(this.#server);
    return new Promise((resolve, reject) => {
      const server = this.#server.server;
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      this.#server.listen(this.config.port, this.config.host, () => {
        server.removeListener('error', onError);
        const addr = server.address();
        this.boundPort = typeof addr === 'object' && addr ? addr.port : this.config.port;
        resolve(this.boundPort);
      });
    });
  }

  /** Policy changes that need no new socket (RAT, limits, profile). */
  update(config: ListenerConfig): void {
    this.config = config;
    setServerLimits(this.#server, { size: config.maxMessageSize, socketTimeout: config.idleTimeout * 1000 });
  }

  /** Closes open sessions with a 421 (after a suspend delay, or at shutdown). */
  dropSessions(text: string): void {
    for (const session of openSessions(this.#server)) session.send(421, text);
  }

  unavailableText(): string {
    return `4.3.2 ${this.ctx.hostname()} Service not available, closing transmission channel`;
  }

  /** Stops accepting (421), lets messages being written finish, closes. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#inflight]);
    this.dropSessions(this.unavailableText());
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (this.#stopping || this.ctx.isSuspended(this.config.name)) {
      return cb(smtpReply(421, this.unavailableText()));
    }
    if (this.#connections >= this.config.maxConnections) {
      return cb(smtpReply(421, `4.7.0 ${this.ctx.hostname()} Too many connections, try again later`));
    }
    this.#connections++;
    this.ctx.connectionsChanged?.();
    const icid = this.ctx.ids.take('icid');
    this.#icids.set(session.id, icid);
    this.ctx.log.info(line.newInjection(icid, this.config.name, this.config.host, session.remoteAddress));
    cb();
  }

  #onClose(session: SMTPServerSession): void {
    const icid = this.#icids.get(session.id);
    if (icid === undefined) return;
    this.#icids.delete(session.id);
    this.#connections--;
    this.ctx.connectionsChanged?.();
    this.ctx.log.info(line.injectionClosed(icid));
  }

  #storageFull(session: SMTPServerSession): Error | undefined {
    if (!this.ctx.queue.isFull()) return undefined;
    this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, 'Queue Full'));
    return smtpReply(452, '4.3.1 Insufficient system storage');
  }

  #onMailFrom(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    cb(this.#storageFull(session) ?? null);
  }

  #onRcptTo(address: string, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    const domain = domainOf(address);
    if (!ratAccepts(this.config.rat, domain)) {
      this.ctx.counters.inc('rejectedRecipients');
      this.ctx.log.info(line.ratRejected(this.#icids.get(session.id) ?? 0, session.envelope.rcptTo.length, address));
      return cb(smtpReply(550, `5.7.1 <${address}>: Relay access denied`));
    }
    if (session.envelope.rcptTo.length >= this.config.maxRecipients) {
      return cb(smtpReply(452, `4.5.3 Too many recipients (at most ${this.config.maxRecipients} per message)`));
    }
    cb(this.#storageFull(session) ?? null);
  }

  #onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      // Past the limit the rest is read and dropped: the reply is 552 anyway.
      if (size <= this.config.maxMessageSize) chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('error', (err) => cb(smtpReply(451, `4.3.0 Error reading message: ${err.message}`)));
    stream.on('end', () => {
      if (stream.sizeExceeded || size > this.config.maxMessageSize) {
        return cb(smtpReply(552, `5.3.4 Message size exceeds fixed limit of ${this.config.maxMessageSize} bytes`));
      }
      if (this.ctx.queue.wouldOverflow(size)) {
        this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, 'Queue Full'));
        return cb(smtpReply(452, '4.3.1 Insufficient system storage'));
      }
      const work = this.#queueMessage(session, chunks).then(
        (msg) => cb(null, `2.0.0 Ok: Message ${msg.envelope.mid} accepted`),
        (err: Error) => {
          this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, err.message));
          cb(smtpReply(451, '4.3.0 Local error in processing, message not accepted: try again later'));
        },
      );
      this.#inflight.add(work);
      void work.finally(() => this.#inflight.delete(work));
    });
  }

  async #queueMessage(session: SMTPServerSession, chunks: Buffer[]): Promise<QueuedMessage> {
    const { ids, clock, log, counters, queue } = this.ctx;
    const icid = this.#icids.get(session.id) ?? 0;
    const mid = ids.take('mid');
    const now = clock.now();
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const to = session.envelope.rcptTo.map((r) => r.address);
    const content = Buffer.concat(chunks);
    const received = Buffer.from(
      `Received: from ${session.hostNameAppearsAs || 'unknown'} ([${session.remoteAddress}])\r\n` +
        ` by ${this.ctx.hostname()} with ESMTP id ${mid}${to.length === 1 ? `\r\n for <${to[0]}>` : ''};\r\n` +
        ` ${formatRfc5322Date(now)}\r\n`,
    );
    const envelope: Envelope = {
      mid,
      from,
      to,
      arrival: now,
      icid,
      listener: this.config.name,
      profile: this.config.bounceProfile,
      messageId: headerValue(content, 'Message-ID'),
      subject: headerValue(content, 'Subject'),
    };
    const msg = await queue.admit(envelope, [received, content]);
    log.info(line.messageStart(mid, icid));
    log.info(line.messageFrom(mid, icid, from));
    to.forEach((address, rid) => log.info(line.messageTo(mid, icid, rid, address)));
    if (envelope.messageId) log.info(line.messageId(mid, envelope.messageId));
    if (envelope.subject !== undefined) log.info(line.messageSubject(mid, envelope.subject));
    log.info(line.messageReady(mid, msg.size, from));
    log.info(line.messageQueued(mid));
    counters.inc('messagesReceived');
    counters.inc('recipientsReceived', to.length);
    this.ctx.accepted(msg);
    return msg;
  }
}
