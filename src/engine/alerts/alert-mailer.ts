// Alert mail's own path, as on the appliance: an alert is sent straight to each recipient over
// its own SMTP connection — never through the work queue or the delivery queue, whatever bounce
// profiles, destination controls, suspensions or down marks say — to the hosts `smtproutes`
// gives for the recipient's domain (so an ops mailbox routed elsewhere gets it while the
// backend is down). A failed attempt is tried again twice, a few minutes apart (simulated
// time); what is still not sent is said in the mail log and stays in `displayalerts`.
import type { AlertDelivery, AlertView } from '../../model/alerts.js';
import { alertFrom, alertMessage, alertSettings } from '../../model/alerts.js';
import type { ApplianceConfig } from '../../model/config.js';
import * as line from '../../model/log-lines.js';
import { domainOf } from '../../model/rat.js';
import type { Clock, ClockTimer } from '../clock.js';
import { connectionErrorDetail, type SmtpError } from '../delivery/outcome.js';
import { resolveDestination } from '../delivery/routes.js';
import { OutboundConnection } from '../delivery/smtp-client.js';
import type { MailLog } from '../log/mail-log.js';

/** Waits before the second and third attempts (simulated ms). */
export const ALERT_RETRY_WAITS = [60_000, 300_000] as const;
export const ALERT_ATTEMPTS = ALERT_RETRY_WAITS.length + 1;

export interface AlertMailerContext {
  clock: Clock;
  log: MailLog;
  config: () => ApplianceConfig;
  /** A DCID for each connection (the delivery connections' numbering). */
  dcid: () => number;
  /** Real ms to wait for a connection and its greeting. */
  connectTimeoutMs?: number;
  version: string;
  /** The alert's sending state changed (keep it). */
  changed: () => void;
}

type AttemptResult = { ok: true; dcid: number; host: string; port: number; reply: string } | { ok: false; why: string; permanent: boolean };

export class AlertMailer {
  #stopped = false;
  readonly #timers = new Set<ClockTimer>();
  readonly #open = new Set<OutboundConnection>();
  /** Deliveries not finished (sending now or waiting for a retry). */
  readonly #unfinished = new Map<AlertDelivery, AlertView>();
  /** Attempts running now. */
  readonly #running = new Set<Promise<void>>();
  #messages = 0;

  constructor(readonly ctx: AlertMailerContext) {}

  /** Sends an alert to one of its recipients (its delivery entry records how it goes). */
  send(alert: AlertView, delivery: AlertDelivery): void {
    this.#unfinished.set(delivery, alert);
    this.#track(this.#attempt(alert, delivery));
  }

  /** Resolves once no attempt runs (a retry waiting for its time is not running). */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  #track(attempt: Promise<void>): void {
    this.#running.add(attempt);
    void attempt.finally(() => this.#running.delete(attempt));
  }

  async #attempt(alert: AlertView, d: AlertDelivery): Promise<void> {
    const { clock, log } = this.ctx;
    d.attempts++;
    d.state = 'sending';
    delete d.nextAt;
    const result = await this.#try(alert, d.address);
    if (this.#stopped) return;
    if (result.ok) {
      d.state = 'sent';
      d.detail = `${result.reply} (${result.host}:${result.port})`;
      log.info(line.alertSent(alert.id, result.dcid, d.address, result.host, result.port, result.reply));
      this.#unfinished.delete(d);
    } else if (result.permanent || d.attempts >= ALERT_ATTEMPTS) {
      d.state = 'failed';
      d.detail = result.why;
      log.info(line.alertFailed(alert.id, d.address, d.attempts, result.why));
      this.#unfinished.delete(d);
    } else {
      d.detail = result.why;
      d.nextAt = clock.now() + ALERT_RETRY_WAITS[d.attempts - 1];
      log.info(line.alertRetry(alert.id, d.address, d.attempts, ALERT_ATTEMPTS, result.why, d.nextAt));
      const timer = clock.at(d.nextAt, () => {
        this.#timers.delete(timer);
        this.#track(this.#attempt(alert, d));
      });
      this.#timers.add(timer);
    }
    this.ctx.changed();
  }

  /** One attempt: the route's hosts in order until one takes it (or refuses it for good). */
  async #try(alert: AlertView, address: string): Promise<AttemptResult> {
    const config = this.ctx.config();
    let target;
    try {
      target = await resolveDestination(config.routes, domainOf(address));
    } catch (e) {
      return { ok: false, why: `no route: ${(e as Error).message}`, permanent: false };
    }
    if (target.kind === 'devnull') return { ok: true, dcid: 0, host: '/dev/null', port: 0, reply: '250 2.0.0 dropped by a /dev/null route' };
    const content = alertMessage(alert, {
      hostname: config.hostname,
      from: this.#from(config),
      to: address,
      version: this.ctx.version,
      messageId: `alert.${alert.id}.${++this.#messages}.${alert.at}@${config.hostname}`,
    });
    let why = 'the route has no host';
    for (const host of target.hosts) {
      if (this.#stopped) break;
      const dcid = this.ctx.dcid();
      let conn: OutboundConnection;
      try {
        conn = await OutboundConnection.open(host, {
          name: config.hostname,
          connectionTimeoutMs: this.ctx.connectTimeoutMs ?? 30_000,
          greetingTimeoutMs: this.ctx.connectTimeoutMs ?? 30_000,
        });
      } catch (e) {
        why = `${host.host}:${host.port}: ${connectionErrorDetail(e as SmtpError)}`;
        continue;
      }
      this.#open.add(conn);
      try {
        const outcome = await conn.send(this.#from(config), [address], content);
        const o = outcome.recipients.get(address.toLowerCase());
        if (o?.kind === 'delivered') return { ok: true, dcid, host: host.host, port: host.port, reply: o.reply };
        why = `${host.host}:${host.port}: ${o?.reply || 'no reply'}`;
        // A 5xx is the host's verdict on the recipient: another attempt would get the same.
        if (o?.kind === 'hard') return { ok: false, why, permanent: true };
      } finally {
        this.#open.delete(conn);
        conn.close();
      }
    }
    return { ok: false, why, permanent: false };
  }

  #from(config: ApplianceConfig): string {
    return alertFrom(alertSettings(config), config.hostname);
  }

  /** Shutdown: retries are dropped, connections cut; what was not sent says so in the mail log. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    for (const c of this.#open) c.abort();
    for (const [d, alert] of this.#unfinished) {
      d.state = 'failed';
      delete d.nextAt;
      d.detail = `the engine stopped${d.detail ? ` (last: ${d.detail})` : ''}`;
      this.ctx.log.info(line.alertFailed(alert.id, d.address, d.attempts, d.detail));
    }
    if (this.#unfinished.size) this.ctx.changed();
    this.#unfinished.clear();
  }
}
