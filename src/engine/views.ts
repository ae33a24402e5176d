// Read-only views of the engine's state for the engine API: host rows, host status, status
// snapshots and recipient listings, computed from the parts without changing them. Listings
// walk only what they must (a small host's jobs, or the queue in MID order until the page is
// full), take their totals from the gauges where they can, and pause between slices.
import type { ApplianceConfig } from '../model/config.js';
import { COUNTER_NAMES, type CounterColumns, type CounterName, type Counters } from './counters.js';
import type { Destination, JobView } from './delivery/destination.js';
import type { DeliveryScheduler } from './delivery/scheduler.js';
import { matchRoute } from './delivery/routes.js';
import type { HostRow, HostStatusView, QueuedRecipientView, RecipientPage, RecipientSelector, StatusSnapshot, QueueGauges } from '../api/engine-api.js';
import { pendingFor, pendingRcptsFor, type QueuedMessage, type Recipient } from './queue/message.js';
import type { MailQueue } from './queue/queue.js';
import type { QueueRecords } from './queue/records.js';
import type { Pause } from './pacing.js';

export function hostRows(scheduler: DeliveryScheduler): HostRow[] {
  const rows: HostRow[] = [];
  for (const dest of scheduler.destinations.values()) {
    const c = dest.counters;
    rows.push({
      domain: dest.domain,
      down: dest.down && !dest.heldForTls,
      activeRecipients: c.activeRecipients,
      connectionsOut: c.connectionsOut,
      deliveredRecipients: c.deliveredRecipients,
      softBouncedEvents: c.softBouncedEvents,
      hardBouncedRecipients: c.hardBouncedRecipients,
    });
  }
  return rows;
}

/**
 * Arrival of the oldest message queued for a destination. With many jobs made (every message
 * retrying after an outage) scanning them would be a long turn: the queue's first message in MID
 * order (admission order) that has a recipient pending there is the oldest, found early for a
 * host that has that much mail.
 */
function oldestArrivalOf(queue: MailQueue | undefined, dest: Destination): number | undefined {
  if (!queue || dest.jobOf.size <= HOST_SORT_MAX) return dest.oldestArrival();
  for (const msg of queue.messages.values()) if (pendingFor(msg, dest.domain)) return msg.envelope.arrival;
  return undefined;
}

export function hostStatus(
  scheduler: DeliveryScheduler,
  config: ApplianceConfig,
  domain: string,
  now: number,
  redirect?: { host: string; port: number },
  queue?: MailQueue,
): HostStatusView | undefined {
  const dest = scheduler.destinations.get(domain.toLowerCase());
  if (!dest) return undefined;
  const c = dest.counters;
  const oldest = oldestArrivalOf(queue, dest);
  const route = redirect ? { domain: dest.domain, hosts: [redirect] } : matchRoute(config.routes, dest.domain);
  return {
    now,
    domain: dest.domain,
    down: dest.down && !dest.heldForTls,
    ...(dest.down && dest.heldForTls ? { tlsFailure: c.lastError4xx } : {}),
    activeRecipients: c.activeRecipients,
    connectionsOut: c.connectionsOut,
    pendingConnections: c.connectionsPending,
    deliveredRecipients: c.deliveredRecipients,
    softBouncedEvents: c.softBouncedEvents,
    hardBouncedRecipients: c.hardBouncedRecipients,
    unattempted: c.unattempted,
    attempted: c.activeRecipients - c.unattempted,
    completedRecipients: c.deliveredRecipients + c.hardBouncedRecipients + c.deletedRecipients,
    deletedRecipients: c.deletedRecipients,
    hardBounced: { ...c.hardBounced },
    oldestArrival: oldest,
    lastActivity: c.lastActivity || undefined,
    nextHostRetry: dest.down ? dest.downUntil : undefined,
    lastError4xx: c.lastError4xx || undefined,
    lastError5xx: c.lastError5xx || undefined,
    route: route ? { domain: route.domain, hosts: route.hosts.map((h) => ({ ...h })), special: 'special' in route ? route.special : undefined } : undefined,
  };
}

export interface GaugeParts {
  queue: MailQueue;
  records: QueueRecords;
  scheduler: DeliveryScheduler;
  connectionsIn: number;
  config: ApplianceConfig;
}

export function gauges({ queue, records, scheduler, connectionsIn, config }: GaugeParts): QueueGauges {
  const kilobytesUsed = Math.ceil(queue.bytes / 1024);
  const { maxMessages, maxBytes } = queue.limits();
  const used = Math.max(maxMessages > 0 ? queue.count / maxMessages : 1, maxBytes > 0 ? queue.bytes / maxBytes : 1);
  return {
    connectionsIn,
    connectionsOut: scheduler.connectionsOut,
    activeRecipients: records.active,
    unattempted: records.unattempted,
    attempted: records.active - records.unattempted,
    destinations: scheduler.destinations.size,
    hostsDown: scheduler.hosts.downCount,
    queuedMessages: queue.count,
    messagesInWorkQueue: queue.writing,
    kilobytesUsed,
    kilobytesFree: Math.max(0, config.queueMaxMb * 1024 - kilobytesUsed),
    // A disk that refuses writes is storage used up, whatever the queue's own limit says.
    storageUsedPercent: queue.storageShort() ? 100 : Math.min(100, Math.floor(used * 100)),
  };
}

export function counterValues(counters: Counters, detail: boolean): Pick<StatusSnapshot, 'counters' | 'rates'> {
  const values = {} as Record<CounterName, CounterColumns>;
  for (const name of COUNTER_NAMES) values[name] = { ...counters.get(name) };
  if (!detail) return { counters: values };
  const rates: StatusSnapshot['rates'] = {};
  for (const name of COUNTER_NAMES) rates[name] = [counters.ratePerHour(name, 1), counters.ratePerHour(name, 5), counters.ratePerHour(name, 15)];
  return { counters: values, rates };
}

/** Messages walked between two points where a caller of selectRecipients may let the event loop run. */
export const WALK_SLICE = 4_096;

/**
 * A host with at most this many pending recipients is listed from its own jobs, sorted by MID
 * (a few ms at most); a bigger one by walking the queue in MID order, which finds a page of it
 * within a few thousand messages and never sorts.
 */
const HOST_SORT_MAX = 20_000;

/** One message and its recipients that a selector names (pending when read). */
export type Selected = [QueuedMessage, Recipient[]];

/** Whether a message's sender matches a `sender` selector (senders repeat: the last answer is kept). */
function senderMatcher(sender: string, caseSensitive: boolean): (msg: QueuedMessage) => boolean {
  const want = caseSensitive ? sender : sender.toLowerCase();
  let last: string | undefined;
  let lastMatch = false;
  return (msg) => {
    const from = msg.envelope.from;
    if (from !== last) {
      last = from;
      lastMatch = (caseSensitive ? from : from.toLowerCase()) === want;
    }
    return lastMatch;
  };
}

/**
 * The pending recipients a selector names, message by message in MID order, each read when the
 * walk reaches it (the queue may change between two steps: what left is not named). Every
 * WALK_SLICE messages walked it yields `undefined`, a point where the caller may let the event
 * loop run, so a walk of a million messages never has to be one turn. `before`: only messages
 * with a lower MID (those queued when an operator action began).
 */
export function* selectRecipients(
  queue: MailQueue,
  scheduler: DeliveryScheduler,
  selector: RecipientSelector,
  before = Infinity,
): Generator<Selected | undefined> {
  if (selector.kind === 'host') {
    const domain = selector.host.toLowerCase();
    const dest = scheduler.destinations.get(domain);
    if (!dest) return;
    if (dest.counters.activeRecipients <= HOST_SORT_MAX) {
      yield* sortedJobs(scheduler.jobsOf(domain), before);
      return;
    }
    let walked = 0;
    for (const msg of queue.messages.values()) {
      if (++walked % WALK_SLICE === 0) yield undefined;
      if (msg.envelope.mid >= before || !pendingFor(msg, domain)) continue;
      yield [msg, pendingRcptsFor(msg, domain)];
    }
    return;
  }
  const matches = selector.kind === 'sender' ? senderMatcher(selector.sender, selector.caseSensitive ?? false) : () => true;
  let walked = 0;
  for (const msg of queue.messages.values()) {
    if (++walked % WALK_SLICE === 0) yield undefined;
    if (msg.pending === 0 || msg.envelope.mid >= before || !matches(msg)) continue;
    yield [msg, pendingOf(msg)];
  }
}

/** A small host's jobs by MID (their recipients read again when yielded). */
function* sortedJobs(jobs: Iterable<JobView>, before: number): Generator<Selected | undefined> {
  const byMsg = new Map<QueuedMessage, Recipient[]>();
  for (const job of jobs) {
    if (job.msg.envelope.mid >= before) continue;
    const list = byMsg.get(job.msg);
    if (list) list.push(...job.rcpts);
    else byMsg.set(job.msg, [...job.rcpts]);
  }
  const msgs = [...byMsg.keys()].sort((a, b) => a.envelope.mid - b.envelope.mid);
  for (const msg of msgs) {
    const rcpts = byMsg.get(msg)!.filter((r) => r.state === 'pending');
    if (rcpts.length > 0) yield [msg, rcpts];
  }
}

function pendingOf(msg: QueuedMessage): Recipient[] {
  const rcpts = msg.rcpts;
  return rcpts.length === 1 ? rcpts : rcpts.filter((r) => r.state === 'pending');
}

/**
 * One page of a listing, in MID order. The total comes from the gauges where the selector
 * allows (every pending recipient, a host's), and the walk stops once the page is full; a
 * sender's total is counted by walking the whole queue, with `pause` between slices.
 */
export async function recipientPage(
  parts: { queue: MailQueue; scheduler: DeliveryScheduler; records: QueueRecords },
  selector: RecipientSelector,
  offset: number,
  limit: number,
  pause: Pause,
): Promise<RecipientPage> {
  const { queue, scheduler, records } = parts;
  const rows: QueuedRecipientView[] = [];
  const gauge =
    selector.kind === 'all'
      ? records.active
      : selector.kind === 'host'
        ? (scheduler.destinations.get(selector.host.toLowerCase())?.counters.activeRecipients ?? 0)
        : undefined;
  let seen = 0;
  for (const entry of selectRecipients(queue, scheduler, selector)) {
    if (entry === undefined) {
      await pause();
      continue;
    }
    const [msg, rcpts] = entry;
    for (const r of rcpts) {
      if (seen >= offset && rows.length < limit) rows.push(rowOf(msg, r));
      seen++;
    }
    if (gauge !== undefined && rows.length >= limit) break;
  }
  return { rows, total: gauge ?? seen };
}

function rowOf(msg: QueuedMessage, r: Recipient): QueuedRecipientView {
  return {
    mid: msg.envelope.mid,
    size: msg.size,
    sender: msg.envelope.from,
    rid: r.rid,
    recipient: r.address,
    attempts: r.attempts,
    nextAt: r.nextAt,
    lastReply: r.lastReply,
    arrival: msg.envelope.arrival,
  };
}
