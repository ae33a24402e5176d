// The appliance configuration: what `config.json` holds and what `commit` replaces atomically.
import { DEFAULT_BOUNCE_SETTINGS, DEFAULT_PROFILE_NAME, type StoredProfile } from '../bounce/profile.js';
import { mostSpecific } from '../domain-pattern.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface ListenerConfig {
  name: string;
  host: string;
  port: number;
  /** Recipient access table: domains this listener accepts mail for. */
  rat: string[];
  bounceProfile: string;
  maxMessageSize: number;
  maxRecipients: number;
  maxConnections: number;
  /** Seconds an idle client may wait before `421 4.4.2`. */
  idleTimeout: number;
}

export interface SmtpRoute {
  /** A domain pattern: a domain, `.domain` for its subdomains, `ALL` (src/domain-pattern.ts). */
  domain: string;
  hosts: HostPort[];
}

export interface DestinationConfig {
  /** A domain pattern (`example.com`, `.example.com`, ...) or `DEFAULT`. */
  domain: string;
  concurrency: number;
  bounceProfile?: string;
}

export interface UserConfig {
  name: string;
  role: 'admin' | 'operator' | 'guest';
  /** scrypt hash, `salt:hash` in hex. */
  passwordHash?: string;
  keys?: string[];
}

export interface CommitRecord {
  at: number;
  comment: string;
  changes: string[];
}

export interface ApplianceConfig {
  hostname: string;
  listeners: ListenerConfig[];
  routes: SmtpRoute[];
  bounceProfiles: Record<string, StoredProfile>;
  destinations: DestinationConfig[];
  queueMaxMessages: number;
  queueMaxMb: number;
  users: UserConfig[];
  commits: CommitRecord[];
}

/** Operational state that is not configuration (no commit needed) but survives restarts. */
export interface OperationalState {
  suspendedListeners: string[];
  deliverySuspended: boolean;
  /** Domains whose delivery is suspended (`ALL` for all). */
  suspendedDomains: string[];
  /** `redirectrecipients`: domains whose queued mail goes to another host, until none is queued. */
  redirects: { domain: string; host: string; port: number }[];
}

export const DEFAULT_LISTENER_LIMITS = {
  maxMessageSize: 10 * 1024 * 1024,
  maxRecipients: 1_000,
  maxConnections: 50,
  idleTimeout: 300,
} as const;

export const DEFAULT_CONCURRENCY = 10;

export function parseHostPort(text: string, what: string): HostPort {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 0 || port > 65_535) {
    throw new Error(`${what} must be HOST:PORT, e.g. 127.0.0.1:2525 (got "${text}")`);
  }
  return { host: m[1], port };
}

export function defaultConfig(): ApplianceConfig {
  return {
    hostname: 'mail.example.com',
    listeners: [
      {
        name: 'IncomingMail',
        host: '127.0.0.1',
        port: 2525,
        rat: ['example.com'],
        bounceProfile: DEFAULT_PROFILE_NAME,
        ...DEFAULT_LISTENER_LIMITS,
      },
    ],
    routes: [{ domain: 'ALL', hosts: [{ host: '127.0.0.1', port: 2526 }] }],
    bounceProfiles: { [DEFAULT_PROFILE_NAME]: { ...DEFAULT_BOUNCE_SETTINGS } },
    destinations: [{ domain: 'DEFAULT', concurrency: DEFAULT_CONCURRENCY }],
    queueMaxMessages: 1_000_000,
    queueMaxMb: 10_240,
    users: [],
    commits: [],
  };
}

export function defaultOperationalState(): OperationalState {
  return { suspendedListeners: [], deliverySuspended: false, suspendedDomains: [], redirects: [] };
}

/** Settings given on the command line: they seed or override the stored configuration. */
export interface StartOverrides {
  hostname?: string;
  listen?: HostPort;
  accept?: string[];
  route?: HostPort;
  queueMaxMessages?: number;
  queueMaxMb?: number;
}

export function applyOverrides(config: ApplianceConfig, o: StartOverrides): ApplianceConfig {
  const next = structuredClone(config);
  if (o.hostname) next.hostname = o.hostname;
  const first = next.listeners[0];
  if (first && o.listen) {
    first.host = o.listen.host;
    first.port = o.listen.port;
  }
  if (first && o.accept) first.rat = o.accept;
  if (o.route) {
    const all = next.routes.find((r) => r.domain.toUpperCase() === 'ALL');
    if (all) all.hosts = [o.route];
    else next.routes.push({ domain: 'ALL', hosts: [o.route] });
  }
  if (o.queueMaxMessages !== undefined) next.queueMaxMessages = o.queueMaxMessages;
  if (o.queueMaxMb !== undefined) next.queueMaxMb = o.queueMaxMb;
  return next;
}

/** The concurrency of the most specific destination setting for a domain, else `DEFAULT`'s. */
export function concurrencyFor(config: ApplianceConfig, domain: string): number {
  const own = mostSpecific(config.destinations, (d) => (d.domain === 'DEFAULT' ? undefined : d.domain), domain);
  const def = config.destinations.find((d) => d.domain === 'DEFAULT');
  return own?.concurrency ?? def?.concurrency ?? DEFAULT_CONCURRENCY;
}
