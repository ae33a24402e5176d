// The values of listenerconfig's questions and batch keys: names, addresses, ports, sizes,
// hostnames, response codes; and the listener list line in the appliance's format. Pure.
import { isIP } from 'node:net';
import type { ApplianceConfig, ListenerConfig } from '../../../model/config.js';
import { parseRelayHost } from '../../../model/relay-hosts.js';
import { parseCommaList, parseInteger, type Parsed } from '../../../model/answers.js';

// ----- names -----

export const LISTENER_NAME_IN_USE = 'Listener name already in use';

export function listenerNameError(name: string): string | undefined {
  if (name === '') return 'A listener name is required.';
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
    return 'A listener name must start with a letter or "_" and contain only letters, digits, "_", "." and "-".';
  }
  return undefined;
}

/** A listener of a configuration by name, case-insensitively. */
export function findListener(config: ApplianceConfig, name: string): ListenerConfig | undefined {
  return config.listeners.find((l) => l.name.toLowerCase() === name.toLowerCase());
}

/** Why `name` cannot be given to a listener (other than `self`), or undefined. */
export function nameRefusal(config: ApplianceConfig, name: string, self?: string): string | undefined {
  const bad = listenerNameError(name);
  if (bad) return bad;
  const other = findListener(config, name);
  return other && other.name !== self ? LISTENER_NAME_IN_USE : undefined;
}

// ----- interfaces (addresses) and ports -----

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

export const IP_ERROR = 'The IP address must be 4 numbers separated by a period (127.0.0.1), or an IPv6 address.';

/** An address to listen on: IPv4 or IPv6, as typed. */
export function parseAddress(text: string): Parsed<string> {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  const version = isIP(t);
  if (version === 4) return { value: t };
  if (version === 6) return { value: t.toLowerCase() };
  return { error: IP_ERROR };
}

/** 0 lets the system choose a free port (tests, trials). */
export const parsePort = (text: string): Parsed<number> => parseInteger(text, 0, 65_535);

const overlaps = (a: string, b: string) => a === b || a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';

/** Another listener already on that address and port (port 0 never clashes). */
export function portRefusal(config: ApplianceConfig, host: string, port: number, self?: string): string | undefined {
  if (port === 0) return undefined;
  const other = config.listeners.find((l) => l.name !== self && l.port === port && overlaps(l.host, host));
  return other ? `Port ${port} is already used by the listener ${other.name} (${other.host}).` : undefined;
}

/** A Private listener's relay hosts: a comma list of addresses, CIDR ranges or ALL. */
export const parseRelayHosts = (text: string): Parsed<string[]> => parseCommaList(text, parseRelayHost);

// ----- sizes -----

const SIZE_MIN = 1024;
const SIZE_MAX = 100 * 1024 * 1024;
export const SIZE_ERROR = 'Value must be a size from 1k to 100M: a number of bytes, or with a trailing k (kilobytes) or M (megabytes).';

/** `10M`, `512k`, `1048576`: bytes. */
export function parseSize(text: string): Parsed<number> {
  const m = /^(\d+)\s*([kKmM]?)$/.exec(text.trim().replaceAll(',', ''));
  if (!m) return { error: SIZE_ERROR };
  const unit = m[2].toLowerCase() === 'm' ? 1024 * 1024 : m[2] ? 1024 : 1;
  const n = Number(m[1]) * unit;
  return n >= SIZE_MIN && n <= SIZE_MAX ? { value: n } : { error: SIZE_ERROR };
}

/** Bytes as a size answer: `10M`, `512k`, else the bytes. */
export function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}M`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

// ----- hostnames and response codes -----

export function parseHostname(text: string): Parsed<string> {
  const t = text.trim();
  const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
  if (t.length <= 253 && new RegExp(`^${label}(?:\\.${label})*$`).test(t)) return { value: t };
  return { error: 'Invalid hostname format: use letters, digits, "-" and dots (mail.example.com).' };
}

/** The codes a custom response may use: 2xx greets, 4xx/5xx refuse. */
export const parseCode = (kind: 'accept' | 'reject') => (text: string): Parsed<number> =>
  kind === 'accept' ? parseInteger(text, 200, 299) : parseInteger(text, 400, 599);

// ----- the listener list -----

/** `1. IncomingMail (on Loopback, 127.0.0.1) SMTP TCP Port 2525 Public`; `port` is the bound one when known. */
export function listenerLine(index: number, lc: ListenerConfig, port: number): string {
  return `${index}. ${lc.name} (on ${interfaceName(lc.host)}, ${lc.host}) SMTP TCP Port ${port} ${lc.type}`;
}
