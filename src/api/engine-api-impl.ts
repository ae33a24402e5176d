// The engine API on the engine's narrow core (engine-core.ts): queries and actions go to the
// core's queries and operations, and the API composes what front ends see from them (the
// status snapshot, a message with its headers, the listeners, the mail log files).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { systemStatus } from '../model/system-status.js';
import type { ApplianceConfig, HostPort, OperationalState } from '../model/config.js';
import type {
  AlertView,
  EngineApi,
  InboundHostRow,
  RemoteOutcome,
  WorkQueueView,
  EngineEventName,
  EngineEvents,
  HostRow,
  HostStatusView,
  ListenerView,
  MessageView,
  QueueGauges,
  RecipientPage,
  RecipientSelector,
  RollbackPoint,
  StatusSnapshot,
  SystemGauges,
} from './engine-api.js';
import type { EngineCore } from './engine-core.js';
import type { ForecastSnapshot } from '../model/forecast.js';
import type { SelfSignedSpec } from '../model/tables/certificates.js';
import type { SandboxControls } from '../sandbox/sandbox.js';
import type { ClusterPort } from './cluster-port.js';

/** How much of a message is searched for the end of its header section. */
const HEADERS_MAX = 64 * 1024;

export class EngineApiImpl implements EngineApi {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  get hostname(): string {
    return this.#core.config().hostname;
  }

  get dataDir(): string {
    return this.#core.dataDir;
  }

  get diagnostics(): EngineApi['diagnostics'] {
    return this.#core.diagnostics;
  }

  get sandbox(): SandboxControls | undefined {
    return this.#core.sandbox;
  }

  get cluster(): ClusterPort {
    return this.#core.cluster;
  }

  now(): number {
    return this.#core.now();
  }

  after(ms: number, fire: () => void): () => void {
    return this.#core.at(this.#core.now() + ms, fire);
  }

  config(): Readonly<ApplianceConfig> {
    return this.#core.config();
  }

  operational(): Readonly<OperationalState> {
    return this.#core.operational();
  }

  // ----- queries -----

  hostRows(): HostRow[] {
    return this.#core.queries.hostRows();
  }

  hostStatus(domain: string): HostStatusView | undefined {
    return this.#core.queries.hostStatus(domain);
  }

  gauges(): QueueGauges {
    return this.#core.queries.gauges();
  }

  statusSnapshot(detail: boolean): StatusSnapshot {
    const { queries } = this.#core;
    const { startedAt, lastReset, oldestArrival, counters, rates, ids, ...files } = queries.statusFacts(detail);
    return {
      now: this.now(),
      startedAt,
      lastReset,
      systemStatus: systemStatus(this.#core.operational()),
      oldestArrival,
      counters,
      ...(rates ? { rates } : {}),
      ids,
      gauges: queries.gauges(),
      ...files,
    };
  }

  queuedRecipients(selector: RecipientSelector, page: { offset?: number; limit?: number } = {}): Promise<RecipientPage> {
    return this.#core.queries.queuedRecipients(selector, page);
  }

  async message(mid: number): Promise<MessageView | undefined> {
    const queued = this.#core.queries.queuedMessage(mid);
    if (!queued) return undefined;
    let headers = '';
    try {
      const content = await this.#core.queries.storedContent(mid);
      const end = content.indexOf('\r\n\r\n');
      headers = content.subarray(0, end >= 0 ? end : Math.min(content.length, HEADERS_MAX)).toString('utf8');
    } catch (e) {
      headers = `(the message's spool file cannot be read: ${(e as Error).message})`;
    }
    return { ...queued, headers };
  }

  oldestMessage(): ReturnType<EngineApi['oldestMessage']> {
    return this.#core.queries.oldestMessage();
  }

  listenerViews(): ListenerView[] {
    const suspended = this.#core.operational().suspendedListeners;
    return this.#core.config().listeners.map((lc) => {
      const running = this.#core.queries.runningListener(lc.name);
      return {
        name: lc.name,
        host: lc.host,
        port: running?.port ?? lc.port,
        rat: lc.rat.filter((e) => e.action === 'ACCEPT').map((e) => e.pattern),
        suspended: suspended.includes(lc.name),
        openConnections: running?.openConnections ?? 0,
      };
    });
  }

  inboundConnections(names?: readonly string[]): number {
    return this.#core.queries.inboundConnections(names);
  }

  outboundConnections(scope: 'all' | 'suspended'): number {
    return this.#core.queries.outboundConnections(scope);
  }

  knownDomains(): string[] {
    return this.#core.queries.knownDomains();
  }

  async mailLogFiles(): Promise<string[]> {
    // grep and tail read the files: what was logged so far must be in them.
    const file = await this.#core.queries.writtenMailLog();
    const dir = path.dirname(file);
    const base = path.basename(file);
    const rotated = (await readdir(dir).catch(() => [] as string[]))
      .map((name) => ({ name, n: Number(name.slice(base.length + 1)) }))
      .filter(({ name, n }) => name.startsWith(`${base}.`) && Number.isInteger(n) && n > 0)
      .sort((a, b) => a.n - b.n)
      .map(({ name }) => path.join(dir, name));
    return [file, ...rotated];
  }

  systemGauges(): Promise<SystemGauges> {
    return this.#core.queries.systemGauges();
  }

  forecastSnapshot(): Promise<ForecastSnapshot> {
    return this.#core.queries.forecastSnapshot();
  }

  alerts(): readonly AlertView[] {
    return this.#core.queries.alerts();
  }

  workQueue(): WorkQueueView {
    return this.#core.queries.workQueue();
  }

  topInbound(): Promise<InboundHostRow[]> {
    return this.#core.queries.topInbound();
  }

  // ----- actions -----

  suspendListeners(names: readonly string[], delaySeconds: number): Promise<string[]> {
    return this.#core.operations.suspendListeners(names, delaySeconds);
  }

  resumeListeners(names: readonly string[]): Promise<string[]> {
    return this.#core.operations.resumeListeners(names);
  }

  suspendDelivery(domains: readonly string[]): Promise<void> {
    return this.#core.operations.suspendDelivery(domains);
  }

  resumeDelivery(domains: readonly string[]): Promise<boolean> {
    return this.#core.operations.resumeDelivery(domains);
  }

  deliverNow(domain?: string): number {
    return this.#core.operations.deliverNow(domain);
  }

  deleteRecipients(selector: RecipientSelector | { kind: 'message'; mid: number }): Promise<number> {
    return this.#core.operations.deleteRecipients(selector);
  }

  bounceRecipients(selector: RecipientSelector): Promise<number> {
    return this.#core.operations.bounceRecipients(selector);
  }

  redirectRecipients(target: HostPort): Promise<number> {
    return this.#core.operations.redirectRecipients(target);
  }

  resetCounters(): void {
    this.#core.operations.resetCounters();
  }

  applyConfig(next: ApplianceConfig): Promise<void> {
    return this.#core.operations.applyConfig(next);
  }

  saveRollbackPoint(config: ApplianceConfig, comment: string): Promise<number> {
    return this.#core.operations.saveRollbackPoint(config, comment);
  }

  rollbackPoints(): Promise<RollbackPoint[]> {
    return this.#core.operations.rollbackPoints();
  }

  storePrivateKey(pem: string): Promise<string> {
    return this.#core.operations.storePrivateKey(pem);
  }

  makeSelfSignedCertificate(spec: SelfSignedSpec): Promise<{ certificate: string; keyFile: string }> {
    return this.#core.operations.makeSelfSignedCertificate(spec);
  }

  pauseWorkQueue(reason: string): Promise<void> {
    return this.#core.operations.pauseWorkQueue(reason);
  }

  resumeWorkQueue(): Promise<number> {
    return this.#core.operations.resumeWorkQueue();
  }

  resetQueue(): Promise<{ messages: number; recipients: number }> {
    return this.#core.operations.resetQueue();
  }

  archiveMessage(mid: number): Promise<string | undefined> {
    return this.#core.operations.archiveMessage(mid);
  }

  rolloverMailLog(): Promise<void> {
    return this.#core.operations.rolloverMailLog();
  }

  connectTo(target: HostPort, options?: { localAddress?: string; timeoutMs?: number }): Promise<RemoteOutcome> {
    return this.#core.operations.connectTo(target, options);
  }

  // ----- events -----

  on<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void {
    return this.#core.on(event, listener);
  }
}
