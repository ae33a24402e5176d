// The delivery scheduler: decides what is attempted when, and records what each attempt
// did. Jobs wait in the retry timer until due, then join their destination's ready queue,
// where the worker pool delivers them over reused connections. A destination that cannot be
// reached is marked down as a whole (HostStates): its mail waits without attempts until one
// probe at the host retry time. Recipient state changes only through QueueRecords.
// Per destination (destconfig): a concurrency limit, messages per connection, and a bounce
// profile that replaces the message's own for that domain's recipients.
import { deliveryValues } from '../../model/tables/delivery-settings.js';
import type { SecureContext } from 'node:tls';
import type { BounceSink, HardBounce } from '../bounce/bounce-sink.js';
import { currentProfileName, isExpired, resolveProfile, type BounceSettings } from '../../model/bounce-profile.js';
import type { Clock } from '../clock.js';
import { destinationSettings, type ApplianceConfig, type DestinationSettings, type HostPort, type OperationalState } from '../../model/config.js';
import type { Counters, HardBounceKind } from '../counters.js';
import type { Diagnostics } from '../../platform/diagnostics.js';
import * as line from '../../model/log-lines.js';
import type { MailLog } from '../log/mail-log.js';
import type { IdAllocator } from '../queue/ids.js';
import { SpoolDamagedError } from '../queue/spool.js';
import { pendingFor, pendingRcptsFor, type QueuedMessage, type Recipient } from '../queue/message.js';
import type { MailQueue } from '../queue/queue.js';
import type { QueueRecords } from '../queue/records.js';
import { domainListMatches } from '../../model/rat.js';
import { judgeAttempt, nextAttemptAt } from './attempt-outcome.js';
import { Destination, Job, type JobView } from './destination.js';
import { HostStates } from './host-state.js';
import { connectionErrorDetail, type SmtpError, type TransactionOutcome } from './outcome.js';
import { RetryTimer } from './retry-timer.js';
import { NullConnection } from './null-connection.js';
import { matchRoute, NoRouteError, resolveDestination, routeKey, type RouteTarget } from './routes.js';
import { OutboundConnection, TlsNegotiationError } from './smtp-client.js';
import { WorkerPool, type DeliverySession } from './workers.js';
import { TurnBudget } from './turn-budget.js';

export { replyTuple } from '../../model/log-lines.js';

/** Every recipient refused for now (4xx at MAIL, RCPT or DATA, or the connection lost): the reply to keep. */
function wholeTempFailure(rcpts: readonly Recipient[], outcome: TransactionOutcome): { reply: string; status: string } | undefined {
  let first: { reply: string; status: string } | undefined;
  for (const r of rcpts) {
    const o = outcome.recipients.get(r.address.toLowerCase());
    if (!o || o.kind !== 'soft') return undefined;
    first ??= { reply: o.reply, status: o.status };
  }
  return first;
}

export interface DeliveryContext {
  clock: Clock;
  log: MailLog;
  counters: Counters;
  queue: MailQueue;
  records: QueueRecords;
  ids: IdAllocator;
  diagnostics: Diagnostics;
  config: () => ApplianceConfig;
  operational: () => OperationalState;
  bounces: BounceSink;
  /** Hosts that replace a domain's route (`redirectrecipients`), if any. */
  redirect: (domain: string) => HostPort | undefined;
  /** Connections opened or closed; recipients left the queue; a delivery worker ended. */
  events: { connections(): void; queue(): void; delivery(): void };
  /** How long an idle delivery connection waits for more mail before QUIT (real ms). */
  connectionLingerMs?: number;
  /** Outbound timeouts (real ms). */
  connectTimeoutMs?: number;
  /** Delivery's TLS client context (its certificate, the trusted authorities), for destinations with TLS. */
  tlsContext?: () => SecureContext;
  /**
   * The destinations by recipient domain, when others read them too (the queue asks whether a
   * new message's hosts are down); the scheduler alone adds to them.
   */
  destinations?: Map<string, Destination>;
  /** A destination was marked down (each failed round) or is up again (the alerts). */
  hostMarked?: (dest: Destination, down: boolean) => void;
}

/**
 * Connections open at once to one delivery host, over all the domains a route sends there
 * (each domain stays within its own destconfig concurrency too).
 */
export const MAX_CONNECTIONS_PER_HOST = 50;

/**
 * Steps per event-loop turn of all the walks over queued jobs together (turn-budget.ts): the
 * expiry sweeps of down destinations, kicks, compactions, bounces of all.
 */
const WALK_STEPS_PER_TURN = 2_000;
/**
 * A destination's ready queue is compacted once an operator took this many messages out of it
 * and they are half of it: skipping a million left-over entries at once would be one long turn.
 */
const COMPACT_AFTER = 10_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class DeliveryScheduler {
  readonly destinations: Map<string, Destination>;
  readonly hosts: HostStates;
  readonly #timer: RetryTimer;
  readonly #pool: WorkerPool;
  #stopping = false;
  /** Destinations whose parked jobs are being checked for expiry now. */
  readonly #sweeping = new Set<Destination>();
  /** Destinations whose ready queue is being compacted now. */
  readonly #compacting = new Set<Destination>();
  /** The walks' steps per turn (a kick: a million may wait for a host that came back). */
  readonly #budget = new TurnBudget(WALK_STEPS_PER_TURN, nextTurn);
  /** Walks over queued jobs going on now (kicks, sweeps, compactions, bounces of all). */
  #walks = 0;

  /** Resolved bounce profiles of the running configuration (a commit replaces the object). */
  #profiles: { of: ApplianceConfig | null; byName: Map<string | undefined, BounceSettings> } = { of: null, byName: new Map() };
  /** Destination settings of the running configuration, by recipient domain. */
  #settings: { of: ApplianceConfig | null; byDomain: Map<string, DestinationSettings & { routeKey: string; hostKey: string }> } = {
    of: null,
    byDomain: new Map(),
  };

  constructor(readonly ctx: DeliveryContext) {
    this.destinations = ctx.destinations ?? new Map();
    this.hosts = new HostStates(ctx.hostMarked);
    this.#timer = new RetryTimer(
      ctx.clock,
      (jobs, now, first) => this.#due(jobs, now, first),
      (now) => this.hosts.nextProbe(now),
    );
    this.#pool = new WorkerPool(
      {
        mayWork: (dest) => !this.#stopping && !this.isSuspended(dest.domain),
        mayConnect: (dest) => this.hosts.mayConnect(dest, ctx.clock.now()),
        concurrency: (dest) => this.settingsOf(dest.domain).concurrency,
        hostKey: (dest) => this.#hostKey(dest.domain),
        hostLimit: () => MAX_CONNECTIONS_PER_HOST,
        totalLimit: () => deliveryValues(ctx.config()).maxConcurrency,
        reusable: (dest, session) => this.#reusable(dest, session),
        stillDue: (job) => !this.#expireBeforeAttempt(job),
        connect: (dest, job, after) => this.#connect(dest, job, after),
        attempt: (session, job) => this.#attempt(session, job),
      },
      ctx.diagnostics,
      ctx.connectionLingerMs ?? 1_000,
      () => ctx.events.connections(),
      () => ctx.events.delivery(),
    );
  }

  /**
   * Nothing to do until a timer fires: no worker runs, no walk over queued jobs goes on and no
   * due job waits for a worker (jobs parked at a down host or under a suspension wait for a
   * timer or an operator). With `lingering`, workers whose connection only waits idle for
   * another job (the linger before QUIT) do not count.
   */
  isIdle(lingering = false): boolean {
    if (this.#walks > 0 || this.#timer.slicing) return false;
    if ((lingering ? this.#pool.busy : this.#pool.running) > 0) return false;
    const now = this.ctx.clock.now();
    for (const dest of this.destinations.values()) {
      if (this.isSuspended(dest.domain) || !this.hosts.mayConnect(dest, now)) continue;
      if (dest.hasReady()) return false;
    }
    return true;
  }

  get connectionsOut(): number {
    return this.#pool.connectionsOut;
  }

  /** A message's bounce profile: asked before every attempt, so resolved once per configuration. */
  profile(name: string | undefined): BounceSettings {
    const config = this.ctx.config();
    if (this.#profiles.of !== config) this.#profiles = { of: config, byName: new Map() };
    let settings = this.#profiles.byName.get(name);
    if (!settings) {
      settings = resolveProfile(config.bounceProfiles, name);
      this.#profiles.byName.set(name, settings);
    }
    return settings;
  }

  /** A domain's destination settings (destconfig) and route, resolved once per configuration. */
  settingsOf(domain: string): DestinationSettings & { routeKey: string; hostKey: string } {
    const config = this.ctx.config();
    if (this.#settings.of !== config) this.#settings = { of: config, byDomain: new Map() };
    let s = this.#settings.byDomain.get(domain);
    if (!s) {
      const route = matchRoute(config.routes, domain);
      const key = routeKey(config.routes, domain);
      // Domains a static route sends to the same hosts share them; others (MX) have their own.
      const hostKey = route && !route.special && route.hosts.length > 0 ? key : `domain ${domain}`;
      s = { ...destinationSettings(config, domain), routeKey: key, hostKey };
      this.#settings.byDomain.set(domain, s);
    }
    return s;
  }

  /** The bounce profile for a job's recipients: their destination's, else the message's (its listener's). */
  #profileName(job: Job): string {
    return this.profileNameFor(job.msg, job.dest.domain);
  }

  /**
   * The bounce profile of a message's recipients at a domain: the destination's own
   * (destconfig), else the message's (its listener's, under the name a rename gave it since).
   */
  profileNameFor(msg: QueuedMessage, domain: string): string {
    return this.settingsOf(domain).bounceProfile ?? currentProfileName(this.ctx.config(), msg.envelope.profile);
  }

  /** An open connection takes another job while its route is unchanged and its messages limit not reached. */
  #reusable(dest: Destination, session: DeliverySession): boolean {
    const key = this.#routeKeyOf(dest.domain, this.ctx.redirect(dest.domain));
    const settings = this.settingsOf(dest.domain);
    // A plain connection never carries mail a commit now requires TLS for (nor the reverse).
    const tls = session.tls ?? { mode: 'no' };
    if (tls.mode !== settings.tls || (settings.tls !== 'no' && tls.context !== this.ctx.tlsContext?.())) return false;
    return session.routeKey === key && session.messages < settings.maxMessagesPerConnection;
  }

  /**
   * The delivery host a domain's connections go to, for the per-host limit: a redirect's or a
   * static route's hosts (shared by every domain sent there), else the domain itself (its MX).
   */
  #hostKey(domain: string): string {
    const redirect = this.ctx.redirect(domain);
    if (redirect) return this.#routeKeyOf(domain, redirect);
    return this.settingsOf(domain).hostKey;
  }

  /** Where a domain's connections go now, as one string: an operator's redirect, else its route. */
  #routeKeyOf(domain: string, redirect: HostPort | undefined): string {
    return redirect ? `redirect ${redirect.host}:${redirect.port}` : this.settingsOf(domain).routeKey;
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
      // Recipients' domain strings are shared already (message.ts interns them).
      const dest = this.destination(domain);
      this.ctx.records.enter(rcpts);
      let nextAt = 0;
      for (const r of rcpts) if (r.nextAt > nextAt) nextAt = r.nextAt;
      if (nextAt <= this.ctx.clock.now()) {
        // Due now: parked as itself until a worker takes it (destination.ts).
        dest.park(msg);
        if (dest.down) this.#noteOwed(dest, msg);
        this.#pool.pump(dest);
      } else this.#timer.push(dest.newJob(msg, rcpts, nextAt, 'waiting'), nextAt);
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

  /**
   * The retry timer fired (a slice of it): due jobs join their ready queues (at a down host,
   * checked for expiry and delay warnings as they join); on its first slice, down hosts whose
   * probe is due are swept and probed, and those whose waiting mail is owed an expiry or a
   * delay warning are swept.
   */
  #due(jobs: Job[], now: number, first: boolean): void {
    const touched = new Set<Destination>();
    for (const job of jobs) {
      job.dest.ready.push(job);
      touched.add(job.dest);
      if (job.dest.down && !this.hosts.mayConnect(job.dest, now)) this.#checkWaiting(job);
    }
    for (const dest of first ? this.hosts.dueProbes(now) : []) {
      void this.#expireStuck(dest);
      touched.add(dest);
    }
    for (const dest of first ? this.hosts.dueSweeps(now) : []) void this.#expireStuck(dest);
    for (const dest of touched) this.#pool.pump(dest);
    // The last slice of a wake-up taken: waits on the schedule (Engine.idle) look again.
    if (!first && !this.#timer.slicing) this.ctx.events.delivery();
  }

  // ----- suspension and operator actions -----

  isSuspended(domain: string): boolean {
    const op = this.ctx.operational();
    return op.deliverySuspended || domainListMatches(op.suspendedDomains, domain);
  }

  /**
   * Every queued recipient for the domain (or all) is tried now; a down mark is cleared.
   * Returns how many recipients that makes due: all pending ones but those being attempted.
   */
  deliverNow(domain?: string): number {
    let n = 0;
    for (const dest of this.destinations.values()) {
      if (domain && dest.domain !== domain.toLowerCase()) continue;
      this.hosts.up(dest);
      n += dest.counters.activeRecipients;
      for (const job of dest.inFlight) for (const r of job.rcpts) if (r.state === 'pending') n--;
      void this.#kick(dest);
      this.#pool.pump(dest);
    }
    this.#timer.arm();
    return n;
  }

  /** After a resume: whatever is due may go again. */
  resumed(): void {
    for (const dest of this.destinations.values()) this.#pool.pump(dest);
  }

  /**
   * Moves every waiting job of a destination to its ready queue (parked messages are there
   * already), in slices: the jobs of each slice go to work before the next slice is made due.
   */
  #kick(dest: Destination): Promise<void> {
    return this.#walk(() => this.#kickWalk(dest));
  }

  async #kickWalk(dest: Destination): Promise<void> {
    // A Map's iterator stays valid while jobs are added and removed between the slices.
    for (const job of dest.jobOf.values()) {
      // The jobs of each slice go to work before the next slice is made due.
      if (!this.#budget.take() && !(await this.#laterTurn(() => this.#pool.pump(dest)))) return;
      if (job.state !== 'waiting') continue;
      job.state = 'ready';
      job.nextAt = this.ctx.clock.now();
      dest.ready.push(job);
    }
    this.#pool.pump(dest);
  }

  /**
   * Takes recipients out of the schedule (an operator deleted or bounced them): their jobs
   * forget them, and a job left empty is dropped. A job in flight keeps going; the records
   * ignore outcomes for recipients that are no longer pending.
   */
  forget(msg: QueuedMessage, rcpts: readonly Recipient[]): void {
    const gone = new Set(rcpts);
    for (const domain of new Set(rcpts.map((r) => r.domain))) {
      const dest = this.destinations.get(domain);
      const job = dest?.jobFor(msg);
      if (!dest || !job) continue;
      job.rcpts = job.rcpts.filter((r) => !gone.has(r));
      if (job.rcpts.length === 0 && job.state !== 'active') this.#dropJob(job);
      if (++dest.forgotten >= COMPACT_AFTER && dest.forgotten * 2 >= dest.ready.length) void this.#compact(dest);
    }
  }

  /**
   * Drops the entries of a destination's ready queue that are no longer due (what an operator
   * took out), in slices: each entry is taken from the head and the live ones put back at the
   * tail, one turn of the queue with its order kept.
   */
  async #compact(dest: Destination): Promise<void> {
    if (this.#compacting.has(dest)) return;
    // Counted again from here: what is taken out meanwhile is dropped by this turn or the next compaction.
    dest.forgotten = 0;
    await this.#turnReady(dest, this.#compacting, (entry) => {
      if (dest.isDue(entry)) dest.ready.push(entry);
    });
  }

  /**
   * One turn of a destination's ready queue, in slices (the walks' budget per event-loop turn):
   * each entry is taken from the head and handed to `visit`, which puts it back at the tail if it
   * stays (its order kept, without a copy of the queue). `running` keeps one such turn per
   * destination.
   */
  async #turnReady(dest: Destination, running: Set<Destination>, visit: (entry: Job | QueuedMessage) => void): Promise<void> {
    if (running.has(dest)) return;
    running.add(dest);
    this.#walks++;
    try {
      for (let left = dest.ready.length; left > 0; left--) {
        if (!this.#budget.take() && !(await this.#laterTurn())) return;
        const entry = dest.ready.shift();
        if (!entry) break;
        visit(entry);
      }
    } finally {
      running.delete(dest);
      this.#walkEnded();
    }
  }

  /** Runs a walk over queued jobs, counted while it goes on (isIdle). */
  async #walk(walk: () => Promise<void>): Promise<void> {
    this.#walks++;
    try {
      await walk();
    } finally {
      this.#walkEnded();
    }
  }

  /** A walk on the next turn, counted from now (so nothing looks idle in between). */
  #walkSoon(walk: () => Promise<void>): void {
    this.#walks++;
    setImmediate(() => void walk().finally(() => this.#walkEnded()));
  }

  #walkEnded(): void {
    // The schedule may have gone idle: waits on it (Engine.idle) look again.
    if (--this.#walks === 0) this.ctx.events.delivery();
  }

  /**
   * A walk's budget for this turn is spent: `before` runs, then it waits for a later turn with
   * budget left. False when the scheduler stopped meanwhile (the walk ends).
   */
  async #laterTurn(before?: () => void): Promise<boolean> {
    do {
      before?.();
      await this.#budget.nextTurn();
      if (this.#stopping) return false;
    } while (!this.#budget.take());
    return true;
  }

  /** Jobs of a destination (queries walk them; nothing else in the hot path does). */
  jobsOf(domain: string): Iterable<JobView> {
    return this.destinations.get(domain)?.jobs() ?? [];
  }

  // ----- connecting -----

  /**
   * Opens a connection to the first host of the destination that answers, or marks it down.
   * With `after` (the previous host refused the whole transaction with 4xx), only the hosts
   * after it are tried; if none answers the job keeps that 4xx and the destination stays up.
   */
  async #connect(dest: Destination, job: Job, after?: DeliverySession): Promise<DeliverySession | null> {
    const { log, config, ids } = this.ctx;
    const dcid = ids.take('dcid');
    const redirect = this.ctx.redirect(dest.domain);
    const key = this.#routeKeyOf(dest.domain, redirect);
    let target: RouteTarget;
    try {
      target = after
        ? { kind: 'hosts', hosts: after.rest }
        : redirect
          ? { kind: 'hosts', hosts: [redirect] }
          : await resolveDestination(config().routes, dest.domain);
    } catch (e) {
      const reason = e instanceof NoRouteError ? e.message : (e as Error).message;
      log.info(line.connectionError(dcid, dest.domain, '0.0.0.0', 25, reason, 'DNS failure'));
      this.#hostDown(dest);
      this.#softFail(job, dcid, `DNS: ${reason}`, '4.4.3', false);
      return null;
    }
    const tlsMode = this.settingsOf(dest.domain).tls;
    const tls = tlsMode !== 'no' && this.ctx.tlsContext ? { mode: tlsMode, context: this.ctx.tlsContext() } : undefined;
    if (target.kind === 'devnull') {
      return { conn: new NullConnection(), dcid, rest: [], messages: 0, virtual: true, routeKey: key, tls: { mode: tlsMode, context: tls?.context } };
    }
    const targets = target.hosts;
    let lastErr: SmtpError | null = null;
    let tlsFailure: TlsNegotiationError | null = null;
    for (let i = 0; i < targets.length; i++) {
      const host = targets[i];
      try {
        const conn = await OutboundConnection.open(host, {
          name: config().hostname,
          connectionTimeoutMs: this.ctx.connectTimeoutMs ?? 30_000,
          greetingTimeoutMs: this.ctx.connectTimeoutMs ?? 30_000,
          tls,
        });
        log.info(line.newDelivery(dcid, host.host, host.port));
        if (conn.tls) {
          log.info(line.tlsSuccess('DCID', dcid, conn.tls.protocol, conn.tls.cipher));
          if (!conn.tls.verified && tlsMode === 'preferred_verify') log.info(line.tlsNotVerified(dcid, conn.tls.verifyError ?? 'not verified'));
        }
        if (this.hosts.up(dest)) {
          // The jobs made due may use more connections than this one (the kick pumps after each slice).
          this.#walkSoon(() => this.#kickWalk(dest));
        }
        return { conn, dcid, rest: targets.slice(i + 1), messages: 0, routeKey: after?.routeKey ?? key, tls: { mode: tlsMode, context: tls?.context } };
      } catch (e) {
        if (e instanceof TlsNegotiationError) {
          // The host answered: it is up, but nothing may be sent to it this way.
          tlsFailure = e;
          log.info(line.newDelivery(dcid, host.host, host.port));
          log.info(line.tlsFailed('DCID', dcid, e.detail));
          if (tls && (tls.mode === 'required' || tls.mode === 'required_verify')) log.info(line.tlsRequiredFailed(dcid));
          continue;
        }
        lastErr = e as SmtpError;
        log.info(line.connectionError(dcid, dest.domain, host.host, host.port, connectionErrorDetail(lastErr), 'network error'));
      }
    }
    if (after?.deferred) {
      // The earlier host answered: its 4xx is the attempt's outcome, and the destination is up.
      this.#softFail(job, after.dcid, after.deferred.reply, after.deferred.status, false);
      return null;
    }
    if (tlsFailure) {
      // Not a down host: it answered. Its mail waits as a down host's does (one probe per host
      // retry), and is never sent in the clear.
      this.#hostDown(dest, 'tls');
      const why =
        tls && (tls.mode === 'required' || tls.mode === 'required_verify') ? 'TLS was required but could not be successfully negotiated' : 'TLS failed';
      this.#softFail(job, dcid, `${why}: ${tlsFailure.detail}`, '4.7.5', false);
      return null;
    }
    this.#hostDown(dest);
    // Even a 5xx greeting is no verdict on the recipients: the host is unusable, retry later.
    const reply = lastErr?.responseCode && lastErr.response ? lastErr.response : connectionErrorDetail(lastErr ?? new Error('no host'));
    this.#softFail(job, dcid, reply, '4.4.1', false);
    return null;
  }

  /** `tls`: the host answered but TLS failed: held like a down host, not shown as down. */
  #hostDown(dest: Destination, why: 'unreachable' | 'tls' = 'unreachable'): void {
    const now = this.ctx.clock.now();
    if (!this.hosts.failed(dest, now, this.profile(undefined), why)) return;
    if (why === 'unreachable') this.ctx.log.info(line.hostDown(dest.domain, dest.downUntil));
    this.#pool.release(dest);
    this.#timer.arm();
    // bounceconfig SETUP: after the failed job has been rescheduled, everything queued for the domain bounces.
    if (this.ctx.config().bounceAllWhenHostDown) this.#walkSoon(() => this.#bounceAllOf(dest));
  }

  /**
   * Hard-bounces (5.4.1, a DSN per profile) every recipient queued for a destination found
   * down, in slices: first what is due (the destination being down, nothing else takes it),
   * then the jobs waiting for a retry.
   */
  async #bounceAllOf(dest: Destination): Promise<void> {
    const bounce = (job: Job) => {
      // A job holds all of its message's recipients for this domain: no other job to tell.
      const pending = job.rcpts.filter((r) => r.state === 'pending');
      job.rcpts = [];
      if (pending.length)
        this.#hardBounce(
          job,
          pending.map((r) => ({ rcpt: r, status: '5.4.1', reply: '', kind: 'other' as HardBounceKind })),
          0,
        );
      this.#dropJob(job);
      this.#maybeFinish(job.msg);
    };
    for (let left = dest.ready.length; left > 0; left--) {
      if (!this.#budget.take() && !(await this.#laterTurn())) return;
      const job = dest.takeReady();
      if (!job) break;
      bounce(job);
    }
    for (const job of dest.jobOf.values()) {
      if (!this.#budget.take() && !(await this.#laterTurn())) return;
      if (job.state === 'waiting' || job.state === 'ready') bounce(job);
    }
  }

  /**
   * While a destination is down its due jobs get no attempts; those past their lifetime still
   * expire, and delay warnings still go out. Checked at each probe time and at the time the
   * sweep before found the next of them owed (`sweepAt`), in slices, so a queue of 100,000 never
   * stalls the event loop.
   */
  async #expireStuck(dest: Destination): Promise<void> {
    // Found again by this walk (and by mail joining meanwhile).
    dest.sweepAt = Infinity;
    await this.#turnReady(dest, this.#sweeping, (entry) => {
      if (dest.isParked(entry)) {
        this.#sweepParked(dest, entry);
        dest.ready.push(entry);
        this.#noteOwed(dest, entry);
        return;
      }
      const job = entry instanceof Job ? entry : dest.jobOf.get(entry);
      if (!job || job.state !== 'ready') return;
      dest.ready.push(entry);
      this.#checkWaiting(job);
    });
    if (dest.down) this.#timer.arm();
  }

  /** A job waiting at a down host: expired now, or owed a delay warning (one job probes per round: the others' cannot wait for an attempt). */
  #checkWaiting(job: Job): void {
    job.state = 'active';
    if (this.#expireBeforeAttempt(job)) return;
    job.state = 'ready';
    this.#maybeWarn(job.msg, job.rcpts, this.ctx.clock.now(), this.#profileName(job));
    this.#noteOwed(job.dest, job.msg);
  }

  /**
   * A message waits at a down destination: its destination is swept when it is next owed
   * something (its expiry, or its next delay warning), to the second. Sweeps of one destination
   * come at least 1 s apart, and up to 60 s for a big queue (a walk costs one step per message
   * waiting there: 2,000 steps a second of simulated time at most, below 120,000 waiting).
   */
  #noteOwed(dest: Destination, msg: QueuedMessage): void {
    if (!pendingFor(msg, dest.domain)) return;
    const profile = this.profile(this.profileNameFor(msg, dest.domain));
    const arrival = msg.envelope.arrival;
    // isExpired: past the lifetime, not at it.
    let owed = arrival + profile.max_queue_lifetime * 1000 + 1;
    if (profile.send_warnings && msg.envelope.bounceOf === undefined && msg.envelope.from !== '') {
      for (const r of msg.rcpts) {
        if (r.state !== 'pending' || r.domain !== dest.domain || r.warningsSent >= profile.send_warnings_count) continue;
        owed = Math.min(owed, arrival + profile.send_warnings_interval * 1000 * (r.warningsSent + 1));
      }
    }
    const gap = Math.min(60_000, Math.max(1_000, dest.ready.length / 2));
    const at = Math.max(Math.ceil(owed / 1000) * 1000, this.ctx.clock.now() + gap);
    if (at >= dest.sweepAt) return;
    dest.sweepAt = at;
    // Earlier than the timer is armed for (arm() returns at once otherwise).
    this.#timer.arm();
  }

  /** The expiry check and delay warnings of a parked message: its job is made only if some recipient expired. */
  #sweepParked(dest: Destination, msg: QueuedMessage): void {
    const profileName = this.profileNameFor(msg, dest.domain);
    const now = this.ctx.clock.now();
    const profile = this.profile(profileName);
    const rcpts = pendingRcptsFor(msg, dest.domain);
    if (rcpts.some((r) => isExpired(profile, msg.envelope.arrival, r.attempts, now))) {
      const job = dest.jobFor(msg)!;
      job.state = 'active';
      if (this.#expireBeforeAttempt(job)) return;
      job.state = 'ready';
      this.#maybeWarn(msg, job.rcpts, now, profileName);
      return;
    }
    this.#maybeWarn(msg, rcpts, now, profileName);
  }

  // ----- one attempt and its outcome -----

  async #attempt(session: DeliverySession, job: Job): Promise<'next-host' | undefined> {
    const { log, queue, records, clock } = this.ctx;
    const { conn, dcid } = session;
    const { msg } = job;
    const mid = msg.envelope.mid;
    log.info(line.deliveryStart(dcid, mid, job.rcpts));
    let content: Buffer;
    try {
      content = await queue.content(mid);
    } catch (e) {
      if (e instanceof SpoolDamagedError) {
        // Set aside in queue/corrupt/ (never delivered half): the sender is told at once.
        this.#hardBounce(
          job,
          job.rcpts.map((r) => ({ rcpt: r, status: '5.3.0', reply: `${e.message}, not delivered`, kind: 'other' as HardBounceKind })),
          dcid,
        );
        this.#dropJob(job);
        this.#maybeFinish(msg);
        return undefined;
      }
      // The spool file is gone (deleted by an operator meanwhile) or unreadable.
      this.#softFail(job, dcid, `spool: ${(e as Error).message}`, '4.3.0', false);
      return undefined;
    }
    const to = job.rcpts.map((r) => r.address);
    const outcome = await conn.send(msg.envelope.from, to, content);
    // An operator may have deleted or bounced some of them meanwhile: their outcome is moot.
    const rcpts = job.rcpts.filter((r) => r.state === 'pending');
    const tempFailed = session.rest.length > 0 ? wholeTempFailure(rcpts, outcome) : undefined;
    if (tempFailed) {
      // The host took none of them and said "later": the route's next host may take them now.
      log.info(line.nextHost(dcid, mid, conn.target.host, conn.target.port, tempFailed.reply));
      session.deferred = tempFailed;
      return 'next-host';
    }
    records.attempted(msg, rcpts, (r) => outcome.recipients.get(r.address.toLowerCase())?.reply ?? '');
    const verdict = judgeAttempt(rcpts, outcome, this.profile(this.#profileName(job)), clock.now(), conn.target.host);
    if (verdict.delivered.length) {
      log.info(line.messageDone(dcid, mid, verdict.delivered));
      log.info(line.remoteResponse(mid, verdict.delivered, verdict.deliveredReply.replace(/^250[ -]/, '')));
      records.finish(msg, verdict.delivered, { state: 'delivered' });
    }
    if (verdict.hard.length) this.#hardBounce(job, verdict.hard, dcid);
    job.rcpts = job.rcpts.filter((r) => r.state === 'pending');
    // What is left in the job now is exactly the soft-bounced recipients.
    if (verdict.soft && job.rcpts.length) this.#softFail(job, dcid, verdict.soft.reply, verdict.soft.status, true);
    else this.#dropJob(job);
    this.#maybeFinish(msg);
    if (!outcome.connectionLost && (verdict.hard.length || verdict.soft) && verdict.delivered.length === 0) await conn.reset();
    return undefined;
  }

  /** A soft bounce event: the job's recipients wait per their bounce profile. */
  #softFail(job: Job, dcid: number, reply: string, status: string, attempted: boolean): void {
    const { log, counters, clock, records } = this.ctx;
    const { msg } = job;
    const mid = msg.envelope.mid;
    const profileName = this.#profileName(job);
    const profile = this.profile(profileName);
    const now = clock.now();
    job.rcpts = job.rcpts.filter((r) => r.state === 'pending');
    if (!attempted) records.attempted(msg, job.rcpts, reply);
    counters.softBounce(job.dest.domain);
    job.dest.counters.lastError4xx = reply;
    log.info(line.delayed(dcid, mid, job.rcpts, status, reply));
    const nextAt = nextAttemptAt(job.rcpts, profile, now);
    records.retryAt(msg, job.rcpts, nextAt);
    log.info(line.pendingTill(mid, job.rcpts, nextAt, profileName ?? 'Default'));
    this.#maybeWarn(msg, job.rcpts, now, profileName);
    if (job.rcpts.length === 0) this.#dropJob(job);
    else this.#timer.push(job, nextAt);
  }

  #maybeWarn(msg: QueuedMessage, rcpts: Recipient[], now: number, profileName: string | undefined): void {
    const p = this.profile(profileName);
    if (!p.send_warnings || msg.envelope.bounceOf !== undefined || msg.envelope.from === '') return;
    const due = rcpts.filter(
      (r) =>
        r.state === 'pending' && r.warningsSent < p.send_warnings_count && now - msg.envelope.arrival >= p.send_warnings_interval * 1000 * (r.warningsSent + 1),
    );
    if (due.length === 0) return;
    this.ctx.records.warned(msg, due);
    this.ctx.bounces.delayed(msg, due, profileName);
  }

  /** Checks lifetime and retry count before an attempt; returns true when nothing is left to try. */
  #expireBeforeAttempt(job: Job): boolean {
    const { msg } = job;
    const profile = this.profile(this.#profileName(job));
    const now = this.ctx.clock.now();
    job.rcpts = job.rcpts.filter((r) => r.state === 'pending');
    const expired = job.rcpts.filter((r) => isExpired(profile, msg.envelope.arrival, r.attempts, now));
    if (expired.length > 0) {
      this.#hardBounce(
        job,
        expired.map((r) => ({ rcpt: r, status: '5.4.7', reply: '', kind: 'expired' as HardBounceKind })),
        0,
      );
      job.rcpts = job.rcpts.filter((r) => r.state === 'pending');
    }
    if (job.rcpts.length > 0) return false;
    this.#dropJob(job);
    this.#maybeFinish(msg);
    return true;
  }

  #hardBounce(job: Job, bounces: HardBounce[], dcid: number): void {
    const { log, records } = this.ctx;
    const { msg } = job;
    const mid = msg.envelope.mid;
    for (const b of bounces) {
      const why = b.kind === 'expired' ? 'Delivery expired (message too old)' : b.reply.replace(/^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3} )?/, '');
      log.info(line.bounced(dcid, mid, b.rcpt.rid, b.status, why, b.reply));
      if (b.reply) job.dest.counters.lastError5xx = b.reply;
      // Owed until the bounce generator has queued the DSN (or decided none goes out).
      records.finish(msg, [b.rcpt], { state: 'bounced', kind: b.kind, status: b.status });
    }
    this.ctx.bounces.hardBounced(msg, bounces, this.#profileName(job));
  }

  /** Hard-bounces recipients on an operator's word (`bouncerecipients`): a DSN per their profile. */
  bounceNow(msg: QueuedMessage, rcpts: readonly Recipient[]): number {
    const pending = rcpts.filter((r) => r.state === 'pending');
    if (pending.length === 0) return 0;
    this.forget(msg, pending);
    const bounces: HardBounce[] = pending.map((r) => ({ rcpt: r, status: '5.0.0', reply: '', kind: 'other' }));
    for (const b of bounces) {
      this.ctx.log.info(line.bounced(0, msg.envelope.mid, b.rcpt.rid, b.status, 'Bounced by the administrator', ''));
      this.ctx.records.finish(msg, [b.rcpt], { state: 'bounced', kind: 'other', status: b.status });
    }
    this.notifyBounced(msg, bounces);
    this.#maybeFinish(msg);
    return pending.length;
  }

  /**
   * Hands hard bounces already recorded to the bounce generator: one DSN per bounce profile, a
   * recipient's destination's own, else the message's (the profile an attempt would have used).
   */
  notifyBounced(msg: QueuedMessage, bounces: HardBounce[]): void {
    const byProfile = new Map<string | undefined, HardBounce[]>();
    for (const b of bounces) {
      const name = this.profileNameFor(msg, b.rcpt.domain);
      byProfile.set(name, [...(byProfile.get(name) ?? []), b]);
    }
    for (const [name, list] of byProfile) this.ctx.bounces.hardBounced(msg, list, name);
  }

  /** Deletes recipients on an operator's word: no DSN. */
  deleteNow(msg: QueuedMessage, rcpts: readonly Recipient[], by: string): number {
    const pending = rcpts.filter((r) => r.state === 'pending');
    if (pending.length === 0) return 0;
    this.forget(msg, pending);
    this.ctx.records.finish(msg, pending, { state: 'deleted' });
    this.ctx.log.info(line.recipientsDeleted(msg.envelope.mid, pending, by));
    this.#maybeFinish(msg);
    return pending.length;
  }

  #dropJob(job: Job): void {
    job.state = 'gone';
    if (job.dest.jobOf.get(job.msg) === job) job.dest.jobOf.delete(job.msg);
  }

  /** Removes a message whose recipients are all done (after a restart too). */
  finishIfDone(msg: QueuedMessage): void {
    this.#maybeFinish(msg);
  }

  #maybeFinish(msg: QueuedMessage): void {
    this.ctx.events.queue();
    if (msg.pending > 0) return;
    this.ctx.log.info(line.messageFinished(msg.envelope.mid));
    // A DSN being built from this message still reads its spool file: remove it after that.
    const held = this.ctx.bounces.holding?.(msg);
    void (held ? held.then(() => this.ctx.queue.finish(msg)) : this.ctx.queue.finish(msg)).then(
      () => this.ctx.events.queue(),
      (e) => this.ctx.diagnostics.warn(`cannot remove the spool file of MID ${msg.envelope.mid}: ${(e as Error).message}`),
    );
  }

  // ----- shutdown -----

  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#timer.stop();
    await this.#pool.stop(this.destinations.values(), graceMs);
  }
}
