// Read-only views of the engine's state for the engine API: host rows, host status, status
// snapshots and recipient listings, computed from the parts without changing them. Listings
// walk only what they must (one host's jobs, or the queue in MID order for a sender).
import type { ApplianceConfig } from './config/config.js';
import { COUNTER_NAMES, type CounterColumns, type CounterName, type Counters } from './counters.js';
import type { DeliveryScheduler } from './delivery/scheduler.js';
import { matchRoute } from './delivery/routes.js';
import type { HostRow, HostStatusView, QueuedRecipientView, RecipientPage, RecipientSelector, StatusSnapshot, QueueGauges } from './engine-api.js';
import type { QueuedMessage, Recipient } from './queue/message.js';
import type { MailQueue } from './queue/queue.js';
import type { QueueRecords } from './queue/records.js';

export function hostRows(scheduler: DeliveryScheduler): HostRow[] {
  const rows: HostRow[] = [];
  for (const dest of scheduler.destinations.values()) {
    const c = dest.counters;
    rows.push({
      domain: dest.domain,
      down: dest.down,
      activeRecipients: c.activeRecipients,
      connectionsOut: c.connectionsOut,
      deliveredRecipients: c.deliveredRecipients,
      softBouncedEvents: c.softBouncedEvents,
      hardBouncedRecipients: c.hardBouncedRecipients,
    });
  }
  return rows;
}

export function hostStatus(scheduler: DeliveryScheduler, config: ApplianceConfig, domain: string, now: number, redirect?: { host: string; port: number }): HostStatusView | undefined {
  const dest = scheduler.destinations.get(domain.toLowerCase());
  if (!dest) return undefined;
  const c = dest.counters;
  const oldest = dest.oldestArrival();
  const route = redirect ? { domain: dest.domain, hosts: [redirect] } : matchRoute(config.routes, dest.domain);
  return {
    now,
    domain: dest.domain,
    down: dest.down,
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
    route: route ? { domain: route.domain, hosts: route.hosts.map((h) => ({ ...h })) } : undefined,
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

/** Whether a message's sender matches a `sender` selector. */
function senderMatches(msg: QueuedMessage, sender: string, caseSensitive: boolean): boolean {
  return caseSensitive ? msg.envelope.from === sender : msg.envelope.from.toLowerCase() === sender.toLowerCase();
}

/**
 * The pending recipients a selector names, message by message in MID order. A host
 * selector walks that host's jobs only; sender and all walk the queue.
 */
export function* selectRecipients(queue: MailQueue, scheduler: DeliveryScheduler, selector: RecipientSelector): Generator<[QueuedMessage, Recipient[]]> {
  if (selector.kind === 'host') {
    const domain = selector.host.toLowerCase();
    const byMsg = new Map<QueuedMessage, Recipient[]>();
    for (const job of scheduler.jobsOf(domain)) {
      const rcpts = job.rcpts.filter((r) => r.state === 'pending');
      if (rcpts.length === 0) continue;
      const list = byMsg.get(job.msg);
      if (list) list.push(...rcpts);
      else byMsg.set(job.msg, rcpts);
    }
    const msgs = [...byMsg.keys()].sort((a, b) => a.envelope.mid - b.envelope.mid);
    for (const msg of msgs) yield [msg, byMsg.get(msg)!];
    return;
  }
  for (const msg of queue.messages.values()) {
    if (msg.pending === 0) continue;
    if (selector.kind === 'sender' && !senderMatches(msg, selector.sender, selector.caseSensitive ?? false)) continue;
    yield [msg, msg.rcpts.filter((r) => r.state === 'pending')];
  }
}

export function recipientPage(queue: MailQueue, scheduler: DeliveryScheduler, selector: RecipientSelector, offset = 0, limit = Infinity): RecipientPage {
  const rows: QueuedRecipientView[] = [];
  let total = 0;
  for (const [msg, rcpts] of selectRecipients(queue, scheduler, selector)) {
    for (const r of rcpts) {
      if (total >= offset && rows.length < limit) {
        rows.push({
          mid: msg.envelope.mid,
          size: msg.size,
          sender: msg.envelope.from,
          rid: r.rid,
          recipient: r.address,
          attempts: r.attempts,
          nextAt: r.nextAt,
          lastReply: r.lastReply,
          arrival: msg.envelope.arrival,
        });
      }
      total++;
    }
  }
  return { rows, total };
}
