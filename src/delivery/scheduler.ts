// The delivery scheduler: decides what is attempted when. Jobs wait in one time-ordered heap
// until due, then join their destination's ready queue, where a bounded number of workers
// (connections, reused for many messages) deliver them. A destination that cannot be reached
// is marked down as a whole: its mail waits without attempts until one probe at the host
// retry time, and a successful probe makes all of it due at once.
import type { BounceSink, HardBounce } from '../bounce/bounce-sink.js';
import { isExpired, resolveProfile, retryWaitSeconds, type BounceSettings } from '../bounce/profile.js';
import type { Clock, ClockTimer } from '../clock.js';
import { concurrencyFor, type ApplianceConfig, type HostPort, type OperationalState } from '../config/config.js';
import type { Counters, HardBounceKind } from '../counters.js';
import { formatApplianceDate } from '../log/format-date.js';
import type { MailLog } from '../log/mail-log.js';
import type { IdAllocator } from '../queue/ids.js';
import type { QueuedMessage, Recipient } from '../queue/message.js';
import { MinHeap } from '../queue/min-heap.js';
import type { MailQueue } from '../queue/queue.js';
import { domainListMatches } from '../smtp/rat.js';
import { Destination, type Job } from './destination.js';
import { connectionErrorDetail, type RecipientOutcome, type SmtpError } from './outcome.js';
import { NoRouteError, resolveDestination } from './routes.js';
import { OutboundConnection } from './smtp-client.js';

export interface DeliveryContext {
  clock: Clock;
  log: MailLog;
  counters: Counters;
  queue: MailQueue;
  ids: IdAllocator;
  config: () => ApplianceConfig;
  operational: () => OperationalState;
  bounces: BounceSink;
  /** How long an idle delivery connection waits for more mail before QUIT (real ms). */
  connectionLingerMs?: number;
  /** Outbound timeouts (real ms). */
  connectTimeoutMs?: number;
}

/** `('451', ['try later'])`, the reply tuple of AsyncOS log lines. */
export function replyTuple(reply: string): string {
  const m = /^(\d{3})[ -]?(.*)$/s.exec(reply.trim());
  if (!m) return `('000', [${reply ? `'${reply.replace(/'/g, '"')}'` : ''}])`;
  const text = m[2].replace(/^[245]\.\d{1,3}\.\d{1,3} /, '');
  return `('${m[1]}', ['${text.replace(/'/g, '"')}'])`;
}

/** Jobs checked per event-loop turn when sweeping a down destination for expiry. */
const SWEEP_SLICE = 2_000;

const ridList = (rcpts: Recipient[]) => `[${rcpts.map((r) => r.rid).join(', ')}]`;

export class DeliveryScheduler {
  readonly destinations = new Map<string, Destination>();
  readonly #waiting = new MinHeap<Job>();
  readonly #down = new Set<Destination>();
  #timer: ClockTimer | null = null;
  #timerDue = Infinity;
  #stopping = false;
  /** Open delivery connections now (all destinations). */
  connectionsOut = 0;
  /** Pending recipients never attempted yet (a gauge of `status`). */
  unattempted = 0;
  readonly #workers = new Set<Promise<void>>();
  readonly #open = new Set<OutboundConnection>();
  /** Destinations whose parked jobs are being checked for expiry now. */
  readonly #sweeping = new Set<Destination>();

  /** Resolved bounce profiles of the running configuration (a commit replaces the object). */
  #profiles: { of: ApplianceConfig | null; byName: Map<string | undefined, BounceSettings> } = { of: null, byName: new Map() };

  constructor(readonly ctx: DeliveryContext) {}

  /** A message's bounce profile: asked before every attempt, so resolved once per configuration. */
  #profile(name: string | undefined): BounceSettings {
    const config = this.ctx.config();
    if (this.#profiles.of !== config) this.#profiles = { of: config, byName: new Map() };
    let settings = this.#profiles.byName.get(name);
    if (!settings) {
      settings = resolveProfile(config.bounceProfiles, name);
      this.#profiles.byName.set(name, settings);
    }
    return settings;
  }

  // ----- entering the schedule -----

  /** Schedules every pending recipient of a message, grouped by destination. */
  add(msg: QueuedMessage): void {
    const groups = new Map<string, Recipient[]>();
    for (const r of msg.rcpts) {
      if (r.state !== 'pending') continue;
      const list = groups.get(r.domain);
      if (list) list.push(r);
      else groups.set(r.domain, [r]);
    }
    for (const [domain, rcpts] of groups) {
      const dest = this.destination(domain);
      // One string per domain, not one per recipient: it adds up at 100,000 queued.
      for (const r of rcpts) r.domain = dest.domain;
      dest.counters.activeRecipients += rcpts.length;
      for (const r of rcpts) if (r.attempts === 0) this.unattempted++;
      const nextAt = Math.max(...rcpts.map((r) => r.nextAt));
      const job: Job = { msg, dest, rcpts, nextAt, state: 'waiting' };
      dest.jobs.add(job);
      this.#schedule(job, nextAt);
    }
  }

  destination(domain: string): Destination {
    let dest = this.destinations.get(domain);
    if (!dest) {
      dest = new Destination(domain, this.ctx.counters.host(domain));
      this.destinations.set(domain, dest);
    }
    return dest;
  }

  #schedule(job: Job, at: number): void {
    job.nextAt = at;
    if (at <= this.ctx.clock.now()) {
      this.#makeReady(job);
      return;
    }
    job.state = 'waiting';
    this.#waiting.push(at, job);
    if (at < this.#timerDue) this.#arm();
  }

  #makeReady(job: Job): void {
    job.state = 'ready';
    job.dest.ready.push(job);
    this.#pump(job.dest);
  }

  // ----- the timer -----

  #arm(): void {
    let due = this.#waiting.peekKey() ?? Infinity;
    const now = this.ctx.clock.now();
    // A down host whose probe time has passed is probed by the next job that becomes due.
    for (const dest of this.#down) if (dest.downUntil > now && dest.downUntil < due) due = dest.downUntil;
    if (due === this.#timerDue) return;
    this.#timer?.cancel();
    this.#timer = null;
    this.#timerDue = due;
    if (due !== Infinity && !this.#stopping) this.#timer = this.ctx.clock.at(due, () => this.#onTimer());
  }

  #onTimer(): void {
    this.#timer = null;
    this.#timerDue = Infinity;
    const now = this.ctx.clock.now();
    const touched = new Set<Destination>();
    while ((this.#waiting.peekKey() ?? Infinity) <= now) {
      const job = this.#waiting.pop()!;
      if (job.state !== 'waiting' || job.nextAt > now) continue; // superseded entry
      job.state = 'ready';
      job.dest.ready.push(job);
      touched.add(job.dest);
    }
    for (const dest of this.#down) {
      if (dest.downUntil <= now) {
        void this.#expireStuck(dest);
        touched.add(dest);
      }
    }
    for (const dest of touched) this.#pump(dest);
    this.#arm();
  }

  // ----- suspension and operator actions -----

  isSuspended(domain: string): boolean {
    const op = this.ctx.operational();
    return op.deliverySuspended || domainListMatches(op.suspendedDomains, domain);
  }

  /** Every queued recipient for the domain (or all) is tried now; a down mark is cleared. */
  deliverNow(domain?: string): number {
    let n = 0;
    for (const dest of this.destinations.values()) {
      if (domain && dest.domain !== domain.toLowerCase()) continue;
      this.#markUp(dest);
      n += this.#kick(dest);
      this.#pump(dest);
    }
    this.#arm();
    return n;
  }

  /** After a resume: whatever is due may go again. */
  resumed(): void {
    for (const dest of this.destinations.values()) this.#pump(dest);
  }

  /** Moves every waiting job of a destination to its ready queue. */
  #kick(dest: Destination): number {
    let n = 0;
    for (const job of dest.jobs) {
      if (job.state === 'waiting') {
        job.state = 'ready';
        job.nextAt = this.ctx.clock.now();
        dest.ready.push(job);
        n += job.rcpts.length;
      }
    }
    return n;
  }

  // ----- workers -----

  #pump(dest: Destination): void {
    if (this.#stopping) return;
    if (this.isSuspended(dest.domain)) return;
    if (dest.down) {
      // One probe at the host retry time, nothing before.
      if (dest.downUntil > this.ctx.clock.now() || dest.workers > 0) return;
      if (dest.hasReady()) this.#spawn(dest);
      return;
    }
    while (dest.idle.length > 0 && dest.hasReady()) {
      const job = dest.takeReady()!;
      job.state = 'active';
      dest.idle.shift()!(job);
    }
    // A new worker takes its first job synchronously, so hasReady() bounds the spawning.
    const limit = concurrencyFor(this.ctx.config(), dest.domain);
    while (dest.workers < limit && dest.hasReady()) this.#spawn(dest);
  }

  #spawn(dest: Destination): void {
    dest.workers++;
    const run = this.#work(dest)
      .catch((e) => {
        process.stderr.write(`esa: delivery worker for ${dest.domain} failed: ${(e as Error).stack}\n`);
      })
      .finally(() => {
        dest.workers--;
        this.#workers.delete(run);
        if (!this.#stopping && dest.hasReady()) this.#pump(dest);
      });
    this.#workers.add(run);
  }

  /** Takes the next job for a worker, handling expiry first; waits a little when idle. */
  async #nextJob(dest: Destination, connected: boolean): Promise<Job | null> {
    for (;;) {
      if (this.#stopping || this.isSuspended(dest.domain) || (dest.down && connected)) return null;
      const job = dest.takeReady();
      if (job) {
        job.state = 'active';
        if (this.#expireBeforeAttempt(job)) continue;
        return job;
      }
      if (!connected) return null;
      const linger = this.ctx.connectionLingerMs ?? 1_000;
      const waited = await new Promise<Job | null>((resolve) => {
        const wake = (j: Job | null) => {
          clearTimeout(timer);
          resolve(j);
        };
        const timer = setTimeout(() => {
          const i = dest.idle.indexOf(wake);
          if (i >= 0) dest.idle.splice(i, 1);
          resolve(null);
        }, linger);
        timer.unref();
        dest.idle.push(wake);
      });
      if (!waited) return null;
      if (this.#expireBeforeAttempt(waited)) continue;
      return waited;
    }
  }

  async #work(dest: Destination): Promise<void> {
    let conn: OutboundConnection | null = null;
    let dcid = 0;
    try {
      for (;;) {
        const job = await this.#nextJob(dest, conn !== null && conn.alive);
        if (!job) return;
        if (!conn || !conn.alive) {
          if (conn) {
            conn.close();
            this.#closedConnection(dest, conn);
            conn = null;
          }
          dcid = this.ctx.ids.take('dcid');
          const opened = await this.#connect(dest, dcid, job);
          if (!opened) return;
          conn = opened;
          this.#open.add(conn);
          this.connectionsOut++;
          dest.counters.connectionsOut++;
        }
        await this.#attempt(conn, dcid, job);
      }
    } finally {
      if (conn) {
        conn.close();
        this.#closedConnection(dest, conn);
      }
    }
  }

  #closedConnection(dest: Destination, conn: OutboundConnection): void {
    this.#open.delete(conn);
    this.connectionsOut--;
    dest.counters.connectionsOut--;
  }

  /** Opens a connection to the first host of the destination that answers, or marks it down. */
  async #connect(dest: Destination, dcid: number, job: Job): Promise<OutboundConnection | null> {
    const { log, config } = this.ctx;
    let targets: HostPort[];
    try {
      targets = await resolveDestination(config().routes, dest.domain);
    } catch (e) {
      const reason = e instanceof NoRouteError ? e.message : (e as Error).message;
      log.info(`Connection Error: DCID ${dcid} domain: ${dest.domain} IP: 0.0.0.0 port: 25 details: ${reason} interface: 0.0.0.0 reason: DNS failure`);
      this.#hostDown(dest);
      this.#softFail(job, 0, `DNS: ${reason}`, '4.4.3');
      return null;
    }
    let lastErr: SmtpError | null = null;
    for (const target of targets) {
      try {
        const conn = await OutboundConnection.open(target, {
          name: config().hostname,
          connectionTimeoutMs: this.ctx.connectTimeoutMs ?? 30_000,
          greetingTimeoutMs: this.ctx.connectTimeoutMs ?? 30_000,
        });
        log.info(`New SMTP DCID ${dcid} interface 127.0.0.1 address ${target.host} port ${target.port}`);
        if (dest.down) {
          this.#markUp(dest);
          this.#kick(dest);
          // The jobs just made due may use more connections than this one.
          setImmediate(() => this.#pump(dest));
        }
        return conn;
      } catch (e) {
        lastErr = e as SmtpError;
        log.info(
          `Connection Error: DCID ${dcid} domain: ${dest.domain} IP: ${target.host} port: ${target.port} details: ${connectionErrorDetail(
            lastErr,
          )} interface: 127.0.0.1 reason: network error`,
        );
      }
    }
    this.#hostDown(dest);
    // Even a 5xx greeting is no verdict on the recipients: the host is unusable, retry later.
    const reply = lastErr?.responseCode && lastErr.response ? lastErr.response : connectionErrorDetail(lastErr ?? new Error('no host'));
    this.#softFail(job, dcid, reply, '4.4.1');
    return null;
  }

  #hostDown(dest: Destination): void {
    const now = this.ctx.clock.now();
    // Workers that failed together count as one failed round.
    if (dest.down && dest.downUntil > now) return;
    const profile = this.#profile(undefined);
    dest.hostFailures++;
    const wait = retryWaitSeconds(dest.hostFailures, profile.host_initial_retry, profile.host_max_retry_timeout);
    dest.down = true;
    dest.downUntil = now + wait * 1000;
    this.#down.add(dest);
    // Idle connected workers of this destination (none usually) stop taking jobs.
    for (const wake of dest.idle.splice(0)) wake(null);
    this.#arm();
  }

  #markUp(dest: Destination): void {
    if (!dest.down) {
      dest.hostFailures = 0;
      return;
    }
    dest.down = false;
    dest.hostFailures = 0;
    dest.downUntil = 0;
    this.#down.delete(dest);
  }

  /**
   * While a destination is down its due jobs get no attempts; those past their lifetime still
   * expire, and delay warnings still go out. Checked at each probe time, in slices, so a queue
   * of 100,000 never stalls the event loop.
   */
  async #expireStuck(dest: Destination): Promise<void> {
    if (this.#sweeping.has(dest)) return;
    this.#sweeping.add(dest);
    try {
      const jobs = [...dest.ready];
      for (let i = 0; i < jobs.length; i++) {
        if (i > 0 && i % SWEEP_SLICE === 0) {
          await new Promise((r) => setImmediate(r));
          if (this.#stopping) return;
        }
        const job = jobs[i];
        if (job.state !== 'ready') continue;
        const p = this.#profile(job.msg.envelope.profile);
        job.state = 'active';
        if (this.#expireBeforeAttempt(job)) continue;
        job.state = 'ready';
        // Only one job probes per round: the others' delay warnings cannot wait for an attempt.
        this.#maybeWarn(job.msg, job.rcpts, p.send_warnings, p.send_warnings_interval, p.send_warnings_count, this.ctx.clock.now());
      }
    } finally {
      this.#sweeping.delete(dest);
    }
  }

  // ----- one attempt and its outcome -----

  async #attempt(conn: OutboundConnection, dcid: number, job: Job): Promise<void> {
    const { log, queue } = this.ctx;
    const { msg } = job;
    const mid = msg.envelope.mid;
    log.info(`Delivery start DCID ${dcid} MID ${mid} to RID ${ridList(job.rcpts)}`);
    let content: Buffer;
    try {
      content = await queue.content(mid);
    } catch (e) {
      // The spool file is gone (deleted by an operator meanwhile) or unreadable.
      this.#softFail(job, dcid, `spool: ${(e as Error).message}`, '4.3.0');
      return;
    }
    const to = job.rcpts.map((r) => r.address);
    const outcome = await conn.send(msg.envelope.from, to, content);
    const now = this.ctx.clock.now();
    const delivered: Recipient[] = [];
    const hard: HardBounce[] = [];
    let soft: RecipientOutcome | undefined;
    for (const r of job.rcpts) {
      if (r.attempts === 0) this.unattempted--;
      r.attempts++;
      r.lastAttemptAt = now;
      const o: RecipientOutcome = outcome.recipients.get(r.address.toLowerCase()) ?? { kind: 'soft', reply: '', status: '4.0.0' };
      r.lastReply = o.reply;
      if (o.kind === 'delivered') delivered.push(r);
      else if (o.kind === 'hard') hard.push({ rcpt: r, status: o.status, reply: o.reply, kind: '5xx', remoteMta: conn.target.host });
      else soft ??= o;
    }
    if (delivered.length) {
      log.info(`Message done DCID ${dcid} MID ${mid} to RID ${ridList(delivered)}`);
      const response = outcome.recipients.get(delivered[0].address.toLowerCase())!.reply.replace(/^250[ -]/, '');
      log.info(`MID ${mid} RID ${ridList(delivered)} Response '${response.replace(/'/g, '"')}'`);
      this.#finishRecipients(job, delivered, 'delivered');
      this.ctx.counters.delivered(job.dest.domain, delivered.length);
    }
    if (hard.length) this.#hardBounce(job, hard, dcid);
    // What is left in the job now is exactly the soft-bounced recipients.
    if (soft) this.#softFail(job, dcid, soft.reply, soft.kind === 'soft' ? soft.status : '4.0.0', true);
    else this.#dropJob(job);
    queue.changed(msg);
    this.#maybeFinish(msg);
    if (!outcome.connectionLost && (hard.length || soft) && delivered.length === 0) await conn.reset();
  }

  /** A soft bounce event: the job's recipients wait per their bounce profile. */
  #softFail(job: Job, dcid: number, reply: string, status: string, attempted = false): void {
    const rcpts = job.rcpts;
    const { log, counters, clock } = this.ctx;
    const { msg } = job;
    const mid = msg.envelope.mid;
    const profileName = msg.envelope.profile;
    const profile = this.#profile(profileName);
    const now = clock.now();
    if (!attempted) {
      for (const r of rcpts) {
        if (r.attempts === 0) this.unattempted--;
        r.attempts++;
        r.lastAttemptAt = now;
        r.lastReply = reply;
      }
    }
    counters.softBounce(job.dest.domain);
    log.info(`Delayed: DCID ${dcid} MID ${mid} to RID ${ridList(rcpts)} - ${status} - ${replyTuple(reply)}`);
    const failures = Math.max(...rcpts.map((r) => r.attempts));
    const nextAt = now + retryWaitSeconds(failures, profile.initial_retry, profile.max_retry_timeout) * 1000;
    for (const r of rcpts) r.nextAt = nextAt;
    log.info(`MID ${mid} to RID ${ridList(rcpts)} pending till ${formatApplianceDate(nextAt)} [${profileName}]`);
    this.#maybeWarn(msg, rcpts, profile.send_warnings, profile.send_warnings_interval, profile.send_warnings_count, now);
    this.#schedule(job, nextAt);
    this.ctx.queue.changed(msg);
  }

  #maybeWarn(msg: QueuedMessage, rcpts: Recipient[], enabled: boolean, intervalS: number, count: number, now: number): void {
    if (!enabled || msg.envelope.bounceOf !== undefined || msg.envelope.from === '') return;
    const due = rcpts.filter(
      (r) => r.warningsSent < count && now - msg.envelope.arrival >= intervalS * 1000 * (r.warningsSent + 1),
    );
    if (due.length === 0) return;
    for (const r of due) r.warningsSent++;
    this.ctx.bounces.delayed(msg, due);
    this.ctx.queue.changed(msg);
  }

  /** Checks lifetime and retry count before an attempt; returns true when nothing is left to try. */
  #expireBeforeAttempt(job: Job): boolean {
    const { msg } = job;
    const profile = this.#profile(msg.envelope.profile);
    const now = this.ctx.clock.now();
    const expired = job.rcpts.filter((r) => isExpired(profile, msg.envelope.arrival, r.attempts, now));
    if (expired.length === 0) return false;
    this.#hardBounce(
      job,
      expired.map((r) => ({ rcpt: r, status: '5.4.7', reply: '', kind: 'expired' as HardBounceKind })),
      0,
    );
    this.ctx.queue.changed(msg);
    if (job.rcpts.length === 0) {
      this.#dropJob(job);
      this.#maybeFinish(msg);
      return true;
    }
    return false;
  }

  #hardBounce(job: Job, bounces: HardBounce[], dcid: number): void {
    const { log, counters } = this.ctx;
    const mid = job.msg.envelope.mid;
    for (const b of bounces) {
      const why = b.kind === 'expired' ? 'Delivery expired (message too old)' : b.reply.replace(/^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3} )?/, '');
      log.info(`Bounced: DCID ${dcid} MID ${mid} to RID [${b.rcpt.rid}] - ${b.status} - ${why} ${replyTuple(b.reply)}`);
      counters.hardBounce(job.dest.domain, b.kind, 1);
    }
    this.#finishRecipients(
      job,
      bounces.map((b) => b.rcpt),
      'bounced',
    );
    // Owed until the bounce generator has queued the DSN (or decided none goes out).
    for (const b of bounces) b.rcpt.dsnPending = b.status;
    this.ctx.bounces.hardBounced(job.msg, bounces);
  }

  #finishRecipients(job: Job, rcpts: Recipient[], state: 'delivered' | 'bounced' | 'deleted'): void {
    for (const r of rcpts) {
      if (r.state !== 'pending') continue;
      r.state = state;
      if (r.attempts === 0) this.unattempted--;
      job.msg.pending--;
      job.dest.counters.activeRecipients--;
    }
    job.rcpts = job.rcpts.filter((r) => r.state === 'pending');
  }

  #dropJob(job: Job): void {
    job.state = 'gone';
    job.dest.jobs.delete(job);
  }

  /** Removes a message whose recipients are all done (after a restart too). */
  finishIfDone(msg: QueuedMessage): void {
    this.#maybeFinish(msg);
  }

  #maybeFinish(msg: QueuedMessage): void {
    if (msg.pending > 0) return;
    this.ctx.log.info(`Message finished MID ${msg.envelope.mid} done`);
    // A DSN being built from this message still reads its spool file: remove it after that.
    const held = this.ctx.bounces.holding?.(msg);
    void (held ? held.then(() => this.ctx.queue.finish(msg)) : this.ctx.queue.finish(msg)).catch((e) => {
      process.stderr.write(`esa: cannot remove spool file of MID ${msg.envelope.mid}: ${(e as Error).message}\n`);
    });
  }

  // ----- shutdown -----

  /**
   * Stops taking jobs. In-flight transactions may finish within `graceMs` (their outcome is
   * recorded); after that their connections are cut and the recipients stay queued.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#timer?.cancel();
    this.#timer = null;
    for (const dest of this.destinations.values()) for (const wake of dest.idle.splice(0)) wake(null);
    const cut = setTimeout(() => {
      for (const conn of this.#open) conn.abort();
    }, graceMs);
    await Promise.allSettled([...this.#workers]);
    clearTimeout(cut);
  }

  /** Gauges for `status`. */
  gauges(): { activeRecipients: number; unattempted: number; attempted: number; destinations: number; hostsDown: number } {
    let active = 0;
    for (const dest of this.destinations.values()) active += dest.counters.activeRecipients;
    return {
      activeRecipients: active,
      unattempted: this.unattempted,
      attempted: active - this.unattempted,
      destinations: this.destinations.size,
      hostsDown: this.#down.size,
    };
  }
}
