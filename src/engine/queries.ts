// The engine's answers to the API's queries, read from its parts without changing them (the
// views in views.ts): host rows and status, gauges, what only the engine knows of `status`,
// listings, one message, the forecast's snapshot. Long walks let the event loop go (pacing.ts).
import type { EngineQueries as Queries } from '../api/engine-core.js';
import type {
  HostRow,
  HostStatusView,
  InboundHostRow,
  MessageView,
  QueueGauges,
  RecipientPage,
  RecipientSelector,
  StatusSnapshot,
  SystemGauges,
  WorkQueueView,
} from '../api/engine-api.js';
import { reverseNames } from './smtp/reverse-dns.js';
import type { WorkQueue } from './queue/work-queue.js';
import type { ApplianceConfig } from '../model/config.js';
import { RecipientTally, type ForecastSnapshot } from '../model/forecast.js';
import type { AlertView } from '../model/alerts.js';
import type { EngineAlerts } from './alerts/engine-alerts.js';
import type { Clock } from './clock.js';
import type { Counters } from './counters.js';
import type { Redirects } from './delivery/redirects.js';
import type { DeliveryScheduler } from './delivery/scheduler.js';
import type { StorageHealth } from './fs/storage-health.js';
import type { MailLog } from './log/mail-log.js';
import type { IdAllocator } from './queue/ids.js';
import type { MailQueue, QueueLoadProgress } from './queue/queue.js';
import type { QueueRecords } from './queue/records.js';
import type { RunningListeners } from './smtp/running-listeners.js';
import type { StateFile } from './state/state-file.js';
import { pacer } from './pacing.js';
import type { SystemMeter } from './system-meter.js';
import { counterValues, gauges, hostRows, hostStatus, recipientPage, WALK_SLICE } from './views.js';

export interface QueriesContext {
  clock: Clock;
  state: StateFile;
  log: MailLog;
  storage: StorageHealth;
  counters: Counters;
  ids: IdAllocator;
  queue: MailQueue;
  records: QueueRecords;
  scheduler: DeliveryScheduler;
  redirects: Redirects;
  listeners: RunningListeners;
  system: SystemMeter;
  /** Simulated ms the engine started at. */
  startedAt: number;
  alerts: EngineAlerts;
  workQueue: WorkQueue;
}

export class EngineQueries implements Queries {
  constructor(readonly ctx: QueriesContext) {}

  get #config(): ApplianceConfig {
    return this.ctx.state.data.config;
  }

  hostRows(): HostRow[] {
    return hostRows(this.ctx.scheduler);
  }

  hostStatus(domain: string): HostStatusView | undefined {
    const { clock, queue, redirects, scheduler } = this.ctx;
    const d = domain.toLowerCase();
    return hostStatus(scheduler, this.#config, d, clock.now(), redirects.of(d), queue);
  }

  gauges(): QueueGauges {
    const { queue, records, scheduler, listeners } = this.ctx;
    const g = gauges({ queue, records, scheduler, connectionsIn: listeners.inboundConnections(), config: this.#config });
    // Received and not handed to delivery: being written, or held while the work queue is paused.
    return { ...g, messagesInWorkQueue: this.ctx.workQueue.view().messages };
  }

  statusFacts(detail: boolean): ReturnType<Queries['statusFacts']> {
    const { counters, ids, queue, state, storage } = this.ctx;
    return {
      startedAt: this.ctx.startedAt,
      lastReset: counters.lastReset,
      oldestArrival: this.#oldestArrival(),
      ...counterValues(counters, detail),
      ids: { mid: queue.spool.nextPlacedMid() ?? ids.peek('mid'), icid: ids.peek('icid'), dcid: ids.peek('dcid') },
      corruptFilesKept: queue.store.corruptFilesKept() + state.corruptFilesKept(),
      damagedSpoolFiles: queue.spool.damagedFilesKept(),
      ...(storage.short ? { storageShort: { ...storage.short } } : {}),
      ...queueLoading(queue.loading),
    };
  }

  /** Arrival time of the oldest queued message (the queue keeps admission order), or undefined. */
  #oldestArrival(): number | undefined {
    for (const msg of this.ctx.queue.messages.values()) return msg.envelope.arrival;
    return undefined;
  }

  queuedRecipients(selector: RecipientSelector, page: { offset?: number; limit?: number } = {}): Promise<RecipientPage> {
    const { queue, scheduler, records } = this.ctx;
    return recipientPage({ queue, scheduler, records }, selector, page.offset ?? 0, page.limit ?? Infinity, pacer());
  }

  queuedMessage(mid: number): Omit<MessageView, 'headers'> | undefined {
    const msg = this.ctx.queue.messages.get(mid);
    if (!msg) return undefined;
    const env = msg.envelope;
    return {
      mid,
      size: msg.size,
      sender: env.from,
      arrival: env.arrival,
      icid: env.icid,
      listener: env.listener,
      profile: env.profile,
      recipients: msg.rcpts.map((r) => ({ rid: r.rid, address: r.address, state: r.state, attempts: r.attempts, nextAt: r.nextAt, lastReply: r.lastReply })),
    };
  }

  storedContent(mid: number): Promise<Buffer> {
    return this.ctx.queue.storedContent(mid);
  }

  oldestMessage(): ReturnType<Queries['oldestMessage']> {
    for (const msg of this.ctx.queue.messages.values()) {
      if (msg.pending === 0) continue;
      return { mid: msg.envelope.mid, arrival: msg.envelope.arrival, sender: msg.envelope.from, size: msg.size, recipients: msg.pending };
    }
    return undefined;
  }

  runningListener(name: string): { port: number; openConnections: number } | undefined {
    const listener = this.ctx.listeners.get(name);
    return listener ? { port: listener.boundPort, openConnections: listener.openConnections } : undefined;
  }

  inboundConnections(names?: readonly string[]): number {
    return this.ctx.listeners.inboundConnections(names);
  }

  outboundConnections(scope: 'all' | 'suspended'): number {
    const { scheduler } = this.ctx;
    if (scope === 'all') return scheduler.connectionsOut;
    let n = 0;
    for (const dest of scheduler.destinations.values()) if (scheduler.isSuspended(dest.domain)) n += dest.counters.connectionsOut;
    return n;
  }

  knownDomains(): string[] {
    return [...this.ctx.scheduler.destinations.keys()];
  }

  async writtenMailLog(): Promise<string> {
    await this.ctx.log.flush();
    return this.ctx.log.file;
  }

  systemGauges(): Promise<SystemGauges> {
    return this.ctx.system.measure();
  }

  alerts(): readonly AlertView[] {
    return this.ctx.alerts.views();
  }

  workQueue(): WorkQueueView {
    return this.ctx.workQueue.view();
  }

  async topInbound(): Promise<InboundHostRow[]> {
    const rows = this.ctx.listeners.inboundByHost();
    const names = await reverseNames(rows.map((r) => r.remoteIp));
    return rows
      .map((r) => ({ ...r, remoteHost: names.get(r.remoteIp) ?? 'unknown' }))
      .sort((a, b) => b.connections - a.connections || a.remoteIp.localeCompare(b.remoteIp));
  }

  forecastSnapshot(): Promise<ForecastSnapshot> {
    return this.#forecastWalk(undefined).then((by) => by.get(ALL_DOMAINS)!);
  }

  /**
   * The forecast's snapshot of the mail queued for each of these domains, from one walk of the
   * queue (the forecast alerts of destinations that went down together share it).
   */
  domainForecasts(domains: ReadonlySet<string>): Promise<Map<string, ForecastSnapshot>> {
    return this.#forecastWalk(domains);
  }

  /** What the forecast knows of storage without a walk: the queue's size, its limits, the arrival rate. */
  forecastStorage(): Omit<ForecastSnapshot, 'recipients' | 'profiles'> {
    const g = this.gauges();
    return {
      now: this.ctx.clock.now(),
      queuedMessages: g.queuedMessages,
      queueMaxMessages: this.#config.queueMaxMessages,
      kilobytesUsed: g.kilobytesUsed,
      kilobytesFree: g.kilobytesFree,
      arrivalsPerHour: this.ctx.counters.ratePerHour('messagesReceived', 15),
    };
  }

  /** A walk of the whole queue in slices, gathered into groups per domain (or all together): a million queued make a few dozen. */
  async #forecastWalk(domains: ReadonlySet<string> | undefined): Promise<Map<string, ForecastSnapshot>> {
    const { clock, queue, scheduler } = this.ctx;
    const now = clock.now();
    const profiles: ForecastSnapshot['profiles'] = {};
    const tallies = new Map<string, RecipientTally>();
    const pause = pacer();
    let walked = 0;
    for (const msg of queue.messages.values()) {
      if (++walked % WALK_SLICE === 0) await pause();
      if (msg.pending === 0) continue;
      const { arrival, from } = msg.envelope;
      for (const r of msg.rcpts) {
        if (r.state !== 'pending' || (domains && !domains.has(r.domain))) continue;
        // The profile delivery would use: the destination's, else the message's (its listener's).
        const profile = scheduler.profileNameFor(msg, r.domain);
        profiles[profile] ??= scheduler.profile(profile);
        const key = domains ? r.domain : ALL_DOMAINS;
        let tally = tallies.get(key);
        if (!tally) tallies.set(key, (tally = new RecipientTally(now, profiles)));
        tally.add(profile, arrival, r.attempts, r.warningsSent, from === '');
      }
    }
    const storage = { ...this.forecastStorage(), now };
    const by = new Map<string, ForecastSnapshot>();
    for (const key of domains ?? [ALL_DOMAINS]) by.set(key, { ...storage, recipients: tallies.get(key)?.groups() ?? [], profiles });
    return by;
  }
}

/** The key of the whole queue's snapshot. */
const ALL_DOMAINS = '';

function queueLoading(l: QueueLoadProgress | undefined): Pick<StatusSnapshot, 'queueLoading'> {
  if (!l) return {};
  const { messages, expectedMessages, buckets: ranges, bucketsDone: rangesDone, stopped } = l;
  return { queueLoading: { messages, expectedMessages, ranges, rangesDone, ...(stopped !== undefined ? { stopped } : {}) } };
}
