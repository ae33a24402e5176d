// The appliance configuration: what `config.json` holds and what `commit` replaces atomically.
import type { AlertSettings } from './alerts.js';
import { DEFAULT_BOUNCE_SETTINGS, DEFAULT_PROFILE_NAME, type StoredProfile } from './bounce-profile.js';
import { mostSpecific } from './domain-pattern.js';

export interface HostPort {
  host: string;
  port: number;
}

/** A custom SMTP reply (HAT banner / rejection, RAT entry): the code and the text after it. */
export interface SmtpResponse {
  code: number;
  text: string;
}

export type RatAction = 'ACCEPT' | 'REJECT';

/** One recipient access table entry (src/model/rat.ts matches them). */
export interface RatEntry {
  /** `example.com`, `.example.com`, `user@example.com`, `user@`, `[1.2.3.4]` or `ALL`. */
  pattern: string;
  action: RatAction;
  /** The reply a REJECT entry gives instead of `550 5.7.1 <address>: Relay access denied`. */
  response?: SmtpResponse;
}

/** Public: mail for the RAT's recipients from anyone. Private: mail for anyone from the relay hosts. */
export type ListenerType = 'Public' | 'Private';

export interface ListenerConfig {
  name: string;
  type: ListenerType;
  host: string;
  port: number;
  /** Recipient access table (Public listeners): which recipients are accepted or rejected. */
  rat: RatEntry[];
  /** Private listeners: the client addresses allowed to relay (`10.0.0.5`, `10.0.0.0/8`, `ALL`). */
  relayHosts: string[];
  bounceProfile: string;
  /** Limits of the listener (LIMITS): open sessions at once, and the TCP listen queue (kept, not applied). */
  maxConnections: number;
  listenQueue: number;
  /** The default HAT policy (HOSTACCESS DEFAULT). */
  maxMessageSize: number;
  maxRecipients: number;
  maxConnectionsPerHost: number;
  maxMessagesPerConnection: number;
  /** The hostname of the SMTP banner instead of the appliance's. */
  bannerHostname?: string;
  /** The greeting instead of `220 <hostname> ESMTP`. */
  acceptResponse?: SmtpResponse;
  /** The reply to a client a Private listener does not relay for, instead of the default 554. */
  rejectResponse?: SmtpResponse;
  /** Seconds an idle client may wait before `421 4.4.2`. */
  idleTimeout: number;
  /**
   * Seconds from one command line (or the greeting) to the end of the next: bytes trickled in
   * do not extend it (`421 4.4.2`, slowloris). Absent in configurations from before: the default.
   */
  commandTimeout?: number;
  /** Seconds a whole session may last (`421 4.4.2`, never while a message is being queued). Absent: the default. */
  sessionTimeout?: number;
  /** The default HAT policy's TLS: STARTTLS not offered, offered, or required before MAIL. Absent: off. */
  tls?: ListenerTls;
  /** The certificate STARTTLS presents (certconfig's name). Absent: the demo certificate. */
  certificate?: string;
  /** The default HAT policy's limits beyond the basic ones (HOSTACCESS DEFAULT): rate limiting, DHAP, SenderBase. Absent: none. */
  hatPolicy?: HatPolicy;
}

/**
 * The default HAT policy's rate limiting and harvest prevention (HOSTACCESS DEFAULT, block 2)
 * and its SenderBase settings (block 3). The listener honours the limits; the SenderBase
 * settings are stored and shown (there is no SenderBase here).
 */
export interface HatPolicy {
  /** Recipients accepted per hour from one remote host; past it RCPT gets the response (452). */
  rateLimit?: { recipientsPerHour: number; response?: SmtpResponse };
  /** Directory Harvest Attack Prevention: recipients the RAT rejects per hour from one host; past it the connection is dropped (421) or gets the response (550). */
  dhap?: { invalidPerHour: number; action: 'drop' | 'code'; response?: SmtpResponse };
  /** Recipients per envelope sender per interval; past it RCPT gets the response (452). */
  senderRateLimit?: { recipients: number; intervalMinutes: number; response?: SmtpResponse };
  /** Stored and shown. */
  senderBaseFlowControl?: boolean;
  /** Stored and shown: the significant bits of an address when hosts are grouped. */
  groupBits?: number;
}

/** A listener's TLS (HOSTACCESS "Do you want to allow encrypted TLS connections?"). */
export type ListenerTls = 'off' | 'preferred' | 'required';

/** Delivery's TLS to a destination (destconfig "use TLS support"). */
export type DeliveryTls = 'no' | 'preferred' | 'required' | 'preferred_verify' | 'required_verify';

/**
 * A certificate of the appliance (certconfig): the certificate and the chain it is sent with, as
 * PEM, and the name of its private key's file in the data dir's `keys/` (mode 0600). The key
 * itself is never in the configuration, so never in a commit record or a rollback point.
 */
export interface CertificateConfig {
  name: string;
  certificate: string;
  /** Intermediate certificates sent after it, in order (PEM). */
  chain: string[];
  /** `<sha-256 of the key>.key` in `keys/`. */
  keyFile: string;
}

/** A certificate authority delivery trusts besides the system's (certconfig CERTAUTHORITY). */
export interface CertificateAuthorityConfig {
  name: string;
  certificate: string;
}

/** One destination host of an SMTP route (`host`, `host:port`, `host/pri=N`, `[host]`). */
export interface RouteHost extends HostPort {
  /** `/pri=N`, 0-65535: lower is tried first; unset counts as 0. */
  priority?: number;
  /** `[host]`: the host's address records only, never its MX records. */
  addressOnly?: boolean;
}

export interface SmtpRoute {
  /** A domain pattern: a domain, `.domain` for its subdomains, `ALL` (src/model/domain-pattern.ts). */
  domain: string;
  /** The destination hosts as entered (empty for a USEDNS or /dev/null route). */
  hosts: RouteHost[];
  /** `USEDNS`: the domain's own MX records; `/dev/null`: mail is dropped as delivered. */
  special?: 'USEDNS' | '/dev/null';
}

export interface DestinationConfig {
  /** A domain pattern (`example.com`, `.example.com`, ...) or `DEFAULT`. */
  domain: string;
  /** Open delivery connections at most; unset: DEFAULT's. */
  concurrency?: number;
  /** Messages over one connection before it is closed and another opened; unset: DEFAULT's. */
  maxMessagesPerConnection?: number;
  /** The bounce profile of this domain's mail; unset: the message's (its listener's). */
  bounceProfile?: string;
  /** TLS to this domain; unset: DEFAULT's (DEFAULT unset: no TLS). */
  tls?: DeliveryTls;
}

/** The appliance's user roles (src/users/roles.ts says what each may do). */
export type UserRole = 'admin' | 'operator' | 'readonly' | 'guest' | 'technician' | 'helpdesk';

export interface UserConfig {
  name: string;
  fullName: string;
  role: UserRole;
  /** scrypt hash, `scrypt:<salt>:<hash>` in hex (src/users/passphrase.ts); absent: no password login. */
  passwordHash?: string;
  /** OpenSSH public keys (`ssh-ed25519 AAAA... comment`) that may log in as this user. */
  keys?: string[];
}

export interface CommitRecord {
  at: number;
  comment: string;
  changes: string[];
  /** The number of the configuration saved for `rollbackconfig` with this commit, if one was. */
  rollback?: number;
  /** In a cluster: the machine whose session committed (its rollback points are its own). */
  machine?: string;
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
  /**
   * userconfig POLICY: consecutive failed logins that lock an account (1 to 60; 0: accounts are
   * never locked). Absent: the appliance's default, 5 (src/users/lockout.ts).
   */
  accountLockFailures?: number;
  commits: CommitRecord[];
  /** bounceconfig SETUP: a host found down hard-bounces all mail queued for its domain at once. */
  bounceAllWhenHostDown: boolean;
  /** listenerconfig SETUP's global limit for concurrent connections across all listeners. Absent: DEFAULT_GLOBAL_MAX_CONNECTIONS. */
  globalMaxConnections?: number;
  /**
   * Names bounce profiles had before a rename, to the name now: mail queued under the old name
   * (a message keeps its listener's profile name) keeps its profile. Absent: no rename yet.
   */
  bounceProfileRenames?: Record<string, string>;
  /** Where the web GUI listens (`esa start --gui H:P`); absent: no web GUI. */
  gui?: HostPort;
  /** The appliance's certificates (certconfig); the demo certificate is made at the first start. Absent: none yet. */
  certificates?: CertificateConfig[];
  /** Certificate authorities delivery trusts besides the system's (certconfig CERTAUTHORITY). */
  certificateAuthorities?: CertificateAuthorityConfig[];
  /** The certificate delivery presents when a server asks for one (destconfig SETUP). Absent: the demo certificate. */
  deliveryCertificate?: string;
  /** destconfig SETUP: send an alert when a required TLS connection fails (stored; alerts are sent by the alert module). */
  tlsRequiredAlert?: boolean;
  /** The certificate the web GUI serves HTTPS with (certconfig SETUP). Absent: the GUI speaks plain HTTP. */
  guiCertificate?: string;
  /** alertconfig: who receives which alerts, duplicate suppression, the From: address; absent: the defaults, nobody. */
  alerts?: AlertSettings;
  /** rollbackconfig SETUP: false stops saving configurations for rollback at commit. Absent: saved (the appliance's default). */
  rollbackEnabled?: boolean;
  /** Resource conservation: receiving is suspended while the work queue holds this many messages (until below half). Absent: 10,000. */
  workQueueLimit?: number;
  /** logconfig: the mail log subscription (rollover size, files kept, level). Absent: the defaults. */
  mailLog?: MailLogSettings;
  /** deliveryconfig SETUP. Absent: the defaults. */
  delivery?: DeliverySettings;
}

/** The mail log subscription (logconfig EDIT). */
export interface MailLogSettings {
  /** The file is rolled over when it passes this many bytes. */
  maxFileSize?: number;
  /** Rolled-over files kept (`mail_logs.1` ...). */
  maxFiles?: number;
  /** Stored and shown; every event is logged whatever the level. */
  level?: 'Critical' | 'Warning' | 'Information' | 'Debug' | 'Trace';
}

/** The global delivery settings (deliveryconfig SETUP). */
export interface DeliverySettings {
  /** Outbound connections open at once over all destinations. */
  maxConcurrency?: number;
  /** Stored and shown: the interface delivery connects from (`Auto`: the system's choice). */
  interface?: string;
  /** Stored and shown: "Possible Delivery" (a message whose connection dropped after its data was sent counts as delivered). */
  possibleDelivery?: boolean;
  /** Stored and shown: the TLS share of the concurrency, and whether to go on without TLS at that limit. */
  maxTlsConcurrency?: number;
  connectWithoutTls?: boolean;
}

/** Operational state that is not configuration (no commit needed) but survives restarts. */
export interface OperationalState {
  suspendedListeners: string[];
  deliverySuspended: boolean;
  /** Domains whose delivery is suspended (`ALL` for all). */
  suspendedDomains: string[];
  /** `redirectrecipients`: domains whose queued mail goes to another host, until none is queued. */
  redirects: { domain: string; host: string; port: number }[];
  /** `workqueue pause`: received messages are held before delivery, since when and why. Absent: operational. */
  workQueuePause?: { reason: string; since: number };
}

export const DEFAULT_LISTENER_LIMITS = {
  maxMessageSize: 10 * 1024 * 1024,
  maxRecipients: 1_000,
  maxConnections: 50,
  listenQueue: 50,
  // Per client address: 50 connections trickling from one address leave 25 slots for real senders;
  // 25, not AsyncOS's 10, so the benchmark's 20 reused sessions from one address still all get in.
  maxConnectionsPerHost: 25,
  // AsyncOS ships 10; a million keeps reused sessions (the benchmark's) from being cut.
  maxMessagesPerConnection: 1_000_000,
  idleTimeout: 300,
  // RFC 5321 4.5.3.2: a server waits at least 5 minutes for the next command.
  commandTimeout: 300,
  sessionTimeout: 900,
} as const;

/** The appliance's global limit for concurrent inbound connections over all listeners (listenerconfig SETUP). */
export const DEFAULT_GLOBAL_MAX_CONNECTIONS = 300;

export const DEFAULT_CONCURRENCY = 10;
/** AsyncOS's default messages per connection. */
export const DEFAULT_MESSAGES_PER_CONNECTION = 50;

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
        type: 'Public',
        host: '127.0.0.1',
        port: 2525,
        rat: [{ pattern: 'example.com', action: 'ACCEPT' }],
        relayHosts: [],
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
    bounceAllWhenHostDown: false,
  };
}

export function defaultOperationalState(): OperationalState {
  return { suspendedListeners: [], deliverySuspended: false, suspendedDomains: [], redirects: [] };
}

/**
 * Settings given on the command line: they seed or override the stored configuration. Only
 * flags given explicitly are set here (the flags have no yargs defaults), so a restart without
 * flags never undoes a committed change.
 */
export interface StartOverrides {
  hostname?: string;
  listen?: HostPort;
  accept?: string[];
  route?: HostPort;
  queueMaxMessages?: number;
  queueMaxMb?: number;
  /** The web GUI's address; null (`--gui off`) turns a stored one off. */
  gui?: HostPort | null;
}

export function applyOverrides(config: ApplianceConfig, o: StartOverrides): ApplianceConfig {
  const next = structuredClone(config);
  if (o.hostname) next.hostname = o.hostname;
  const first = next.listeners[0];
  if (first && o.listen) {
    first.host = o.listen.host;
    first.port = o.listen.port;
  }
  if (first && o.accept) first.rat = o.accept.map((pattern) => ({ pattern, action: 'ACCEPT' as const }));
  if (o.route) {
    const all = next.routes.find((r) => r.domain.toUpperCase() === 'ALL');
    if (all) {
      all.hosts = [o.route];
      delete all.special;
    } else next.routes.push({ domain: 'ALL', hosts: [o.route] });
  }
  if (o.queueMaxMessages !== undefined) next.queueMaxMessages = o.queueMaxMessages;
  if (o.queueMaxMb !== undefined) next.queueMaxMb = o.queueMaxMb;
  if (o.gui === null) delete next.gui;
  else if (o.gui) next.gui = { host: o.gui.host, port: o.gui.port };
  return next;
}

const hostPortText = (h: HostPort) => `${h.host}:${h.port}`;

/** The first host of the default route (`ALL`), unless that route uses DNS or drops mail: where the sandbox's backend listens. */
export function defaultRouteHost(config: ApplianceConfig): HostPort | undefined {
  const all = config.routes.find((r) => r.domain.toUpperCase() === 'ALL');
  const first = all && !all.special ? all.hosts[0] : undefined;
  return first ? { host: first.host, port: first.port } : undefined;
}

/** The hosts of the default route (`ALL`) as one text, or undefined when there is none. */
function allRouteText(config: ApplianceConfig): string | undefined {
  const all = config.routes.find((r) => r.domain.toUpperCase() === 'ALL');
  if (!all) return undefined;
  return all.special ?? all.hosts.map(hostPortText).join(', ');
}

/**
 * One line per flag that changes the stored configuration (`--route 127.0.0.1:2600 overrides
 * the stored route 127.0.0.1:2526`), for the start-up report. A flag equal to what is stored
 * says nothing.
 */
export function describeOverrides(stored: ApplianceConfig, o: StartOverrides): string[] {
  const lines: string[] = [];
  const next = applyOverrides(stored, o);
  const say = (flag: string, value: string, what: string, before: string | undefined) =>
    lines.push(`--${flag} ${value} overrides the stored ${what} ${before ?? '(none)'}`);
  if (o.hostname !== undefined && next.hostname !== stored.hostname) say('hostname', o.hostname, 'hostname', stored.hostname);
  const [first, firstBefore] = [next.listeners[0], stored.listeners[0]];
  if (o.listen && first && firstBefore && (first.host !== firstBefore.host || first.port !== firstBefore.port)) {
    say('listen', hostPortText(o.listen), `address of listener ${firstBefore.name}`, hostPortText(firstBefore));
  }
  if (o.accept && first && firstBefore && JSON.stringify(first.rat) !== JSON.stringify(firstBefore.rat)) {
    const rat = firstBefore.rat.map((e) => (e.action === 'ACCEPT' ? e.pattern : `${e.pattern} ${e.action}`)).join(', ');
    say('accept', o.accept.join(','), `recipient access table of ${firstBefore.name}`, rat || '(empty)');
  }
  if (o.route && allRouteText(next) !== allRouteText(stored)) say('route', hostPortText(o.route), 'route', allRouteText(stored));
  if (o.queueMaxMessages !== undefined && next.queueMaxMessages !== stored.queueMaxMessages) {
    say('queue-max-messages', String(o.queueMaxMessages), 'queue limit', `${stored.queueMaxMessages} messages`);
  }
  if (o.queueMaxMb !== undefined && next.queueMaxMb !== stored.queueMaxMb) say('queue-max-mb', String(o.queueMaxMb), 'queue limit', `${stored.queueMaxMb} MB`);
  if (o.gui !== undefined && stored.gui && (next.gui?.host !== stored.gui.host || next.gui?.port !== stored.gui.port)) {
    say('gui', o.gui ? hostPortText(o.gui) : 'off', 'web GUI address', hostPortText(stored.gui));
  }
  return lines;
}

/** What delivery to one recipient domain uses: the most specific destination entry, then DEFAULT's, then built-in values. */
export interface DestinationSettings {
  concurrency: number;
  maxMessagesPerConnection: number;
  bounceProfile?: string;
  tls: DeliveryTls;
}

export function destinationSettings(config: ApplianceConfig, domain: string): DestinationSettings {
  const own = mostSpecific(config.destinations, (d) => (d.domain === 'DEFAULT' ? undefined : d.domain), domain);
  const def = config.destinations.find((d) => d.domain === 'DEFAULT');
  return {
    concurrency: own?.concurrency ?? def?.concurrency ?? DEFAULT_CONCURRENCY,
    maxMessagesPerConnection: own?.maxMessagesPerConnection ?? def?.maxMessagesPerConnection ?? DEFAULT_MESSAGES_PER_CONNECTION,
    bounceProfile: own?.bounceProfile,
    tls: own?.tls ?? def?.tls ?? 'no',
  };
}
