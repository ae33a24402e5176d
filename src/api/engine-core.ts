// What the engine API's implementation needs of a running engine: a narrow core that the engine
// provides (src/engine/assembly.ts), answering in the API's own views. The API never sees the
// engine's parts (queue, scheduler, listeners...), and src/api imports nothing of src/engine.
import type { ApplianceConfig, OperationalState } from '../model/config.js';
import type { SandboxControls } from '../sandbox/sandbox.js';
import type { ClusterPort } from './cluster-port.js';
import type { EngineApi, EngineEventName, EngineEvents, MessageView, StatusSnapshot } from './engine-api.js';

/** Queries the engine answers from its parts (src/engine/queries.ts). */
export interface EngineQueries
  extends Pick<
    EngineApi,
    | 'hostRows'
    | 'hostStatus'
    | 'gauges'
    | 'queuedRecipients'
    | 'oldestMessage'
    | 'inboundConnections'
    | 'outboundConnections'
    | 'knownDomains'
    | 'systemGauges'
    | 'forecastSnapshot'
    | 'alerts'
    | 'workQueue'
    | 'topInbound'
  > {
  /** What only the engine knows of `status`: start, counters, next ids, files kept, storage, the load. */
  statusFacts(detail: boolean): Omit<StatusSnapshot, 'now' | 'systemStatus' | 'gauges' | 'system'>;
  /** One queued message's envelope and recipients; undefined when it is not queued. */
  queuedMessage(mid: number): Omit<MessageView, 'headers'> | undefined;
  /** A queued message's content as its spool file holds it. */
  storedContent(mid: number): Promise<Buffer>;
  /** A running listener's bound port and open sessions; undefined when it does not run. */
  runningListener(name: string): { port: number; openConnections: number } | undefined;
  /** The current mail log file, once everything logged so far is written to it. */
  writtenMailLog(): Promise<string>;
}

/** Every operator action (src/engine/operations.ts). */
export type EngineOperations = Pick<
  EngineApi,
  | 'suspendListeners'
  | 'resumeListeners'
  | 'suspendDelivery'
  | 'resumeDelivery'
  | 'deliverNow'
  | 'deleteRecipients'
  | 'bounceRecipients'
  | 'redirectRecipients'
  | 'resetCounters'
  | 'applyConfig'
  | 'saveRollbackPoint'
  | 'rollbackPoints'
  | 'storePrivateKey'
  | 'makeSelfSignedCertificate'
  | 'pauseWorkQueue'
  | 'resumeWorkQueue'
  | 'resetQueue'
  | 'archiveMessage'
  | 'rolloverMailLog'
  | 'connectTo'
>;

export interface EngineCore {
  readonly dataDir: string;
  readonly diagnostics: EngineApi['diagnostics'];
  readonly sandbox?: SandboxControls;
  /** The cluster link (src/engine/cluster/cluster-link.ts). */
  readonly cluster: ClusterPort;
  /** Simulated now (epoch ms). */
  now(): number;
  /** Runs `fire` once simulated time reaches `at`; returns the cancel function. */
  at(at: number, fire: () => void): () => void;
  config(): ApplianceConfig;
  operational(): OperationalState;
  readonly queries: EngineQueries;
  readonly operations: EngineOperations;
  on<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void;
}
