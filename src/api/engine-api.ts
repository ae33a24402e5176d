// The engine API: the one interface through which commands, CLI sessions, the sandbox and
// front ends see and act on the engine. Queries return plain views (never live internals),
// actions go through the engine's single writers, and events say when something changed so
// that nothing has to poll. Nothing outside src/engine/ reaches the engine's parts.
import type { ApplianceConfig, HostPort, OperationalState } from '../model/config.js';
import type { RollbackPoint } from '../model/rollback.js';
import type { SelfSignedSpec } from '../model/tables/certificates.js';
import type { Diagnostics } from '../platform/diagnostics.js';
import type { ForecastSnapshot } from '../model/forecast.js';
import type { AlertView } from '../model/alerts.js';
import type { SandboxControls } from '../sandbox/sandbox.js';
import type { ClusterPort } from './cluster-port.js';

/** The counters of `status`, in the order it shows them (kept by src/engine/counters.ts). */
export const COUNTER_NAMES = [
  'messagesReceived',
  'recipientsReceived',
  'genBounceRecipients',
  'rejectedRecipients',
  'droppedMessages',
  'softBouncedEvents',
  'completedRecipients',
  'hardBouncedRecipients',
  'hardBouncedDns',
  'hardBounced5xx',
  'hardBouncedExpired',
  'hardBouncedFilter',
  'hardBouncedOther',
  'deliveredRecipients',
  'deletedRecipients',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

/** One counter since the last reset, since start, and over the appliance's life. */
export interface CounterColumns {
  reset: number;
  uptime: number;
  lifetime: number;
}

/** Why a recipient was hard-bounced (hoststatus counts each kind). */
export type HardBounceKind = 'dns' | '5xx' | 'expired' | 'filter' | 'other';

export type { RollbackPoint };
export type { AlertView };

/** One recipient host (domain) as `tophosts` shows it. */
export interface HostRow {
  domain: string;
  /** Marked down at the last delivery attempt. */
  down: boolean;
  activeRecipients: number;
  connectionsOut: number;
  deliveredRecipients: number;
  softBouncedEvents: number;
  hardBouncedRecipients: number;
}

/** One recipient host in detail (`hoststatus`). */
export interface HostStatusView extends HostRow {
  now: number;
  unattempted: number;
  attempted: number;
  /** Connections being opened now. */
  pendingConnections: number;
  completedRecipients: number;
  deletedRecipients: number;
  hardBounced: Record<HardBounceKind, number>;
  /** Arrival of the oldest message queued for the host. */
  oldestArrival?: number;
  /** The last delivery event for the host (attempt, delivery or bounce). */
  lastActivity?: number;
  /** Simulated ms of the next probe while down (or held after a TLS failure). */
  nextHostRetry?: number;
  /**
   * Set while the host answers but delivery to it is held because the TLS its destination
   * requires failed (it is not down): why, as the last attempt's reply says.
   */
  tlsFailure?: string;
  lastError4xx?: string;
  lastError5xx?: string;
  /** The SMTP route that applies to the host: its pattern and ordered destinations, or USEDNS / /dev/null. */
  route?: { domain: string; hosts: HostPort[]; special?: 'USEDNS' | '/dev/null' };
}

/** The gauges of `status` and the shell's status bar. */
export interface QueueGauges {
  connectionsIn: number;
  connectionsOut: number;
  activeRecipients: number;
  unattempted: number;
  attempted: number;
  destinations: number;
  hostsDown: number;
  queuedMessages: number;
  /** Messages received but not yet handed to delivery (written to the spool now). */
  messagesInWorkQueue: number;
  kilobytesUsed: number;
  kilobytesFree: number;
  /** The fuller of the queue's two storage limits (messages, bytes), in whole percent. */
  storageUsedPercent: number;
}

/** The machine's gauges of `status` (the `System` group), measured when asked. */
export interface SystemGauges {
  /** The engine process's resident memory against the machine's, in whole percent. */
  ramPercent: number;
  /** The 1-minute load average over the CPU count, in whole percent. */
  cpuPercent: number;
  /** Share of time the data dir's disk was busy since the previous measure (or since boot), in whole percent. */
  diskIoPercent: number;
  /** How full the file system of the mail logs is, in whole percent. */
  loggingDiskPercent: number;
  /** Bytes free there for the engine. */
  loggingDiskAvailable: number;
}

export interface StatusSnapshot {
  now: number;
  startedAt: number;
  /** undefined: never reset since start. */
  lastReset?: number;
  systemStatus: string;
  oldestArrival?: number;
  counters: Record<CounterName, CounterColumns>;
  /** Events per hour over 1, 5 and 15 minutes (status detail). */
  rates?: Partial<Record<CounterName, [number, number, number]>>;
  ids: { mid: number; icid: number; dcid: number };
  gauges: QueueGauges;
  /** The machine's gauges, when measured (status adds them from systemGauges()). */
  system?: SystemGauges;
  /** Damaged state files moved aside (`*.corrupt-*`) and kept for the operator to look at. */
  corruptFilesKept?: number;
  /** Spool files that failed their length/checksum check, moved to queue/corrupt/ (never delivered). */
  damagedSpoolFiles?: number;
  /** Set while the disk refuses writes (storage-short mode): what failed, why, since when (ms). */
  storageShort?: { what: string; reason: string; since: number };
  /** Set while the queue on disk is still being loaded after a start (it loads behind the open listeners). */
  queueLoading?: { messages: number; expectedMessages: number; ranges: number; rangesDone: number; stopped?: string };
}

/** Which queued recipients an operator action or listing is about. */
export type RecipientSelector = { kind: 'all' } | { kind: 'host'; host: string } | { kind: 'sender'; sender: string; caseSensitive?: boolean };

/** One queued recipient as `showrecipients` lists it. */
export interface QueuedRecipientView {
  mid: number;
  size: number;
  /** Envelope sender, '' for the null sender. */
  sender: string;
  rid: number;
  recipient: string;
  attempts: number;
  /** Simulated ms of the next attempt (0: due now). */
  nextAt: number;
  lastReply: string;
  arrival: number;
}

export interface RecipientPage {
  rows: QueuedRecipientView[];
  /** All recipients that match, on every page. */
  total: number;
}

export interface MessageView {
  mid: number;
  size: number;
  sender: string;
  arrival: number;
  icid: number;
  listener: string;
  profile: string;
  recipients: { rid: number; address: string; state: string; attempts: number; nextAt: number; lastReply: string }[];
  /** The header section as stored (after the appliance's Received: line). */
  headers: string;
}

export interface ListenerView {
  name: string;
  host: string;
  /** The bound port (the configured one, or what port 0 became). */
  port: number;
  /** The patterns its recipient access table accepts (ACCEPT entries). */
  rat: string[];
  suspended: boolean;
  openConnections: number;
}

/** The work queue (`workqueue`): received messages not yet handed to delivery. */
export interface WorkQueueView {
  /** Set while an operator holds the hand-off (`workqueue pause`): why, and since when. */
  paused?: { reason: string; since: number };
  /** Messages in it now: being written to the spool, or held while paused. */
  messages: number;
  /** Messages that entered it and left it (to delivery, or taken out by an action) since the start: `workqueue rate`. */
  entered: number;
  left: number;
  /** Resource conservation: receiving is suspended while it holds `limit` messages or more, until below half. */
  conserving: boolean;
  limit: number;
}

/** One client address's open inbound sessions on one listener (`topin`). */
export interface InboundHostRow {
  remoteIp: string;
  /** Its reverse DNS name, or `unknown`. */
  remoteHost: string;
  listener: string;
  connections: number;
}

/** A TCP connection the appliance opened (`telnet`): text both ways until either side closes. */
export interface RemoteConnection {
  /** Text from the remote host as it comes. */
  onData(listener: (text: string) => void): void;
  send(text: string): void;
  close(): void;
  /** Resolves when the connection is gone: closed by the remote host, or here. */
  readonly closed: Promise<'remote' | 'local'>;
}

/** How a connection attempt went: connected (to the address the name resolved to), or why not. */
export type RemoteOutcome =
  | { connected: RemoteConnection; address: string }
  | { failed: 'refused' | 'timeout' | 'unresolved' | 'unreachable' | 'other'; address?: string; message: string };

/** What changed, for front ends that show live state. */
export interface EngineEvents {
  /** Inbound or outbound connections opened or closed. */
  connections: [];
  /** A message entered or left the queue, or recipients were finished. */
  queue: [];
  /** A delivery worker ended: the schedule may have gone idle. */
  delivery: [];
  /** A line was written to the mail log (without its newline). */
  log: [line: string];
  /** An alert was raised (and kept for `displayalerts`; its mail is on its way). */
  alert: [alert: AlertView];
  /** The cluster link took a change in (a commit applied, the store lost or found again, membership). */
  cluster: [];
}

export type EngineEventName = keyof EngineEvents;

export interface EngineApi {
  readonly hostname: string;
  readonly dataDir: string;
  /** Simulated now (epoch ms): every date a command prints reads it. */
  now(): number;
  /** Runs `fire` once `ms` of simulated time have passed; returns the cancel function. */
  after(ms: number, fire: () => void): () => void;
  /** The running configuration (read-only: change it with applyConfig). */
  config(): Readonly<ApplianceConfig>;
  operational(): Readonly<OperationalState>;
  /** The sandbox's controls when the engine runs in `esa sandbox`. */
  readonly sandbox?: SandboxControls;
  /** The cluster this machine is in (`view()` undefined when it stands alone): clusterconfig, clustermode, commits to a level. */
  readonly cluster: ClusterPort;
  /** Where warnings and bugs go (stderr for `esa start`; the sandbox shows them in the shell); what was said so far. */
  readonly diagnostics: Diagnostics & { readonly warnings: readonly string[]; readonly warningCount: number };

  // ----- queries -----
  hostRows(): HostRow[];
  hostStatus(domain: string): HostStatusView | undefined;
  gauges(): QueueGauges;
  statusSnapshot(detail: boolean): StatusSnapshot;
  /** Queued recipients that match, in MID order; `offset`/`limit` page through them (a long walk runs in slices). */
  queuedRecipients(selector: RecipientSelector, page?: { offset?: number; limit?: number }): Promise<RecipientPage>;
  /** One queued message with its headers; undefined when it is not in the queue. */
  message(mid: number): Promise<MessageView | undefined>;
  /** The oldest message still queued. */
  oldestMessage(): { mid: number; arrival: number; sender: string; size: number; recipients: number } | undefined;
  listenerViews(): ListenerView[];
  /** Open inbound sessions of these listeners (all when omitted). */
  inboundConnections(names?: readonly string[]): number;
  /** Open delivery connections to domains whose delivery is suspended now (all when `all`). */
  outboundConnections(scope: 'all' | 'suspended'): number;
  /** Recipient domains the engine has queued mail for (or had, since start). */
  knownDomains(): string[];
  /** The mail log files, newest first (the current one, then rotated ones); lines logged before the call are in them. */
  mailLogFiles(): Promise<string[]>;
  /** Measures RAM, CPU and disk use now (status's System gauges). */
  systemGauges(): Promise<SystemGauges>;
  /** The queue as `forecast` needs it: the pending recipients (in groups) with their effective bounce profiles, the limits, the arrival rate. */
  forecastSnapshot(): Promise<ForecastSnapshot>;
  /** The alerts kept (the newest 50), newest first, with how their mail went (`displayalerts`). */
  alerts(): readonly AlertView[];
  /** The work queue: paused or not, how many messages, what entered and left it (`workqueue`). */
  workQueue(): WorkQueueView;
  /** Open inbound sessions by client address and listener, most first (`topin`). */
  topInbound(): Promise<InboundHostRow[]>;

  // ----- actions -----
  suspendListeners(names: readonly string[], delaySeconds: number): Promise<string[]>;
  resumeListeners(names: readonly string[]): Promise<string[]>;
  suspendDelivery(domains: readonly string[]): Promise<void>;
  /** Whether anything was resumed. */
  resumeDelivery(domains: readonly string[]): Promise<boolean>;
  /** Every queued recipient (of a domain, or all) is tried now; returns how many. */
  deliverNow(domain?: string): number;
  /** Removes recipients without a DSN (`deleterecipients`, `removemessage`); returns how many. */
  deleteRecipients(selector: RecipientSelector | { kind: 'message'; mid: number }): Promise<number>;
  /** Hard-bounces recipients now, with a DSN per their bounce profile; returns how many. */
  bounceRecipients(selector: RecipientSelector): Promise<number>;
  /** Sends every queued recipient to this host instead of its route; returns how many. */
  redirectRecipients(target: HostPort): Promise<number>;
  resetCounters(): void;
  /** Applies a whole new configuration atomically (commit) and persists it. */
  applyConfig(next: ApplianceConfig): Promise<void>;
  /**
   * Saves a configuration about to be committed for `rollbackconfig`; returns its number, which
   * the commit's record must carry (a point no commit names is never offered).
   */
  saveRollbackPoint(config: ApplianceConfig, comment: string): Promise<number>;
  /** The configurations saved for rollback that the commit history names, newest first (at most 10). */
  rollbackPoints(): Promise<RollbackPoint[]>;
  /**
   * Stores a private key (PEM, unencrypted) in the data dir's `keys/` (mode 0600) for a
   * certificate about to be recorded; returns the file's name, which the certificate names.
   * The key never enters the configuration.
   */
  storePrivateKey(pem: string): Promise<string>;
  /** Makes a key pair (stored as storePrivateKey does) and a self-signed certificate for it. */
  makeSelfSignedCertificate(spec: SelfSignedSpec): Promise<{ certificate: string; keyFile: string }>;
  /** Holds received messages in the work queue (`workqueue pause`); delivery of what is queued goes on. */
  pauseWorkQueue(reason: string): Promise<void>;
  /** Hands the held messages to delivery; returns how many. */
  resumeWorkQueue(): Promise<number>;
  /** Deletes every queued message (work queue and delivery), without DSNs, and resets the counters (`resetqueue`). */
  resetQueue(): Promise<{ messages: number; recipients: number }>;
  /** Writes a queued message to an mbox file in the data dir's `configuration/`; its name, or undefined when not queued. */
  archiveMessage(mid: number): Promise<string | undefined>;
  /** Rolls the mail log over now (`rollovernow`). */
  rolloverMailLog(): Promise<void>;
  /** Opens a TCP connection from the appliance (`telnet`); never rejects. */
  connectTo(target: HostPort, options?: { localAddress?: string; timeoutMs?: number }): Promise<RemoteOutcome>;

  // ----- events -----
  /** Subscribes; returns the function that unsubscribes. */
  on<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void;
}
