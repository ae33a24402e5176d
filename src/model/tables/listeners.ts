// The listeners table: the one rule for a listener's name and for its address and port, its
// values, its list line, and the operations on the table as changes every front end records
// (`listenerconfig`, the web GUI). Its host and recipient access: host-access.ts, recipient-access.ts. Pure.
import { isIP } from 'node:net';
import { parseCommaList, type Parsed } from '../answers.js';
import { DEFAULT_PROFILE_NAME } from '../bounce-profile.js';
import { refuse, type ConfigChange } from '../change.js';
import { DEFAULT_LISTENER_LIMITS, type ApplianceConfig, type ListenerConfig, type ListenerType } from '../config.js';
import { integerField, type Field } from '../field.js';
import { formatCount } from '../format-count.js';
import { parseRelayHost } from '../relay-hosts.js';
import { DEMO_CERTIFICATE, findCertificate } from './certificates.js';

/** In the order NEW lists them (1. Private, 2. Public). */
export const LISTENER_TYPES: readonly ListenerType[] = ['Private', 'Public'];

export const LISTENER_NAME_IN_USE = 'Listener name already in use';
const NAME_REQUIRED = 'A listener name is required.';
const NAME_CHARACTERS = 'A listener name must start with a letter or "_" and contain only letters, digits, "_", "." and "-".';

// ----- reading the table -----

/** A listener of a configuration by name, case-insensitively. */
export function findListener(config: ApplianceConfig, name: string): ListenerConfig | undefined {
  return config.listeners.find((l) => l.name.toLowerCase() === name.toLowerCase());
}

export const listenerNames = (config: ApplianceConfig): string[] => config.listeners.map((l) => l.name);

/** The one rule for a listener's name, wherever a listener is created or renamed (`self`: the listener being renamed may keep its own). */
export function nameRefusal(config: ApplianceConfig, name: string, self?: string): string | undefined {
  if (name === '') return NAME_REQUIRED;
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) return NAME_CHARACTERS;
  const other = findListener(config, name);
  return other && other.name !== self ? LISTENER_NAME_IN_USE : undefined;
}

// ----- addresses (interfaces) and ports -----

export interface InterfaceChoice {
  name: string;
  address: string;
}

/** What the list line calls an address: the loopback, all addresses, or another one. */
export function interfaceName(address: string): string {
  if (address === '0.0.0.0' || address === '::') return 'All';
  if (address.startsWith('127.') || address === '::1') return 'Loopback';
  return 'Address';
}

/** The IP interfaces offered: loopback, all addresses, and any other address a listener uses. */
export function interfaceChoices(config: ApplianceConfig): InterfaceChoice[] {
  const addresses = ['127.0.0.1', '0.0.0.0', ...config.listeners.map((l) => l.host)];
  return [...new Set(addresses)].map((address) => ({ name: interfaceName(address), address }));
}

export const interfaceLabel = (c: InterfaceChoice): string => `${c.name} (${c.address})`;

/** How a form's select names an interface: `Loopback` (127.0.0.1), `All` (0.0.0.0), else its address. */
export function interfaceOption(address: string): string {
  if (address === '127.0.0.1') return 'Loopback';
  if (address === '0.0.0.0') return 'All';
  return address;
}

export const IP_ERROR = 'The IP address must be 4 numbers separated by a period (127.0.0.1), or an IPv6 address.';

/** An address to listen on: IPv4 or IPv6, as typed. */
export const addressField: Field<string> = {
  parse(text) {
    const t = text.trim().replace(/^\[(.*)\]$/, '$1');
    const version = isIP(t);
    if (version === 4) return { value: t };
    if (version === 6) return { value: t.toLowerCase() };
    return { error: IP_ERROR };
  },
  format: (v) => v,
};

/** An interface by its option (`Loopback`, `All`, an address in use) or any address typed; its choices are the options. */
export function interfaceField(config: ApplianceConfig): Field<string> {
  const options = interfaceChoices(config).map((c) => interfaceOption(c.address));
  return {
    parse(text) {
      const t = text.trim().toLowerCase();
      const picked = interfaceChoices(config).find((c) => interfaceOption(c.address).toLowerCase() === t);
      return picked ? { value: picked.address } : addressField.parse(text);
    },
    format: interfaceOption,
    choices: [...new Set(options)],
  };
}

/** 0 lets the system choose a free port (tests, trials). */
export const portField = integerField({ min: 0, max: 65_535 });

const overlaps = (a: string, b: string) => a === b || a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';

/** Another listener already on that address and port (port 0 never clashes). */
export function portRefusal(config: ApplianceConfig, host: string, port: number, self?: string): string | undefined {
  if (port === 0) return undefined;
  const other = config.listeners.find((l) => l.name !== self && l.port === port && overlaps(l.host, host));
  return other ? `Port ${port} is already used by the listener ${other.name} (${other.host}).` : undefined;
}

/** A port no listener of the configuration uses, from 2525 up (25 needs privileges): NEW's suggestion. */
export function freePort(config: ApplianceConfig): number {
  let port = 2525;
  while (config.listeners.some((l) => l.port === port)) port++;
  return port;
}

export const RELAY_HOSTS_REQUIRED = 'A Private listener needs at least one relay host: an address, a CIDR range or ALL.';

/** A Private listener's relay hosts: a comma list of addresses, CIDR ranges or ALL. */
export const relayHostsField: Field<string[]> = {
  parse: (text: string): Parsed<string[]> => parseCommaList(text, parseRelayHost),
  format: (v) => v.join(', '),
};

// ----- limits (LIMITS) -----

export const maxConnectionsField = integerField({ min: 1, max: 1_000 });
export const listenQueueField = integerField({ min: 1, max: 1_000 });

// ----- a whole listener -----

/** A new listener's settings before the dialog or the batch keys change them. */
export function newListener(name: string, host: string, port: number): ListenerConfig {
  return { name, type: 'Public', host, port, rat: [], relayHosts: [], bounceProfile: DEFAULT_PROFILE_NAME, ...DEFAULT_LISTENER_LIMITS };
}

/** Whether a listener fits the configuration it is put in (`self`: its name there before the change). */
export function listenerRefusal(config: ApplianceConfig, lc: ListenerConfig, self?: string): string | undefined {
  return (
    nameRefusal(config, lc.name, self) ??
    portRefusal(config, lc.host, lc.port, self) ??
    (Object.hasOwn(config.bounceProfiles, lc.bounceProfile) ? undefined : `There is no bounce profile named "${lc.bounceProfile}".`) ??
    (lc.certificate === undefined || findCertificate(config, lc.certificate) ? undefined : `There is no certificate named "${lc.certificate}".`)
  );
}

/** `1. IncomingMail (on Loopback, 127.0.0.1) SMTP TCP Port 2525 Public`; `port` is the bound one when known. */
export function listenerLine(index: number, lc: ListenerConfig, port: number): string {
  return `${index}. ${lc.name} (on ${interfaceName(lc.host)}, ${lc.host}) SMTP TCP Port ${port} ${lc.type}`;
}

// ----- the operations -----

export function createListener(lc: ListenerConfig): ConfigChange {
  const made = structuredClone(lc);
  return {
    description: `Created listener "${made.name}" on ${made.host}:${made.port} (${made.type}).`,
    apply(config) {
      const refusal = listenerRefusal(config, made);
      if (refusal) refuse(refusal);
      config.listeners.push(structuredClone(made));
    },
  };
}

/**
 * One edit of a listener, `Edited listener "<name>": <what>.`: `update` changes a copy of the
 * listener as it is when the change is applied (found by name), or returns its replacement; the
 * result must still fit.
 */
export function editListener(name: string, what: string, update: (lc: ListenerConfig, config: ApplianceConfig) => ListenerConfig | void): ConfigChange {
  return {
    description: `Edited listener "${name}": ${what}.`,
    apply(config) {
      const current = findListener(config, name) ?? refuse(`the listener "${name}" no longer exists`);
      const copy = structuredClone(current);
      const next = update(copy, config) ?? copy;
      const refusal = listenerRefusal(config, next, current.name);
      if (refusal) refuse(refusal);
      config.listeners[config.listeners.indexOf(current)] = next;
    },
  };
}

/** NAME: undefined when the name stays. A renamed listener keeps its socket and its suspension. */
export function renameListener(lc: ListenerConfig, to: string): ConfigChange | undefined {
  if (to === lc.name) return undefined;
  return editListener(lc.name, `name -> ${to}`, (l) => {
    l.name = to;
  });
}

/** INTERFACE: the address and port; undefined when both stay. */
export function moveListener(lc: ListenerConfig, host: string, port: number): ConfigChange | undefined {
  if (host === lc.host && port === lc.port) return undefined;
  return editListener(lc.name, `interface ${lc.host}:${lc.port} -> ${host}:${port}`, (l) => {
    l.host = host;
    l.port = port;
  });
}

/** LIMITS: concurrent connections and the TCP listen queue; undefined when both stay. */
export function setLimits(lc: ListenerConfig, maxConnections: number, listenQueue: number): ConfigChange | undefined {
  if (maxConnections === lc.maxConnections && listenQueue === lc.listenQueue) return undefined;
  const what = `maxConnections ${formatCount(lc.maxConnections)} -> ${formatCount(maxConnections)}, listenQueue ${formatCount(lc.listenQueue)} -> ${formatCount(listenQueue)}`;
  return editListener(lc.name, what, (l) => {
    l.maxConnections = maxConnections;
    l.listenQueue = listenQueue;
  });
}

/** BOUNCECONFIG: the bounce profile of the mail the listener accepts; undefined when it stays. */
export function setBounceProfile(lc: ListenerConfig, profile: string): ConfigChange | undefined {
  if (profile === lc.bounceProfile) return undefined;
  return editListener(lc.name, `bounce profile ${lc.bounceProfile} -> ${profile}`, (l) => {
    l.bounceProfile = profile;
  });
}

/**
 * TYPE: Public (accepts mail for its Recipient Access Table's recipients) or Private (relays any
 * recipient's mail for its relay hosts, which it must have); undefined when neither changes.
 */
export function setType(lc: ListenerConfig, type: ListenerType, relayHosts: readonly string[]): ConfigChange | undefined {
  const hosts = type === 'Private' ? [...relayHosts] : lc.relayHosts;
  if (type === lc.type && hosts.join(',') === lc.relayHosts.join(',')) return undefined;
  const what = [type !== lc.type ? `type ${lc.type} -> ${type}` : '', type === 'Private' ? `relay hosts ${hosts.join(', ')}` : ''].filter(Boolean).join(', ');
  return editListener(lc.name, what, (l) => {
    if (type === 'Private' && hosts.length === 0) refuse(RELAY_HOSTS_REQUIRED);
    l.type = type;
    l.relayHosts = [...hosts];
  });
}

/** CERTIFICATE: the certificate its STARTTLS presents; undefined when it stays. */
export function setListenerCertificate(lc: ListenerConfig, certificate: string): ConfigChange | undefined {
  if (certificate === (lc.certificate ?? DEMO_CERTIFICATE)) return undefined;
  return editListener(lc.name, `certificate ${lc.certificate ?? DEMO_CERTIFICATE} -> ${certificate}`, (l) => {
    l.certificate = certificate;
  });
}

/** A deleted listener stops accepting; the mail it accepted stays queued. */
export function deleteListener(name: string): ConfigChange {
  return {
    description: `Deleted listener "${name}".`,
    apply(config) {
      const current = findListener(config, name) ?? refuse(`the listener "${name}" no longer exists`);
      config.listeners = config.listeners.filter((l) => l !== current);
    },
  };
}
