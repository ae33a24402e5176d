// The alert recipients table (alertconfig, the web GUI's Alerts page): addresses with the alert
// classes and severities each receives, duplicate suppression, the From: address and the
// forecast alert's thresholds; how they are read, listed and changed, as changes every front end
// records the same way. Pure.
import { parseChoice, parseCommaList, parseInteger, type Parsed } from '../answers.js';
import {
  ALERT_CLASSES,
  ALERT_SEVERITIES,
  alertFrom,
  alertSettings,
  DEFAULT_ALERT_SETTINGS,
  type AlertClass,
  type AlertRecipient,
  type AlertSettings,
  type AlertSeverity,
  type ForecastAlertThresholds,
} from '../alerts.js';
import { validAddress } from '../bounce-profile.js';
import { refuse, valueOrRefuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig } from '../config.js';

export const NOT_AN_ADDRESS = 'An email address is a localname and a domain joined by "@", such as admin@example.com.';
export const NONE_WITH_OTHERS = 'You cannot pick None together with other severity levels.';
export const NO_RECIPIENTS = 'There are no email addresses configured to receive alerts.';
export const NOT_A_RECIPIENT = (address: string) => `${address} does not receive alerts.`;

/** The class list's items as alertconfig numbers them: All first. */
export const CLASS_ITEMS: readonly string[] = ['All', ...ALERT_CLASSES];
/** The severity list's items: All first; EDIT adds None. */
export const SEVERITY_ITEMS: readonly string[] = ['All', ...ALERT_SEVERITIES];
export const SEVERITY_ITEMS_EDIT: readonly string[] = [...SEVERITY_ITEMS, 'None'];

/** Limits of the duplicate suppression's intervals (seconds). */
export const DUPLICATE_RANGE = { min: 0, max: 86_400 } as const;

// ----- reading the table -----

export const recipientsOf = (config: ApplianceConfig): readonly AlertRecipient[] => alertSettings(config).recipients;

export function findRecipient(config: ApplianceConfig, address: string): AlertRecipient | undefined {
  const want = address.trim().toLowerCase();
  return recipientsOf(config).find((r) => r.address.toLowerCase() === want);
}

/** An existing recipient by its address or its number in the listing. */
export function pickRecipient(config: ApplianceConfig, text: string): Parsed<AlertRecipient> {
  const t = text.trim();
  const r = /^\d+$/.test(t) ? recipientsOf(config)[Number(t) - 1] : findRecipient(config, t);
  return r ? { value: r } : { error: NOT_A_RECIPIENT(t) };
}

/** A new recipient's address (`editing`: the address it may keep). */
export function parseRecipientAddress(config: ApplianceConfig, text: string, editing?: string): Parsed<string> {
  const t = text.trim();
  if (!validAddress(t)) return { error: NOT_AN_ADDRESS };
  const existing = findRecipient(config, t);
  if (existing && existing.address.toLowerCase() !== editing?.toLowerCase())
    return { error: `${t} already receives alerts: use EDIT to change what it receives.` };
  return { value: t };
}

/** `1`, `2,3`, `All`, `system, anti-spam`: classes by number or name. */
export function parseClasses(text: string): Parsed<AlertClass[]> {
  const p = parseCommaList<number>(text, (item) => parseChoice(item, CLASS_ITEMS));
  if ('error' in p) return p;
  return { value: p.value.includes(0) ? [...ALERT_CLASSES] : ALERT_CLASSES.filter((_, i) => p.value.includes(i + 1)) };
}

/** Severities by number or name (`All`, `critical,warning`). */
export function parseSeverities(text: string): Parsed<AlertSeverity[]> {
  const p = parseCommaList<number>(text, (item) => parseChoice(item, SEVERITY_ITEMS));
  if ('error' in p) return p;
  return { value: p.value.includes(0) ? [...ALERT_SEVERITIES] : ALERT_SEVERITIES.filter((_, i) => p.value.includes(i + 1)) };
}

/** EDIT's severities: the same, or None alone (the classes are no longer sent to the address). */
export function parseEditSeverities(text: string): Parsed<AlertSeverity[] | 'none'> {
  const p = parseCommaList<number>(text, (item) => parseChoice(item, SEVERITY_ITEMS_EDIT));
  if ('error' in p) return p;
  const none = SEVERITY_ITEMS.length;
  if (p.value.includes(none)) return p.value.length === 1 ? { value: 'none' } : { error: NONE_WITH_OTHERS };
  return parseSeverities(text);
}

/** `All`, or the names in order. */
const listOrAll = (names: readonly string[], all: readonly string[]) => (all.every((n) => names.includes(n)) ? 'All' : names.join(', '));

/** The lines of one recipient: its address, then `Class: System - Severities: Critical, Warning` per class. */
export function recipientLines(r: AlertRecipient): string[] {
  const classes = ALERT_CLASSES.filter((c) => r.classes[c]?.length);
  const severities = classes.map((c) => listOrAll(r.classes[c]!, ALERT_SEVERITIES));
  // One line when every class receives the same severities.
  if (classes.length === ALERT_CLASSES.length && severities.every((s) => s === severities[0]))
    return [r.address, `    Class: All - Severities: ${severities[0]}`];
  if (classes.length === 0) return [r.address, '    Class: (none: receives no alerts)'];
  return [r.address, ...classes.map((c, i) => `    Class: ${c} - Severities: ${severities[i]}`)];
}

/** What alertconfig lists above its menu. */
export function alertListing(config: ApplianceConfig): string[] {
  const s = alertSettings(config);
  const lines = s.recipients.length
    ? ['Sending alerts to:', ...s.recipients.flatMap((r, i) => recipientLines(r).map((l, j) => (j === 0 ? `  ${i + 1}. ${l}` : `    ${l}`)))]
    : [NO_RECIPIENTS];
  return [
    ...lines,
    '',
    `Duplicate alerts are held back ${s.duplicateInitial} seconds at first, doubling up to ${s.duplicateMax} seconds.`,
    `Alerts are sent from ${alertFrom(s, config.hostname)}${s.from ? '' : ' (the default)'}.`,
    `Forecast alert (esa-sim): ${forecastText(s.forecast)}`,
  ];
}

/** The forecast alert's thresholds in words. */
export function forecastText(f: ForecastAlertThresholds): string {
  const first = f.downMinutes === 0 ? 'when a destination is marked down' : `once a destination has been down ${f.downMinutes} minute(s)`;
  return `${first}; again ${f.bounceHours} hour(s) before its first bounce and ${f.fullMinutes} minute(s) before queue storage fills.`;
}

// ----- the operations -----

/** The settings of a draft, made present so an operation can change them. */
function settingsIn(config: ApplianceConfig): AlertSettings {
  config.alerts ??= structuredClone(DEFAULT_ALERT_SETTINGS);
  return config.alerts;
}

function existing(config: ApplianceConfig, address: string): AlertRecipient {
  return findRecipient(config, address) ?? refuse(`the alert recipient "${address}" no longer exists`);
}

const classesText = (classes: readonly AlertClass[]) => listOrAll(classes, ALERT_CLASSES);
const severitiesText = (s: readonly AlertSeverity[] | 'none') => (s === 'none' ? 'None' : listOrAll(s, ALERT_SEVERITIES));

export function createRecipient(address: string, classes: readonly AlertClass[], severities: readonly AlertSeverity[]): ConfigChange {
  return {
    description: `Added alert recipient ${address}: class ${classesText(classes)}, severities ${severitiesText(severities)}.`,
    apply(config) {
      const r: AlertRecipient = { address: valueOrRefuse(parseRecipientAddress(config, address)), classes: {} };
      for (const c of classes) r.classes[c] = [...severities];
      settingsIn(config).recipients.push(r);
    },
  };
}

/**
 * The chosen classes get these severities (None: the recipient no longer receives them; its
 * other classes stay as they are), and the address may change.
 */
export function editRecipient(address: string, rename: string, classes: readonly AlertClass[], severities: readonly AlertSeverity[] | 'none'): ConfigChange {
  const renamed = rename.toLowerCase() !== address.toLowerCase();
  return {
    description: `Edited alert recipient ${address}: ${renamed ? `address ${rename}, ` : ''}class ${classesText(classes)} now ${severitiesText(severities)}.`,
    apply(config) {
      const r = existing(config, address);
      if (renamed) r.address = valueOrRefuse(parseRecipientAddress(config, rename, address));
      for (const c of classes) {
        if (severities === 'none') delete r.classes[c];
        else r.classes[c] = [...severities];
      }
    },
  };
}

export function deleteRecipient(address: string): ConfigChange {
  return {
    description: `Deleted alert recipient ${address}.`,
    apply(config) {
      const r = existing(config, address);
      const s = settingsIn(config);
      s.recipients = s.recipients.filter((x) => x !== r);
    },
  };
}

export function clearRecipients(): ConfigChange {
  return {
    description: 'Deleted every alert recipient: no alert is sent by mail.',
    apply(config) {
      settingsIn(config).recipients = [];
    },
  };
}

/** Why a pair of duplicate intervals is refused (the maximum below the initial). */
export function duplicateRefusal(initial: number, maximum: number): string | undefined {
  return maximum < initial ? 'The maximum number of seconds must be at least the initial number of seconds.' : undefined;
}

export const parseDuplicateSeconds = (text: string): Parsed<number> => parseInteger(text, DUPLICATE_RANGE.min, DUPLICATE_RANGE.max);

export function setupDuplicates(initial: number, maximum: number): ConfigChange {
  return {
    description: `Duplicate alerts held back ${initial} seconds at first, at most ${maximum} seconds.`,
    apply(config) {
      const why = duplicateRefusal(initial, maximum);
      if (why) refuse(why);
      const s = settingsIn(config);
      s.duplicateInitial = initial;
      s.duplicateMax = maximum;
    },
  };
}

/** `DEFAULT` (any case) or empty: alert@<hostname>. */
export function parseFromAddress(text: string): Parsed<string | undefined> {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'default') return { value: undefined };
  return validAddress(t) ? { value: t } : { error: NOT_AN_ADDRESS };
}

export function setFrom(from: string | undefined): ConfigChange {
  return {
    description: from ? `Alerts are sent from ${from}.` : 'Alerts are sent from the default address (alert@<hostname>).',
    apply(config) {
      const s = settingsIn(config);
      if (from) s.from = from;
      else delete s.from;
    },
  };
}

/** The forecast thresholds' ranges: minutes down, hours before the first bounce, minutes before storage fills. */
export const FORECAST_RANGES: Record<keyof ForecastAlertThresholds, { min: number; max: number }> = {
  downMinutes: { min: 0, max: 10_080 },
  bounceHours: { min: 0, max: 720 },
  fullMinutes: { min: 0, max: 10_080 },
};

export function setForecastThresholds(f: ForecastAlertThresholds): ConfigChange {
  return {
    description: `Forecast alert: ${forecastText(f)}`,
    apply(config) {
      settingsIn(config).forecast = { ...f };
    },
  };
}

/**
 * A recipient as a form gives it whole (the web GUI's grid of classes and severities): a new
 * one (`existing` undefined), or an existing one with a new address and every class replaced.
 */
export function putRecipient(existing: string | undefined, address: string, classes: AlertRecipient['classes']): ConfigChange {
  const summary = ALERT_CLASSES.filter((c) => classes[c]?.length)
    .map((c) => `${c} ${severitiesText(classes[c]!)}`)
    .join('; ');
  if (existing === undefined)
    return {
      description: `Added alert recipient ${address}: ${summary}.`,
      apply(config) {
        settingsIn(config).recipients.push({ address: valueOrRefuse(parseRecipientAddress(config, address)), classes: structuredClone(classes) });
      },
    };
  return {
    description: `Edited alert recipient ${existing}: ${address === existing ? '' : `address ${address}, `}${summary}.`,
    apply(config) {
      const r = findRecipient(config, existing) ?? refuse(`the alert recipient "${existing}" no longer exists`);
      r.address = valueOrRefuse(parseRecipientAddress(config, address, existing));
      r.classes = structuredClone(classes);
    },
  };
}
