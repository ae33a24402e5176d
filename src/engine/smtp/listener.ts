// A listener: an smtp-server that applies the appliance's policy (recipient access table,
// limits, suspension, storage, TLS) and acknowledges a message only once it is durably queued.
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Clock } from '../clock.js';
import type { ListenerConfig } from '../../model/config.js';
import type { Counters } from '../counters.js';
import { isStorageShort } from '../fs/storage-health.js';
import { formatRfc5322Date } from '../../model/format-date.js';
import type { MailLog } from '../log/mail-log.js';
import type { IdAllocator } from '../queue/ids.js';
import type { Envelope, QueuedMessage } from '../queue/message.js';
import type { SpoolStart } from '../queue/spool.js';
import type { MailQueue } from '../queue/queue.js';
import * as line from '../../model/log-lines.js';
import { headerValue } from './headers.js';
import { connectRefusal, customGreeting, messagesExceeded, rcptRefusal } from './listener-policy.js';
import { smtpReply } from '../../platform/smtp-replies.js';
import { postmasterAddress } from './postmaster.js';
import { SessionDeadlines, sessionLimitsOf, STRESS_COMMAND_TIMEOUT_MS, type Expiry } from './session-limits.js';
import { ConnectionSlots } from './connection-slots.js';
import { HatLimits } from './hat-limits.js';
import { HOP_LIMIT, HopCounter, TOO_MANY_HOPS } from './hop-count.js';
import {
  checkSmtpServerShape,
  hookSessions,
  openSessions,
  sessionOf,
  setGreeting,
  setGreetingDelay,
  setServerLimits,
  setStartTls,
  useOwnEnhancedCodes,
} from '../../platform/smtp-server-seam.js';
import { MIN_TLS_VERSION, type CertificateCredentials } from '../tls/tls-credentials.js';

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
  /** The inbound connection slots of all listeners (connection-slots.ts); absent: this listener's own, no global limit. */
  slots?: ConnectionSlots;
  /** The limit of inbound connections over all listeners (RunningListeners makes `slots` with it); absent: the default. */
  globalMaxConnections?: () => number;
}

let listenerSerial = 0;

/** `530 5.7.0`: RFC 3207's answer to MAIL before STARTTLS where TLS is required. */
const MUST_STARTTLS = 'Must issue a STARTTLS command first';

export class Listener {
  readonly #server: SMTPServer;
  readonly #icids = new Map<string, number>();
  readonly #inflight = new Set<Promise<unknown>>();
  /** Open sessions per client address, and messages accepted per session (the HAT's limits). */
  readonly #perHost = new Map<string, number>();
  readonly #sent = new Map<string, number>();
  /** The default HAT policy's rate limits and harvest prevention (hat-limits.ts). */
  readonly #limits = new HatLimits(() => this.ctx.clock.now());
  /** Each open session's command and session deadlines (slow clients). */
  readonly #deadlines = new Map<string, SessionDeadlines>();
  /** Sessions counted against the connection limits: from onConnect until the server ends them. */
  readonly #counted = new Set<string>();
  /** Sessions that sent STARTTLS and have not finished the handshake yet. */
  readonly #handshaking = new Set<string>();
  /** The certificate STARTTLS presents now (its chain as text), to see when a commit changes it. */
  #presented: CertificateCredentials | undefined;
  #stopping = false;
  #connections = 0;
  /** The connection slots this listener's sessions hold, under a key of its own (a rename keeps it). */
  readonly #slots: ConnectionSlots;
  readonly #slotKey = `listener-${++listenerSerial}`;
  readonly #unwatchSlots: () => void;
  /** Under stress (its slots ran out): sessions get the short command timeout. */
  #stressed = false;
  boundPort = 0;

  /**
   * `credentials`: what STARTTLS presents (its TLS policy's certificate, src/engine/tls); none
   * (TLS off, or no key) and STARTTLS is not offered.
   */
  constructor(
    public config: ListenerConfig,
    readonly ctx: ListenerContext,
    credentials?: CertificateCredentials,
  ) {
    useOwnEnhancedCodes();
    this.#slots = ctx.slots ?? new ConnectionSlots(() => Infinity);
    this.#unwatchSlots = this.#slots.watch(() => this.#stressChanged());
    this.#presented = credentials;
    this.#server = new SMTPServer({
      name: ctx.hostname(),
      banner: '',
      hideENHANCEDSTATUSCODES: false,
      hideDSN: true,
      hideREQUIRETLS: true,
      // Never smtp-server's built-in certificate: without credentials of its own STARTTLS is not offered.
      disabledCommands: this.#presented ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(this.#presented ? { key: this.#presented.key, cert: this.#presented.cert } : {}),
      minVersion: MIN_TLS_VERSION,
      size: config.maxMessageSize,
      disableReverseLookup: true,
      socketTimeout: config.idleTimeout * 1000,
      closeTimeout: 1_000,
      logger: false,
      onConnect: (session, cb) => this.#onConnect(session, cb),
      onSecure: (socket, session, cb) => this.#onSecure(socket as TLSSocket, session, cb),
      onMailFrom: (_address, session, cb) => this.#onMailFrom(session, cb),
      onRcptTo: (address, session, cb) => this.#onRcptTo(address, session, cb),
      onData: (stream, session, cb) => this.#onData(stream, session, cb),
      onClose: (session) => this.#onClose(session),
    } as ConstructorParameters<typeof SMTPServer>[0]);
    this.#server.on('error', (err) => {
      ctx.log.info(`Listener ${config.name} error: ${err.message}`);
    });
    hookSessions(this.#server, {
      command: (session, command) => {
        this.#deadlines.get(session.id)?.commandSeen();
        if (command.length >= 8 && /^STARTTLS\s*$/i.test(command.toString('latin1'))) this.#handshaking.add(session.id);
      },
      pipelinedData: (session) => {
        this.ctx.log.info(`ICID ${this.#icids.get(session.id) ?? 0} improper command pipelining after DATA: closing`);
        return { code: 554, text: '5.5.0 Error: SMTP protocol synchronization' };
      },
      // A session the server has ended (QUIT's 221, a 421) frees its slot at once, as an smtpd
      // process does when it closes the connection: the client's next connection, which can
      // arrive before the old socket's close is seen, is not refused for it.
      closing: (session) => this.#release(session),
    });
    // The banner goes out at once, as Postfix's smtpd and AsyncOS send it: smtp-server's fixed
    // 100 ms early-talker wait would cap one-message sessions at 10 messages/s each.
    setGreetingDelay(this.#server, 0);
    this.#setBanner();
  }

  get name(): string {
    return this.config.name;
  }

  get openConnections(): number {
    return this.#connections;
  }

  /** Open sessions by client address (`topin`). */
  sessionsByHost(): ReadonlyMap<string, number> {
    return this.#perHost;
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

  /** Policy changes that need no new socket (RAT, limits, profile, TLS and what it presents). */
  update(config: ListenerConfig, credentials?: CertificateCredentials): void {
    this.config = config;
    setServerLimits(this.#server, { size: config.maxMessageSize, socketTimeout: config.idleTimeout * 1000 });
    this.#setBanner();
    if (credentials && (credentials.cert !== this.#presented?.cert || credentials.key !== this.#presented?.key)) {
      this.#server.updateSecureContext({ key: credentials.key, cert: credentials.cert });
      this.#presented = credentials;
    }
    setStartTls(this.#server, credentials !== undefined);
  }

  /** STARTTLS completed: the mail log says with what (before any message of the session). */
  #onSecure(socket: TLSSocket, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    this.#handshaking.delete(session.id);
    const icid = this.#icids.get(session.id) ?? 0;
    this.ctx.log.info(line.tlsSuccess('ICID', icid, socket.getProtocol() ?? 'unknown', socket.getCipher()?.name ?? 'unknown'));
    cb();
  }

  /** The HAT's banner hostname and custom greeting, for sessions opened from now on. */
  #setBanner(): void {
    setGreeting(this.#server, this.config.bannerHostname ?? this.ctx.hostname(), customGreeting(this.config, this.ctx.hostname()));
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
    this.#unwatchSlots();
  }

  #onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (this.#stopping || this.ctx.isSuspended(this.config.name)) {
      return cb(smtpReply(421, this.unavailableText()));
    }
    const remote = session.remoteAddress;
    const refused = connectRefusal(this.config, remote, this.#perHost.get(remote) ?? 0, this.ctx.hostname());
    if (refused) return cb(smtpReply(refused.code, refused.text));
    // At the listener's or the global limit, the idlest session of the address holding the most
    // slots makes room for an address holding fewer; only then is the newcomer refused.
    const admission = this.#slots.admit(this.#slotKey, this.config.maxConnections, remote);
    if (!admission.admit) {
      return cb(smtpReply(421, `4.7.0 ${this.ctx.hostname()} Too many connections, try again later`));
    }
    admission.evicted?.evict();
    this.#perHost.set(remote, (this.#perHost.get(remote) ?? 0) + 1);
    this.#connections++;
    this.#counted.add(session.id);
    const deadlines = new SessionDeadlines({ ...sessionLimitsOf(this.config), commandTimeoutMs: this.#commandTimeoutMs() }, (why) =>
      this.#expire(session, why),
    );
    this.#deadlines.set(session.id, deadlines);
    this.#slots.add(session.id, {
      listener: this.#slotKey,
      remote,
      get lastCommandAt() {
        return deadlines.lastCommandAt;
      },
      get busy() {
        return deadlines.busy;
      },
      evict: () => this.#evict(session),
    });
    this.ctx.connectionsChanged?.();
    const icid = this.ctx.ids.take('icid');
    this.#icids.set(session.id, icid);
    this.ctx.log.info(line.newInjection(icid, this.config.name, this.config.host, session.remoteAddress));
    cb();
  }

  #onClose(session: SMTPServerSession): void {
    const icid = this.#icids.get(session.id);
    if (icid === undefined) return;
    if (this.#handshaking.delete(session.id)) this.ctx.log.info(line.tlsFailed('ICID', icid, 'the handshake did not complete'));
    this.#icids.delete(session.id);
    this.#sent.delete(session.id);
    this.#deadlines.get(session.id)?.stop();
    this.#deadlines.delete(session.id);
    this.#release(session);
    this.ctx.log.info(line.injectionClosed(icid));
  }

  /** The session no longer counts against the limits (the server ended it, or its socket closed). */
  #release(session: SMTPServerSession): void {
    if (!this.#counted.delete(session.id)) return;
    const fromHost = (this.#perHost.get(session.remoteAddress) ?? 1) - 1;
    if (fromHost > 0) this.#perHost.set(session.remoteAddress, fromHost);
    else this.#perHost.delete(session.remoteAddress);
    this.#connections--;
    this.#slots.remove(session.id, this.config.maxConnections);
    this.ctx.connectionsChanged?.();
  }

  /** The command timeout of sessions now: the listener's, or Postfix's 10 s under stress. */
  #commandTimeoutMs(): number {
    const normal = sessionLimitsOf(this.config).commandTimeoutMs;
    return this.#stressed ? Math.min(normal, STRESS_COMMAND_TIMEOUT_MS) : normal;
  }

  /** The slots changed: stress begins (every session's command deadline shortens) or ends. */
  #stressChanged(): void {
    const stressed = this.#slots.stressed(this.#slotKey);
    if (stressed === this.#stressed) return;
    this.#stressed = stressed;
    const timeout = this.#commandTimeoutMs();
    this.ctx.log.info(
      stressed
        ? `Listener ${this.config.name} under stress: connection limit reached (${this.config.maxConnections} on this listener, ${this.#slots.globalMax()} on all); command timeout ${timeout / 1000} s`
        : `Listener ${this.config.name} no longer under stress: ${this.#connections} of ${this.config.maxConnections} connections; command timeout ${timeout / 1000} s`,
    );
    for (const d of this.#deadlines.values()) d.setCommandTimeout(timeout);
  }

  /** This session makes room for another address's: `421 4.7.0` and the session closes. */
  #evict(session: SMTPServerSession): void {
    const icid = this.#icids.get(session.id) ?? 0;
    this.ctx.log.info(
      `ICID ${icid} evicted: ${session.remoteAddress} holds the most connections and this one was the idlest; its slot goes to another address`,
    );
    sessionOf(this.#server, session)?.send(421, `4.7.0 ${this.ctx.hostname()} Too many connections from your host, closing transmission channel`);
  }

  /** A deadline passed: `421 4.4.2` and the session closes (a message being queued got its reply first). */
  #expire(session: SMTPServerSession, why: Expiry): void {
    const icid = this.#icids.get(session.id) ?? 0;
    this.ctx.log.info(`ICID ${icid} ${why === 'command' ? 'command timeout' : 'session time limit'} exceeded: closing`);
    const text = why === 'command' ? 'Error: timeout exceeded' : 'Error: session time limit exceeded';
    sessionOf(this.#server, session)?.send(421, `4.4.2 ${this.ctx.hostname()} ${text}`);
  }

  #storageFull(session: SMTPServerSession): Error | undefined {
    if (!this.ctx.queue.isFull()) return undefined;
    this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, 'Queue Full'));
    return smtpReply(452, '4.3.1 Insufficient system storage');
  }

  #onMailFrom(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    if (this.config.tls === 'required' && !session.secure) {
      this.ctx.log.info(line.tlsNotInitiated(this.#icids.get(session.id) ?? 0));
      return cb(smtpReply(530, `5.7.0 ${MUST_STARTTLS}`));
    }
    const over = messagesExceeded(this.config, this.#sent.get(session.id) ?? 0, this.ctx.hostname());
    if (over) return cb(smtpReply(over.code, over.text));
    cb(this.#storageFull(session) ?? null);
  }

  #onRcptTo(rcpt: { address: string }, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    // RFC 5321 4.5.1: a bare postmaster is accepted, and queued for the organisation's (postmaster.ts).
    const postmaster = postmasterAddress(rcpt.address, this.config.rat, this.ctx.hostname());
    if (postmaster) rcpt.address = postmaster;
    const address = rcpt.address;
    const rejected = rcptRefusal(this.config, address);
    const policy = this.config.hatPolicy;
    if (rejected) {
      this.ctx.counters.inc('rejectedRecipients');
      const icid = this.#icids.get(session.id) ?? 0;
      this.ctx.log.info(line.ratRejected(icid, session.envelope.rcptTo.length, address));
      // Directory Harvest Attack Prevention: past the host's limit of rejected recipients.
      const harvest = this.#limits.invalid(policy, session.remoteAddress, this.ctx.hostname());
      if (harvest) {
        this.ctx.log.info(
          `ICID ${icid} DHAP: ${harvest.count} invalid recipients from ${session.remoteAddress} this hour${harvest.drop ? ': connection dropped' : ''}`,
        );
        return cb(smtpReply(harvest.code, harvest.text));
      }
      return cb(smtpReply(rejected.code, rejected.text));
    }
    if (session.envelope.rcptTo.length >= this.config.maxRecipients) {
      return cb(smtpReply(452, `4.5.3 Too many recipients (at most ${this.config.maxRecipients} per message)`));
    }
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const limited = this.#limits.refusal(policy, session.remoteAddress, sender);
    if (limited) return cb(smtpReply(limited.code, limited.text));
    const full = this.#storageFull(session);
    if (!full) this.#limits.accepted(policy, session.remoteAddress, sender);
    cb(full ?? null);
  }

  #onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const deadlines = this.#deadlines.get(session.id);
    deadlines?.dataStarted();
    const reply = (err: Error | null, message?: string) => {
      cb(err, message);
      deadlines?.dataEnded();
    };
    // The content streams to the spool past a small size (spool.ts): memory per session stays small.
    let started: SpoolStart | undefined;
    const incoming = this.ctx.queue.receive((head, mid) => (started = this.#spoolStart(session, head, mid)));
    let size = 0;
    // Received: headers, counted while the header section streams in (the hop limit).
    const hops = new HopCounter();
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!hops.done && !hops.exceeded()) hops.feed(chunk);
      // Past a limit the rest is read and dropped: the reply is 552 or 554 anyway.
      if (size > this.config.maxMessageSize || hops.exceeded()) return;
      const written = incoming.add(chunk);
      if (written) {
        stream.pause();
        void written.then(() => stream.resume());
      }
    });
    stream.on('error', (err) => {
      void incoming.discard();
      reply(smtpReply(451, `4.3.0 Error reading message: ${err.message}`));
    });
    stream.on('end', () => {
      if (stream.sizeExceeded || size > this.config.maxMessageSize) {
        void incoming.discard();
        return reply(smtpReply(552, `5.3.4 Message size exceeds fixed limit of ${this.config.maxMessageSize} bytes`));
      }
      if (hops.exceeded()) {
        void incoming.discard();
        this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, `too many hops (${HOP_LIMIT} or more Received: headers with ours)`));
        return reply(smtpReply(TOO_MANY_HOPS.code, TOO_MANY_HOPS.text));
      }
      if (this.ctx.queue.wouldOverflow(size)) {
        void incoming.discard();
        this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, 'Queue Full'));
        return reply(smtpReply(452, '4.3.1 Insufficient system storage'));
      }
      deadlines?.queueing();
      const work = this.ctx.queue.admitIncoming(incoming).then(
        (msg) => {
          this.#sent.set(session.id, (this.#sent.get(session.id) ?? 0) + 1);
          // The message is durable: the 250 goes out first, then the log lines and delivery.
          reply(null, `2.0.0 Ok: Message ${msg.envelope.mid} accepted`);
          try {
            this.#queued(msg, started!.envelope);
          } catch (e) {
            // Acknowledged and on disk: the next start schedules it. Never a second reply.
            this.ctx.log.info(`MID ${msg.envelope.mid} queued, but scheduling it failed: ${(e as Error).message}`);
          }
        },
        (err: Error) => {
          this.ctx.log.info(line.receivingFailed(this.#icids.get(session.id) ?? 0, err.message));
          // A disk that refuses the spool file (full, read-only) is storage, as the spec has it.
          if (isStorageShort(err)) return reply(smtpReply(452, '4.3.1 Insufficient system storage'));
          reply(smtpReply(451, '4.3.0 Local error in processing, message not accepted: try again later'));
        },
      );
      this.#inflight.add(work);
      void work.finally(() => this.#inflight.delete(work));
    });
  }

  /**
   * The MID (`placed`: a file placed ahead's, spool.ts), envelope and Received: header, taken when
   * the content first needs them (its end, or spilling to disk).
   */
  #spoolStart(session: SMTPServerSession, head: Buffer, placed?: number): SpoolStart {
    const mid = placed ?? this.ctx.ids.take('mid');
    const now = this.ctx.clock.now();
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const to = session.envelope.rcptTo.map((r) => r.address);
    const prefix = Buffer.from(
      `Received: from ${session.hostNameAppearsAs || 'unknown'} ([${session.remoteAddress}])\r\n` +
        ` by ${this.ctx.hostname()} with ESMTP id ${mid}${to.length === 1 ? `\r\n for <${to[0]}>` : ''};\r\n` +
        ` ${formatRfc5322Date(now)}\r\n`,
    );
    const envelope: Envelope = {
      mid,
      from,
      to,
      arrival: now,
      icid: this.#icids.get(session.id) ?? 0,
      listener: this.config.name,
      profile: this.config.bounceProfile,
      messageId: headerValue(head, 'Message-ID'),
      subject: headerValue(head, 'Subject'),
    };
    return { envelope, prefix };
  }

  /** A message durably queued and acknowledged: its log lines, counters, and the scheduler. */
  #queued(msg: QueuedMessage, envelope: Envelope): void {
    const { log, counters } = this.ctx;
    const { mid, icid, from, to } = envelope;
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
  }
}
