// Where every alert the engine raises goes: duplicate suppression (alertconfig SETUP's
// intervals, on the engine's clock), then the alert is kept (displayalerts), said in the mail
// log, told to the engine's subscribers (the shell's status bar, the web GUI) and mailed to the
// recipients of its class and severity. A duplicate held back is said in the mail log too, and
// the interval's end sends one summary of the duplicates held back.
import { alertSettings, alertSubject, DuplicateSuppression, recipientsFor, suppressionWindow, type AlertSpec, type AlertView } from '../../model/alerts.js';
import type { ApplianceConfig } from '../../model/config.js';
import * as line from '../../model/log-lines.js';
import type { Clock, ClockTimer } from '../clock.js';
import type { MailLog } from '../log/mail-log.js';
import type { AlertMailer } from './alert-mailer.js';
import type { AlertStore } from './alert-store.js';

export interface AlertCenterContext {
  clock: Clock;
  log: MailLog;
  /** Tells the engine's subscribers (the `alert` event). */
  announce: (alert: AlertView) => void;
  config: () => ApplianceConfig;
  store: AlertStore;
  mailer: AlertMailer;
}

export class AlertCenter {
  readonly #suppression = new DuplicateSuppression();
  /** The latest alert of each key held back, and the timer that sends its summary. */
  readonly #held = new Map<string, { spec: AlertSpec; timer: ClockTimer }>();
  #stopped = false;

  constructor(readonly ctx: AlertCenterContext) {}

  /** An alert happened now: sent, or held back as a duplicate. */
  raise(spec: AlertSpec): void {
    if (this.#stopped) return;
    const { clock, log, config } = this.ctx;
    const now = clock.now();
    const window = suppressionWindow(alertSettings(config()));
    const o = this.#suppression.occur(spec.key, now, window);
    if (!o.send) {
      log.info(line.alertHeldBack(spec.name, o.until, o.suppressed));
      const held = this.#held.get(spec.key);
      if (held) held.spec = spec;
      else this.#held.set(spec.key, { spec, timer: clock.at(o.until, () => this.#intervalEnded(spec.key)) });
      return;
    }
    this.#cancelHeld(spec.key);
    this.#emit(spec, now, o.suppressed ? { count: o.suppressed, since: o.since } : undefined);
  }

  /** The interval after a sent alert ended with duplicates held back: one summary goes out. */
  #intervalEnded(key: string): void {
    const held = this.#held.get(key);
    this.#held.delete(key);
    if (!held || this.#stopped) return;
    const now = this.ctx.clock.now();
    const o = this.#suppression.due(key, now, suppressionWindow(alertSettings(this.ctx.config())));
    if (o?.send) this.#emit(held.spec, now, { count: o.suppressed, since: o.since });
  }

  #cancelHeld(key: string): void {
    this.#held.get(key)?.timer.cancel();
    this.#held.delete(key);
  }

  #emit(spec: AlertSpec, at: number, suppressed: AlertView['suppressed']): void {
    const { config, log, store, mailer, announce } = this.ctx;
    const c = config();
    const recipients = recipientsFor(alertSettings(c), spec.alertClass, spec.severity);
    const alert = store.add({
      at,
      name: spec.name,
      alertClass: spec.alertClass,
      severity: spec.severity,
      subject: alertSubject(spec.severity, c.hostname, spec.alertClass, spec.text),
      text: spec.text,
      ...(suppressed ? { suppressed } : {}),
      deliveries: recipients.map((address) => ({ address, state: 'sending', attempts: 0 })),
    });
    log.info(line.alertRaised(alert.id, alert.name, alert.subject));
    if (recipients.length === 0) log.info(line.alertNoRecipient(alert.id, alert.alertClass, alert.severity));
    for (const d of alert.deliveries) mailer.send(alert, d);
    announce(structuredClone(alert));
  }

  /** Shutdown: no summary is sent any more. */
  stop(): void {
    this.#stopped = true;
    for (const key of [...this.#held.keys()]) this.#cancelHeld(key);
  }
}
