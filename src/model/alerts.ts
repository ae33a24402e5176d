// Alerts: the appliance's classes and severities, who receives which (alertconfig), the alerts
// this engine raises with the appliance's names and wording, the alert mail's subject
// (`<severity>-<hostname>: (<class>) <message>`) and body, and duplicate suppression. Pure: the
// engine (src/engine/alerts/) decides when, and sends them.
import { formatDuration } from './duration.js';
import { formatApplianceDate, formatRfc5322Date } from './format-date.js';

// ----- classes, severities, recipients -----

/** The appliance's alert classes, in alertconfig's order (its list numbers them after `All`). */
export const ALERT_CLASSES = [
  'System',
  'Hardware',
  'Updater',
  'Outbreak Filters',
  'Anti-Virus',
  'Anti-Spam',
  'Directory Harvest Attack Prevention',
  'Release and Support Notifications',
] as const;
export type AlertClass = (typeof ALERT_CLASSES)[number];

export const ALERT_SEVERITIES = ['Critical', 'Warning', 'Information'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** One address and the severities it receives, per class (a class not named: none of it). */
export interface AlertRecipient {
  address: string;
  classes: Partial<Record<AlertClass, AlertSeverity[]>>;
}

/** When the forecast alert (esa-sim's own) is sent. */
export interface ForecastAlertThresholds {
  /** Minutes a destination has been down before the first forecast alert (0: when it is marked down). */
  downMinutes: number;
  /** Hours before the first bounce at which it is sent again. */
  bounceHours: number;
  /** Minutes before queue storage fills (at the arrival rate) at which it is sent again. */
  fullMinutes: number;
}

/** alertconfig's table (the configuration's `alerts`). */
export interface AlertSettings {
  recipients: AlertRecipient[];
  /** Seconds a duplicate alert is held back at first (0: every duplicate is sent at once); doubles per duplicate sent. */
  duplicateInitial: number;
  /** Seconds a duplicate alert is held back at most. */
  duplicateMax: number;
  /** The From: address; absent: `alert@<hostname>`. */
  from?: string;
  forecast: ForecastAlertThresholds;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  recipients: [],
  duplicateInitial: 300,
  duplicateMax: 3_600,
  forecast: { downMinutes: 0, bounceHours: 6, fullMinutes: 60 },
};

/** A configuration's alert settings (a configuration from before alerts has none: the defaults). */
export function alertSettings(config: { alerts?: AlertSettings }): AlertSettings {
  return config.alerts ?? structuredClone(DEFAULT_ALERT_SETTINGS);
}

/** The From: address of alert mail. */
export const alertFrom = (settings: AlertSettings, hostname: string): string => settings.from ?? `alert@${hostname}`;

/** The addresses that receive an alert of this class and severity. */
export function recipientsFor(settings: AlertSettings, alertClass: AlertClass, severity: AlertSeverity): string[] {
  return settings.recipients.filter((r) => r.classes[alertClass]?.includes(severity)).map((r) => r.address);
}

// ----- the alerts this engine raises -----

/** An alert as raised: the appliance's name, its class and severity, its text, and what makes another one a duplicate. */
export interface AlertSpec {
  name: string;
  alertClass: AlertClass;
  severity: AlertSeverity;
  /** The message: paragraphs with the appliance's own line breaks; the first paragraph is the subject's. */
  text: string;
  /** Two alerts with the same key are duplicates (default: the name). */
  key: string;
}

/** Resource conservation begins at this RAM utilization (the engine's resident memory against the machine's, as `status`). */
export const MEMORY_CONSERVATION = { start: 80, halt: 95 } as const;

/** What put the system in resource conservation. */
export type ConservationCause = { kind: 'queue'; start: number; halt: number } | { kind: 'memory'; start: number; halt: number } | { kind: 'disk' };

const resConStart = (hostname: string) =>
  `This system (hostname: ${hostname}) has entered a 'resource conservation'\nmode in order to prevent the rapid depletion of critical system resources.\n\n`;

function forecastLine(o: DestinationOutlook): string {
  const down =
    o.now - o.downSince < 60_000
      ? `the backend of ${o.domain} went down at ${formatApplianceDate(o.downSince)}`
      : `the backend of ${o.domain} has been down for ${formatDuration(o.now - o.downSince)}`;
  const bounce = o.firstBounce
    ? `at this rate the first queued mail bounces at ${formatApplianceDate(o.firstBounce.at)} (${o.firstBounce.profile} profile, ${formatDuration(o.firstBounce.lifetime)})`
    : 'no mail is queued for it';
  const storage = o.storage.full
    ? 'queue storage is full now'
    : o.storage.fullAt !== undefined
      ? `queue storage fills at ${formatApplianceDate(o.storage.fullAt)}`
      : 'queue storage is not filling (no mail arrived in the last 15 minutes)';
  return `${down}; ${bounce}, and ${storage}.`;
}

/** What the forecast alert says of a destination that is down (all times simulated ms). */
export interface DestinationOutlook {
  domain: string;
  now: number;
  /** When it was marked down. */
  downSince: number;
  /** The first bounce if it stays down: at the first host retry past the queue lifetime of its oldest mail. */
  firstBounce?: { at: number; profile: string; lifetime: number };
  /** When queue storage fills at the arrival rate of the last 15 minutes (undefined: not filling), or full already. */
  storage: { full: boolean; fullAt?: number };
}

export type ForecastAlertKind = 'down' | 'bounce' | 'full';

const FORECAST_NAMES: Record<ForecastAlertKind, string> = {
  down: 'MAIL.FORECAST.HOST_DOWN',
  bounce: 'MAIL.FORECAST.BOUNCE_NEAR',
  full: 'MAIL.FORECAST.STORAGE_NEAR',
};

const FORECAST_NOTE =
  'Mail waiting for a down host bounces when its queue lifetime ends: the first bounce is the\noldest queued mail\'s. This forecast is esa-sim\'s own alert, not one of AsyncOS (the\n"forecast" command shows the whole timeline).';

export const ALERTS = {
  /** Entering resource conservation: the appliance's text, and its cause's. */
  conservationStart(hostname: string, cause: ConservationCause): AlertSpec {
    if (cause.kind === 'queue')
      return {
        name: 'MAIL.RES_CON_START_ALERT.QUEUE',
        alertClass: 'System',
        severity: 'Critical',
        text: `${resConStart(hostname)}Queue utilization for this system has exceeded the resource conservation\nthreshold of ${cause.start}%. The allowed receiving rate for this system will be\ngradually decreased as queue utilization approaches ${cause.halt}%.\n`,
        key: 'MAIL.RES_CON_START_ALERT.QUEUE',
      };
    if (cause.kind === 'memory')
      return {
        name: 'MAIL.RES_CON_START_ALERT.MEMORY',
        alertClass: 'System',
        severity: 'Critical',
        text: `${resConStart(hostname)}RAM utilization for this system has exceeded the resource conservation\nthreshold of ${cause.start}%.  The allowed receiving rate for this system will be\ngradually decreased as RAM utilization approaches ${cause.halt}%.\n`,
        key: 'MAIL.RES_CON_START_ALERT.MEMORY',
      };
    return { name: 'MAIL.RES_CON_START_ALERT', alertClass: 'System', severity: 'Critical', text: resConStart(hostname), key: 'MAIL.RES_CON_START_ALERT' };
  },

  conservationStop(hostname: string): AlertSpec {
    return {
      name: 'MAIL.RES_CON_STOP_ALERT',
      alertClass: 'System',
      severity: 'Information',
      text: `This system (hostname: ${hostname}) has exited 'resource conservation'\nmode as resource utilization has dropped below the conservation threshold.`,
      key: 'MAIL.RES_CON_STOP_ALERT',
    };
  },

  /** The queue refuses new mail (its limit, or a disk that is full). */
  queueFull(why: string): AlertSpec {
    return { name: 'MAIL.QUEUE.ERROR.FULL', alertClass: 'System', severity: 'Critical', text: `the queue is full: ${why}`, key: 'MAIL.QUEUE.ERROR.FULL' };
  },

  /** The disk under the queue fails (read-only, I/O errors). */
  queueIo(error: string): AlertSpec {
    return {
      name: 'MAIL.QUEUE.ERROR.IO',
      alertClass: 'System',
      severity: 'Critical',
      text: `could not access the queue: ${error}`,
      key: 'MAIL.QUEUE.ERROR.IO',
    };
  },

  listenerSuspended(listener: string): AlertSpec {
    return {
      name: 'MAIL.IMH.LISTENER_SUSPENDED',
      alertClass: 'System',
      severity: 'Warning',
      text: `Listener ${listener} has been suspended: new connections are refused with 421 until it is resumed.`,
      key: `MAIL.IMH.LISTENER_SUSPENDED ${listener}`,
    };
  },

  listenerResumed(listener: string): AlertSpec {
    return {
      name: 'MAIL.IMH.LISTENER_RESUMED',
      alertClass: 'System',
      severity: 'Information',
      text: `Listener ${listener} has been resumed: it accepts mail again.`,
      key: `MAIL.IMH.LISTENER_RESUMED ${listener}`,
    };
  },

  /** Delivery to a domain that requires TLS could not negotiate it: its mail waits for the next host retry. */
  tlsRequiredFailed(domain: string, reply: string | undefined, nextRetry: number): AlertSpec {
    // The attempt's reply says the same words before its reason.
    const detail = reply?.replace(/^TLS (was required but could not be successfully negotiated|failed): /, '');
    return {
      name: 'MAIL.OMH.TLS.UNAVAIL',
      alertClass: 'System',
      severity: 'Warning',
      text: `Delivery to ${domain}: TLS was required but could not be successfully negotiated${detail ? ` (${detail})` : ''}.\n\nIts mail stays queued, never sent in the clear; the next try is at ${formatApplianceDate(nextRetry)}.`,
      key: `MAIL.OMH.TLS.UNAVAIL ${domain}`,
    };
  },

  /** esa-sim's own: when a down destination's mail starts to bounce and when storage fills, if it stays down. */
  forecast(kind: ForecastAlertKind, o: DestinationOutlook): AlertSpec {
    const line = forecastLine(o);
    const lead =
      kind === 'down'
        ? line.charAt(0).toUpperCase() + line.slice(1)
        : kind === 'bounce'
          ? `The first bounce is near: ${line}`
          : `Queue storage is filling: ${line}`;
    return {
      name: FORECAST_NAMES[kind],
      alertClass: 'System',
      severity: kind === 'down' ? 'Warning' : 'Critical',
      text: `${lead}\n\n${FORECAST_NOTE}`,
      key: `${FORECAST_NAMES[kind]} ${o.domain}`,
    };
  },
};

// ----- the alert mail -----

/** The first paragraph of an alert's text on one line: the subject's message. */
export function alertHeadline(text: string): string {
  const first = text.trim().split(/\n\s*\n/)[0] ?? '';
  return first.replace(/\s*\n\s*/g, ' ').trim();
}

/** `Critical-mail.example.com: (System) the queue is full: ...`, the appliance's subject form. */
export function alertSubject(severity: AlertSeverity, hostname: string, alertClass: AlertClass, text: string): string {
  return `${severity}-${hostname}: (${alertClass}) ${alertHeadline(text)}`;
}

/** A header folded at blanks into lines of at most 78 characters (RFC 5322 2.2.3). */
export function foldHeader(name: string, value: string): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > 78 && line.trim() !== `${name}:`) {
      lines.push(line);
      line = ` ${word}`;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** A stored alert as `displayalerts`, the web GUI and the status bar show it. */
export interface AlertView {
  id: number;
  /** Simulated ms when it was raised. */
  at: number;
  name: string;
  alertClass: AlertClass;
  severity: AlertSeverity;
  subject: string;
  text: string;
  /** Duplicates held back before it, which it stands for (a duplicate summary). */
  suppressed?: { count: number; since: number };
  /** One per recipient it was sent to (none: no recipient takes its class and severity). */
  deliveries: AlertDelivery[];
}

export interface AlertDelivery {
  address: string;
  state: 'sending' | 'sent' | 'failed';
  attempts: number;
  /** The reply or error of the last attempt; when sent, where to. */
  detail?: string;
  /** Simulated ms of the next attempt while sending. */
  nextAt?: number;
}

/** How an alert's mail went to one recipient, in words. */
export function deliveryText(d: AlertDelivery): string {
  if (d.state === 'sent') return `${d.address}: sent (${d.detail ?? ''})`;
  if (d.state === 'failed') return `${d.address}: NOT SENT after ${d.attempts} attempt(s): ${d.detail ?? ''}`;
  const next = d.nextAt === undefined ? '' : `, next try ${formatApplianceDate(d.nextAt)}`;
  return `${d.address}: sending (attempt ${d.attempts}${d.detail ? `, last: ${d.detail}` : ''}${next})`;
}

/** The mail of an alert in one line: to whom and how, or that nobody takes it. */
export function deliveriesText(a: AlertView): string[] {
  if (a.deliveries.length === 0) return [`no recipient takes ${a.alertClass} alerts of severity ${a.severity} (alertconfig)`];
  return a.deliveries.map(deliveryText);
}

/** The alert mail, as sent (CRLF line ends). */
export function alertMessage(alert: AlertView, o: { hostname: string; from: string; to: string; version: string; messageId: string }): Buffer {
  const body = [
    `The ${alert.severity} message is:`,
    '',
    ...alert.text.trimEnd().split('\n'),
    '',
    ...(alert.suppressed
      ? [`${alert.suppressed.count} duplicate(s) of this alert were held back since ${formatApplianceDate(alert.suppressed.since)}.`, '']
      : []),
    `Alert: ${alert.name}`,
    `Class: ${alert.alertClass}`,
    `Hostname: ${o.hostname}`,
    `Version: esa-sim ${o.version}`,
    `Timestamp: ${formatRfc5322Date(alert.at)}`,
  ];
  const text = body.join('\r\n') + '\r\n';
  const ascii = /^[\x00-\x7f]*$/.test(text + alert.subject);
  const headers = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    foldHeader('Subject', alert.subject),
    `Date: ${formatRfc5322Date(alert.at)}`,
    `Message-ID: <${o.messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${ascii ? 'us-ascii' : 'utf-8'}`,
    `Content-Transfer-Encoding: ${ascii ? '7bit' : '8bit'}`,
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${text}`, 'utf8');
}

// ----- duplicate suppression -----

interface Repeats {
  lastSent: number;
  /** ms a duplicate is held back after lastSent. */
  interval: number;
  lastSeen: number;
  suppressed: number;
  since: number;
}

/** Whether an alert goes out now, and how many duplicates held back before it stands for. */
export type Occurrence = { send: true; suppressed: number; since: number } | { send: false; until: number; suppressed: number };

/** The suppression settings in ms. */
export interface SuppressionWindow {
  initialMs: number;
  maxMs: number;
}

export const suppressionWindow = (s: Pick<AlertSettings, 'duplicateInitial' | 'duplicateMax'>): SuppressionWindow => ({
  initialMs: s.duplicateInitial * 1000,
  maxMs: Math.max(s.duplicateInitial, s.duplicateMax) * 1000,
});

/** Keys remembered at most; past it, keys quiet for a whole maximum interval are forgotten. */
const REMEMBERED = 1_000;

/**
 * Duplicate alerts: the first of a key goes out at once; a duplicate within the interval after
 * the last one sent is held back and counted; the next one after it goes out with the count,
 * and the interval doubles, up to the maximum. When the interval ends with duplicates held
 * back and none came since, `due` says to send a summary. A key quiet for a whole maximum
 * interval starts again at the initial interval. An initial interval of 0 holds nothing back.
 */
export class DuplicateSuppression {
  readonly #keys = new Map<string, Repeats>();

  occur(key: string, now: number, w: SuppressionWindow): Occurrence {
    if (w.initialMs <= 0) return { send: true, suppressed: 0, since: now };
    const r = this.#keys.get(key);
    if (!r || (r.suppressed === 0 && now - r.lastSeen >= w.maxMs)) {
      this.#forgetQuiet(now, w);
      this.#keys.set(key, { lastSent: now, interval: Math.min(w.initialMs, w.maxMs), lastSeen: now, suppressed: 0, since: now });
      return { send: true, suppressed: 0, since: now };
    }
    r.lastSeen = now;
    const until = r.lastSent + r.interval;
    if (now < until) {
      if (r.suppressed === 0) r.since = now;
      r.suppressed++;
      return { send: false, until, suppressed: r.suppressed };
    }
    return this.#sent(r, now, w);
  }

  /** The interval of `key` ended: the duplicates held back in it, to send as a summary now (undefined: none). */
  due(key: string, now: number, w: SuppressionWindow): Occurrence | undefined {
    const r = this.#keys.get(key);
    if (!r || r.suppressed === 0 || now < r.lastSent + r.interval) return undefined;
    return this.#sent(r, now, w);
  }

  #sent(r: Repeats, now: number, w: SuppressionWindow): Occurrence {
    const told: Occurrence = { send: true, suppressed: r.suppressed, since: r.since };
    r.lastSent = now;
    r.interval = Math.min(r.interval * 2, w.maxMs);
    r.suppressed = 0;
    return told;
  }

  #forgetQuiet(now: number, w: SuppressionWindow): void {
    if (this.#keys.size < REMEMBERED) return;
    for (const [key, r] of this.#keys) if (r.suppressed === 0 && now - r.lastSeen >= w.maxMs) this.#keys.delete(key);
  }
}
