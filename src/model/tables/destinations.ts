// The destination controls table: per recipient domain a concurrency limit, messages per
// connection and a bounce profile, and the DEFAULT entry the others inherit from; the rules for
// an entry's domain and values, and the operations on the table as changes every front end
// records the same way — `destconfig` (dialog and batch) and the web GUI's Destination Controls. Pure.
import type { Parsed } from '../answers.js';
import { refuse, valueOrRefuse, type ConfigChange } from '../change.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MESSAGES_PER_CONNECTION, type ApplianceConfig, type DeliveryTls, type DestinationConfig } from '../config.js';
import { DANE_REFUSAL, deliveryTlsField, deliveryTlsWord } from '../tls-settings.js';
import { DEMO_CERTIFICATE, findCertificate } from './certificates.js';
import { DomainPattern } from '../domain-pattern.js';
import { integerField } from '../field.js';
import { formatCount } from '../format-count.js';
import { createProfile, findProfile } from './bounce-profiles.js';

/** The entry every other one inherits a value it leaves out from. */
export const DEFAULT_ENTRY = 'DEFAULT';

export const concurrencyField = integerField({ min: 1, max: 1_000 });
export const messagesPerConnectionField = integerField({ min: 1, max: 1_000 });

/** An entry's own values (unset: DEFAULT's; no bounce profile: the listener's). */
export interface EntrySettings {
  concurrency?: number;
  maxMessagesPerConnection?: number;
  bounceProfile?: string;
  /** The bounce profile is created with the entry, every value from Default ("New Profile"). */
  newProfile?: boolean;
  tls?: DeliveryTls;
}

/** DEFAULT's values: it sets both limits and TLS, and has no bounce profile. */
export interface DefaultSettings {
  concurrency: number;
  maxMessagesPerConnection: number;
  tls: DeliveryTls;
}

// ----- reading the table -----

/** An entry's domain as written back (`example.com`, `.example.com`). */
export const entryDomain = (domain: string): string => DomainPattern.fromStored(domain).toString();
const isDefault = (d: DestinationConfig) => d.domain === DEFAULT_ENTRY;

/** The entries but DEFAULT, by domain. */
export function destinationEntries(config: ApplianceConfig): DestinationConfig[] {
  return config.destinations.filter((d) => !isDefault(d)).sort((a, b) => entryDomain(a.domain).localeCompare(entryDomain(b.domain)));
}

export function findDestination(config: ApplianceConfig, domain: string): DestinationConfig | undefined {
  const want = entryDomain(domain);
  return config.destinations.find((d) => !isDefault(d) && entryDomain(d.domain) === want);
}

export function destinationDefaults(config: ApplianceConfig): DefaultSettings {
  const d = config.destinations.find(isDefault);
  return {
    concurrency: d?.concurrency ?? DEFAULT_CONCURRENCY,
    maxMessagesPerConnection: d?.maxMessagesPerConnection ?? DEFAULT_MESSAGES_PER_CONNECTION,
    tls: d?.tls ?? 'no',
  };
}

export const ownSettings = (e: DestinationConfig): EntrySettings => ({
  concurrency: e.concurrency,
  maxMessagesPerConnection: e.maxMessagesPerConnection,
  bounceProfile: e.bounceProfile,
  tls: e.tls,
});

export const notFound = (domain: string): string => `The domain ${domain} was not found in the destination control table.`;

export const unknownProfile = (name: string): string => `Invalid profile name "${name}": there is no such bounce profile (create it with bounceconfig).`;

function parseDomain(text: string): Parsed<string> {
  const p = DomainPattern.parse(text);
  if ('error' in p) return p;
  if (p.value === DomainPattern.ALL) return { error: 'Use DEFAULT to change the settings of every other domain.' };
  return { value: p.value.toString() };
}

/** The domain of a new entry: a domain pattern (not ALL: that is DEFAULT) without an entry yet. */
export function parseNewDestination(config: ApplianceConfig, text: string): Parsed<string> {
  if (text.trim() === '') return { error: 'You must enter a domain.' };
  const p = parseDomain(text);
  if ('error' in p) return p;
  if (findDestination(config, p.value)) return { error: `The domain ${p.value} is already in the destination control table: use EDIT.` };
  return p;
}

/** An entry's domain as stored, from the domain typed. */
export function parseExistingDestination(config: ApplianceConfig, text: string): Parsed<string> {
  const p = parseDomain(text);
  if ('error' in p) return p;
  const e = findDestination(config, p.value);
  return e ? { value: entryDomain(e.domain) } : { error: notFound(p.value) };
}

/** An existing bounce profile named in any case, as stored. */
export function parseProfileName(config: ApplianceConfig, text: string): Parsed<string> {
  const stored = findProfile(config, text.trim());
  return stored ? { value: stored } : { error: unknownProfile(text) };
}

// ----- values given by key -----

export const SETTING_KEYS: readonly string[] = ['concurrency', 'max_messages', 'bounce_profile', 'tls', 'dane'];
export const DEFAULT_KEYS: readonly string[] = ['concurrency', 'max_messages', 'tls', 'dane'];

/** `dane=no` is the only DANE setting available. */
function daneValue(value: string): void {
  if (!/^(no|n|1)$/i.test(value.trim())) refuse(`dane: ${DANE_REFUSAL}`);
}

/**
 * `key=value` settings onto an entry's own values, each checked as its question checks it; an
 * empty value makes a value inherited again. Refuses with one line.
 */
export function withSettings(
  config: ApplianceConfig,
  s: EntrySettings,
  settings: readonly { key: string; value: string }[],
  allowed: readonly string[] = SETTING_KEYS,
): EntrySettings {
  const next = { ...s };
  for (const { key, value } of settings) {
    if (!allowed.includes(key)) refuse(`Unknown setting "${key}": use ${allowed.join(', ')}.`);
    const unset = value.trim() === '';
    if (key === 'concurrency') next.concurrency = unset ? undefined : valueOrRefuse(concurrencyField.parse(value), key);
    else if (key === 'max_messages') next.maxMessagesPerConnection = unset ? undefined : valueOrRefuse(messagesPerConnectionField.parse(value), key);
    else if (key === 'tls') next.tls = unset ? undefined : valueOrRefuse(deliveryTlsField.parse(value), key);
    else if (key === 'dane') daneValue(value);
    else next.bounceProfile = unset ? undefined : valueOrRefuse(parseProfileName(config, value));
  }
  return next;
}

// ----- the operations -----

const setting = (v: number | undefined) => (v === undefined ? 'Default' : formatCount(v));

/** Each value as a change description names it. */
function described(s: EntrySettings): [string, string][] {
  return [
    ['concurrency', setting(s.concurrency)],
    ['messages per connection', setting(s.maxMessagesPerConnection)],
    ['bounce profile', s.bounceProfile === undefined ? "the listener's" : `${s.bounceProfile}${s.newProfile ? ' (new)' : ''}`],
    ['TLS', s.tls === undefined ? 'Default' : deliveryTlsWord(s.tls)],
  ];
}

/** Writes an entry's own values; a new bounce profile is created by the bounce profiles table's one rule. */
function writeEntry(config: ApplianceConfig, entry: DestinationConfig, s: EntrySettings): void {
  if (s.bounceProfile !== undefined) {
    if (s.newProfile) createProfile(s.bounceProfile, {}).apply(config);
    else if (findProfile(config, s.bounceProfile) !== s.bounceProfile) refuse(unknownProfile(s.bounceProfile));
  }
  for (const key of ['concurrency', 'maxMessagesPerConnection', 'bounceProfile', 'tls'] as const) {
    if (s[key] === undefined) delete entry[key];
    else (entry as unknown as Record<string, unknown>)[key] = s[key];
  }
}

export function createDestination(domain: string, s: EntrySettings): ConfigChange {
  return {
    description: `Created destination "${domain}": ${described(s)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    apply(config) {
      const entry: DestinationConfig = { domain: valueOrRefuse(parseNewDestination(config, domain)) };
      writeEntry(config, entry, s);
      config.destinations.push(entry);
    },
  };
}

/** Only what differs is described; undefined when nothing changed. */
export function editDestination(domain: string, before: EntrySettings, after: EntrySettings): ConfigChange | undefined {
  const b = described(before);
  const what = described(after)
    .flatMap(([k, v], i) => (v === b[i][1] ? [] : [`${k} ${b[i][1]} -> ${v}`]))
    .join(', ');
  if (what === '') return undefined;
  return {
    description: `Edited destination "${domain}": ${what}.`,
    apply(config) {
      writeEntry(config, findDestination(config, domain) ?? refuse(notFound(domain)), after);
    },
  };
}

/** DEFAULT's limits and TLS; undefined when unchanged. */
export function editDefaults(before: DefaultSettings, after: DefaultSettings): ConfigChange | undefined {
  if (before.concurrency === after.concurrency && before.maxMessagesPerConnection === after.maxMessagesPerConnection && before.tls === after.tls)
    return undefined;
  return {
    description: `Edited the default destination settings: concurrency ${formatCount(after.concurrency)}, messages per connection ${formatCount(after.maxMessagesPerConnection)}, TLS ${deliveryTlsWord(after.tls)}.`,
    apply(config) {
      let entry = config.destinations.find(isDefault);
      if (!entry) {
        entry = { domain: DEFAULT_ENTRY };
        config.destinations.push(entry);
      }
      entry.concurrency = after.concurrency;
      entry.maxMessagesPerConnection = after.maxMessagesPerConnection;
      if (after.tls === 'no') delete entry.tls;
      else entry.tls = after.tls;
    },
  };
}

/** SETUP: the certificate delivery presents, and whether a failed required TLS connection sends an alert; undefined when unchanged. */
export function setDeliverySetup(config: ApplianceConfig, certificate: string, alert: boolean): ConfigChange | undefined {
  const before = config.deliveryCertificate ?? DEMO_CERTIFICATE;
  if (certificate === before && alert === (config.tlsRequiredAlert ?? false)) return undefined;
  return {
    description: `Delivery presents certificate "${certificate}"; an alert when required TLS fails: ${alert ? 'yes' : 'no'}.`,
    apply(c) {
      const cert = findCertificate(c, certificate) ?? refuse(`There is no certificate named "${certificate}".`);
      c.deliveryCertificate = cert.name;
      c.tlsRequiredAlert = alert;
    },
  };
}

export function deleteDestination(domain: string): ConfigChange {
  return {
    description: `Deleted destination "${domain}".`,
    apply(config) {
      const entry = findDestination(config, domain) ?? refuse(notFound(domain));
      config.destinations = config.destinations.filter((d) => d !== entry);
    },
  };
}

/** Every entry but DEFAULT. */
export function clearDestinations(): ConfigChange {
  return {
    description: 'Deleted all destination entries (DEFAULT kept).',
    apply(config) {
      config.destinations = config.destinations.filter(isDefault);
    },
  };
}
