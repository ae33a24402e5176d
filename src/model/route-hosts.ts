// The destination hosts of an SMTP route as an operator types them and as they are printed:
// `host`, `host:port`, `host/pri=N`, `[host]` (address records only), or `USEDNS` / `/dev/null`
// alone; parsed and checked against the appliance's limits, and changed by ADD and REMOVE. Pure.
import type { RouteHost, SmtpRoute } from './config.js';
import { formatCount } from './format-count.js';
import { integerRangeError, splitCommaList, type Parsed } from './answers.js';

/** The appliance's limits (AsyncOS: 40,000 routes, the default route included). */
export const MAX_ROUTES = 40_000;
export const MAX_DESTINATIONS = 100;
export const STANDARD_PORT = 25;

export type RouteSpecial = NonNullable<SmtpRoute['special']>;

/** A route's destinations: hosts in the order typed, or one special word. */
export interface RouteDestinations {
  hosts: RouteHost[];
  special?: RouteSpecial;
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'i');
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const NUMERIC = /^[\d.]+$/;
// name, optional :port, optional /pri=N; the name may be bracketed.
const ENTRY = /^(\[[^\]]*\]|[^:/[\]]+)(?::([^/]*))?(?:\/pri=(.*))?$/i;

const isIpv4 = (name: string): boolean => {
  const m = IPV4.exec(name);
  return m !== null && m.slice(1).every((octet) => Number(octet) <= 255);
};

function specialWord(text: string): RouteSpecial | undefined {
  const t = text.trim();
  if (t.toUpperCase() === 'USEDNS') return 'USEDNS';
  if (t.toLowerCase() === '/dev/null') return '/dev/null';
  return undefined;
}

/** One typed destination host. */
export function parseRouteHost(text: string): Parsed<RouteHost> {
  const t = text.trim();
  const m = ENTRY.exec(t);
  if (!m) return { error: `Invalid hostname format "${t}".` };
  const bracketed = m[1].startsWith('[');
  const name = bracketed ? m[1].slice(1, -1).trim() : m[1].trim();
  if (!name || (!isIpv4(name) && (!HOSTNAME.test(name) || IPV4.test(name)))) return { error: `Invalid hostname format "${t}".` };
  // Digits and dots only is an IP address, not a name (a top-level domain is never numeric).
  if (NUMERIC.test(name) && !isIpv4(name)) return { error: `Invalid hostname format "${t}": an IP address is 4 numbers from 0 to 255 (a.b.c.d).` };
  const host: RouteHost = { host: name.toLowerCase(), port: STANDARD_PORT };
  if (m[2] !== undefined) {
    const port = /^\d{1,5}$/.test(m[2]) ? Number(m[2]) : NaN;
    if (!(port >= 1 && port <= 65_535)) return { error: `The port of "${t}": ${integerRangeError(1, 65_535)}` };
    host.port = port;
  }
  if (m[3] !== undefined) {
    const pri = /^\d{1,5}$/.test(m[3]) ? Number(m[3]) : NaN;
    if (!(pri >= 0 && pri <= 65_535)) return { error: `The priority of "${t}": ${integerRangeError(0, 65_535)}` };
    host.priority = pri;
  }
  if (bracketed) host.addressOnly = true;
  return { value: host };
}

/**
 * A host list checked as a whole: no host twice (a host has one port in a route), at most
 * MAX_DESTINATIONS. The appliance's wording.
 */
export function checkHosts(hosts: readonly RouteHost[]): string | undefined {
  if (hosts.length > MAX_DESTINATIONS) return `Routes may not contain more than ${formatCount(MAX_DESTINATIONS)} destinations.`;
  const seen = new Map<string, number>();
  for (const h of hosts) {
    const port = seen.get(h.host);
    if (port !== undefined) {
      return port === STANDARD_PORT ? `The host ${h.host} is already using the standard port.` : `The host ${h.host} already has an alternate port (${port}).`;
    }
    seen.set(h.host, h.port);
  }
  return undefined;
}

/** A comma list of destinations as typed at NEW or REPLACE (or given in a batch line). */
export function parseDestinations(text: string): Parsed<RouteDestinations> {
  const items = splitCommaList(text);
  if (items.length === 0) return { error: 'You must enter at least one destination host.' };
  const specials = items.map(specialWord);
  const special = specials.find((s) => s !== undefined);
  if (special) {
    if (items.length > 1) return { error: `${special} must be entered by itself.` };
    return { value: { hosts: [], special } };
  }
  const hosts: RouteHost[] = [];
  for (const item of items) {
    const p = parseRouteHost(item);
    if ('error' in p) return p;
    hosts.push(p.value);
  }
  const error = checkHosts(hosts);
  return error ? { error } : { value: { hosts } };
}

/** ADD: more hosts after the route's own. */
export function addDestinations(route: RouteDestinations, text: string): Parsed<RouteDestinations> {
  const added = parseDestinations(text);
  if ('error' in added) return added;
  if (added.value.special) return { error: `${added.value.special} must be entered by itself: use REPLACE.` };
  if (route.special) return { error: `This route uses ${route.special}: use REPLACE to give it hosts.` };
  const hosts = [...route.hosts, ...added.value.hosts];
  const error = checkHosts(hosts);
  return error ? { error } : { value: { hosts } };
}

/** Whether REMOVE can take a host away: a route keeps at least one destination. */
export const canRemoveHost = (route: RouteDestinations): boolean => !route.special && route.hosts.length > 1;

/** REMOVE by the hosts' names (`host` or as listed, `host:port/pri=N`): each must be in the route, and one must stay. */
export function removeDestinations(route: RouteDestinations, text: string): Parsed<RouteDestinations> {
  if (route.special) return { error: `This route uses ${route.special}: use replace.` };
  let hosts = route.hosts;
  for (const item of splitCommaList(text)) {
    const typed = parseRouteHost(item);
    const name = 'value' in typed ? typed.value.host : item.toLowerCase();
    const i = hosts.findIndex((h) => formatRouteHost(h).toLowerCase() === item.toLowerCase() || h.host === name);
    if (i < 0) return { error: `The destination ${item} is not in this route.` };
    hosts = hosts.filter((_, j) => j !== i);
  }
  if (hosts.length === 0) return { error: 'A route must keep at least one destination: use replace, or delete the route.' };
  return { value: { hosts } };
}

/** One destination host as a form's row gives it: the host (or USEDNS, /dev/null), its port and priority, each as typed. */
export interface DestinationRow {
  host: string;
  port: string;
  priority: string;
}

/**
 * A route's destinations from a form's rows, by the rules of the typed list: a row is
 * `host:port/pri=N` (port and priority optional); blank rows are left out; USEDNS or /dev/null
 * stands alone.
 */
export function parseDestinationRows(rows: readonly DestinationRow[]): Parsed<RouteDestinations> {
  const given = rows.map((r) => ({ host: r.host.trim(), port: r.port.trim(), priority: r.priority.trim() })).filter((r) => r.host || r.port || r.priority);
  const items: string[] = [];
  for (const r of given) {
    if (!r.host) return { error: 'Enter the destination host of each row that has a port or a priority.' };
    const special = specialWord(r.host);
    if (special && (r.port || r.priority)) return { error: `${special} takes no port or priority.` };
    items.push(`${r.host}${r.port ? `:${r.port}` : ''}${r.priority ? `/pri=${r.priority}` : ''}`);
  }
  return parseDestinations(items.join(', '));
}

/** A route's destinations as a form's rows (the port always written, an unset priority empty). */
export function destinationRows(route: RouteDestinations): DestinationRow[] {
  if (route.special) return [{ host: route.special, port: '', priority: '' }];
  return route.hosts.map((h) => ({
    host: h.addressOnly ? `[${h.host}]` : h.host,
    port: String(h.port),
    priority: h.priority === undefined ? '' : String(h.priority),
  }));
}

export function formatRouteHost(h: RouteHost): string {
  const name = h.addressOnly ? `[${h.host}]` : h.host;
  const port = h.port === STANDARD_PORT ? '' : `:${h.port}`;
  const pri = h.priority === undefined ? '' : `/pri=${h.priority}`;
  return `${name}${port}${pri}`;
}

/** `a.example.com, b.example.com:2525`, or the special word. */
export function formatDestinations(route: RouteDestinations): string {
  return route.special ?? route.hosts.map(formatRouteHost).join(', ');
}
