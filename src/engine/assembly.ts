// Builds a running engine's parts once, in order, each given everything it needs when it is
// constructed: the data dir checked and locked, the configuration, the mail log, the ids, the
// queue (opened: its ranges on disk, names only), delivery, bounces, listeners, then the
// operations and queries the engine API stands on, and the API itself. Nothing is wired in later.
import path from 'node:path';
import { EngineApiImpl } from '../api/engine-api-impl.js';
import type { EngineApi } from '../api/engine-api.js';
import type { EngineCore } from '../api/engine-core.js';
import {
  applyOverrides,
  DEFAULT_GLOBAL_MAX_CONNECTIONS,
  describeOverrides,
  type ApplianceConfig,
  type OperationalState,
  type StartOverrides,
} from '../model/config.js';
import { migrateListeners } from '../model/listener-migration.js';
import { domainOf } from '../model/rat.js';
import { CollectedDiagnostics, stderrDiagnostics, type Diagnostics } from '../platform/diagnostics.js';
import type { SandboxControls, SandboxSeat } from '../sandbox/sandbox.js';
import { BounceGenerator, type BounceHost } from './bounce/bounce-generator.js';
import type { BounceSink } from './bounce/bounce-sink.js';
import { SimClock } from './clock.js';
import { Counters } from './counters.js';
import type { Destination } from './delivery/destination.js';
import { Redirects } from './delivery/redirects.js';
import { DeliveryScheduler } from './delivery/scheduler.js';
import { EventBus } from './event-bus.js';
import { DataDirLock } from '../platform/data-dir-lock.js';
import { makeDurableDir } from './fs/durable-dir.js';
import { StorageHealth } from './fs/storage-health.js';
import { assertSafeDataDir } from '../platform/strict-modes.js';
import { assertDataDirLayout } from '../platform/data-dir-layout.js';
import { idsAfterLogs } from './log/highest-ids.js';
import { MailLog } from './log/mail-log.js';
import { EngineOperations } from './operations.js';
import { EngineQueries } from './queries.js';
import { GeneratedMail } from './queue/generated-mail.js';
import { IdAllocator } from './queue/ids.js';
import type { QueuedMessage } from './queue/message.js';
import { MailQueue } from './queue/queue.js';
import { QueueRecords } from './queue/records.js';
import { RunningListeners } from './smtp/running-listeners.js';
import { WorkQueue } from './queue/work-queue.js';
import { removeStaleTemps } from './state/durable-json-file.js';
import { StateFile } from './state/state-file.js';
import { RollbackStore } from './state/rollback-store.js';
import { referencedPoints } from '../model/rollback.js';
import { SystemMeter } from './system-meter.js';
import { EngineAlerts } from './alerts/engine-alerts.js';
import type { ForecastSnapshot } from '../model/forecast.js';
import { KeyStore } from './tls/key-store.js';
import { keyFilesOf, makeDemoCertificate } from './tls/certificate-maker.js';
import { TlsCredentials } from './tls/tls-credentials.js';
import { ClusterLink } from './cluster/cluster-link.js';

export interface EngineOptions {
  dataDir: string;
  overrides?: StartOverrides;
  timeScale?: number;
  /** Start the simulated clock here instead of now (tests). */
  clockStart?: number;
  /** Where warnings and bugs go (default: stderr, as `esa start`). */
  diagnostics?: Diagnostics;
  /** How long a start loads the queue before the listeners open (default 300 ms; the rest loads behind them). */
  foregroundLoadMs?: number;
  /** Tests: awaited before each range the background load takes (to look at the engine while it loads). */
  beforeQueueRange?: (rangesDone: number, ranges: number) => Promise<void>;
  /** Shorthand for tests: warnings only, to this function. */
  warn?: (line: string) => void;
  /** Echo mail log lines (the foreground engine: stdout). */
  echoLog?: (line: string) => void;
  /** Builds the bounce sink (tests replace the DSN generator). */
  bounces?: (host: BounceHost) => BounceSink;
  /** `esa sandbox`: the built-in backend and traffic injector, attached once the engine runs. */
  sandbox?: SandboxControls & { attach(seat: SandboxSeat): void };
  /** Real ms a delivery connection lingers idle before QUIT. */
  connectionLingerMs?: number;
  connectTimeoutMs?: number;
  /** The mail log is rotated when it passes this many bytes (default 10 MB). */
  logRotateBytes?: number;
  /** Real ms between storage probes while the disk refuses writes (default 1 s). */
  storageProbeMs?: number;
  /** Real ms between the periodic saves of counters and clock offset and the data dir lock checks (default 5 s). */
  periodicSaveMs?: number;
  /** How many rotated mail logs are kept (default 5). */
  logKeep?: number;
  /** `--cluster nats://host:port`: join the cluster whose store is there (or create one); a member's data dir remembers its cluster. */
  cluster?: string;
  /** Tests: awaited just before a cluster commit's write goes to the store (to cut the store then). */
  beforeClusterWrite?: () => Promise<void>;
}

/** Every part of a running engine. Only src/engine/ sees them (tests through test-seam.ts). */
export interface EngineParts {
  readonly options: EngineOptions;
  readonly dataDir: string;
  /** Simulated ms of this start. */
  readonly startedAt: number;
  /** One line per start flag that changed the stored configuration (`esa: --route ... overrides ...`). */
  readonly overrideReport: readonly string[];
  readonly lock: DataDirLock;
  readonly diagnostics: CollectedDiagnostics;
  readonly clock: SimClock;
  readonly state: StateFile;
  /** Whether the data dir can be written (storage-short mode: 452 4.3.1, status, probes). */
  readonly storage: StorageHealth;
  readonly log: MailLog;
  readonly counters: Counters;
  readonly ids: IdAllocator;
  readonly queue: MailQueue;
  readonly records: QueueRecords;
  readonly events: EventBus;
  readonly bounces: BounceSink;
  /** Messages the appliance generates (DSNs) enter the queue here. */
  readonly generated: GeneratedMail;
  readonly scheduler: DeliveryScheduler;
  readonly redirects: Redirects;
  readonly listeners: RunningListeners;
  /** The private keys (`keys/`) and what TLS uses of the configuration (listeners, delivery). */
  readonly keys: KeyStore;
  readonly tls: TlsCredentials;
  /** The alerts: raised from what the parts tell, kept for displayalerts, mailed on their own path. */
  readonly alerts: EngineAlerts;
  /** Received messages between their 250 and delivery (held while `workqueue pause`). */
  readonly workQueue: WorkQueue;
  /** The cluster this machine is in, if any: its configuration comes from there. */
  readonly cluster: ClusterLink;
  readonly operations: EngineOperations;
  readonly queries: EngineQueries;
  readonly api: EngineApi;
  /** The running configuration and operational state (a commit replaces the configuration object). */
  config(): ApplianceConfig;
  operational(): OperationalState;
  /** Persists counters, the simulated clock offset and the queue summary with the configuration (and the id reservation). */
  saveState(): Promise<void>;
}

function diagnosticsOf(options: EngineOptions): Diagnostics {
  if (options.diagnostics) return options.diagnostics;
  if (options.warn) {
    const warn = options.warn;
    return { warn, bug: stderrDiagnostics.bug };
  }
  return stderrDiagnostics;
}

/**
 * Builds every part on its data dir: permissions checked (strict modes) and the lock taken
 * before anything is read. On a failure what was opened is closed and the lock released.
 */
export async function assembleParts(options: EngineOptions): Promise<EngineParts> {
  const dataDir = path.resolve(options.dataDir);
  // A directory where a file belongs (or the reverse) is named in one line, before the lock.
  await assertDataDirLayout(dataDir);
  await assertSafeDataDir(dataDir);
  await makeDurableDir(dataDir);
  const lock = new DataDirLock(dataDir);
  await lock.acquire();
  const diagnostics = new CollectedDiagnostics(diagnosticsOf(options));
  const clock = new SimClock({ scale: options.timeScale ?? 1, start: options.clockStart });
  const state = new StateFile(dataDir);
  const warn = (line: string) => diagnostics.warn(line);
  const storage = new StorageHealth({
    dir: dataDir,
    log: (line) => {
      log.info(line);
      warn(line);
    },
    probeMs: options.storageProbeMs,
  });
  const storageFailed = (what: string, e: unknown) => storage.failed(what, e);
  const log = new MailLog({
    dir: path.join(dataDir, 'logs'),
    clock,
    echo: options.echoLog,
    rotateBytes: options.logRotateBytes,
    keep: options.logKeep,
    warn,
    storageFailed,
  });
  let openedCluster: ClusterLink | undefined;
  try {
    // Temp files of a writer that died (we hold the lock: no other writer is alive).
    await removeStaleTemps(dataDir);
    const corrupt = await state.load();
    if (corrupt) diagnostics.warn(corrupt);
    const stored = state.data;
    const migrated = migrateListeners(stored.config);
    // What the flags change in a stored configuration (a new data dir: they only seed it).
    const overrideReport = state.found ? describeOverrides(migrated, options.overrides ?? {}) : [];
    stored.config = applyOverrides(migrated, options.overrides ?? {});
    if (options.clockStart === undefined && stored.clockOffsetMs > 0) clock.advance(stored.clockOffsetMs);
    // A member reads its cluster's configuration before anything below uses the configuration.
    const cluster = new ClusterLink({
      clock,
      log,
      warn,
      state,
      applyConfig: (next) => operations.applyConfig(next),
      save: () => state.save(),
      changed: () => events.emit('cluster'),
      beforeWrite: options.beforeClusterWrite,
    });
    openedCluster = cluster;
    await cluster.catchUp(options.cluster, options.overrides ?? {});
    const startedAt = clock.now();
    stored.startedAt = startedAt;
    const config = () => state.data.config;
    const operational = () => state.data.operational;
    // The mail log's rollover as the configuration has it (logconfig), else as the options say.
    log.setRotation(stored.config.mailLog?.maxFileSize, stored.config.mailLog?.maxFiles);
    // Certificates: the demo one on a new data dir; keys no configuration names any more (a
    // certificate pasted in a session that never committed) removed; the keys in use read.
    const keys = new KeyStore(dataDir);
    await makeDemoCertificate(stored.config, keys);
    const rollbackConfigs = (await new RollbackStore(dataDir).list(referencedPoints(stored.config))).map((p) => p.config);
    await keys.prune(new Set([stored.config, ...rollbackConfigs].flatMap(keyFilesOf)));
    const tls = new TlsCredentials(keys, config);
    await tls.prepare(stored.config).catch((e: Error) => warn(`${e.message}: what uses that certificate goes without TLS until it is replaced (certconfig)`));
    const counters = new Counters(() => clock.now(), startedAt, stored.lifetimeCounters);
    await log.open();
    const ids = new IdAllocator(
      stored.ids,
      () => state.save(),
      (e) => {
        if (!storage.failed('config.json', e)) warn(`cannot save the id reservation in ${state.file}: ${(e as Error).message}`);
      },
    );
    // The scheduler's destinations, which the queue reads too.
    const destinations = new Map<string, Destination>();
    // Alerts: told by the queue (its level), storage health, the scheduler's host states and
    // the operations; what they read of later parts is read once the engine runs.
    const alerts: EngineAlerts = new EngineAlerts({
      dataDir,
      clock,
      log,
      announce: (alert) => events.emit('alert', alert),
      config,
      storage,
      dcid: () => ids.take('dcid'),
      connectTimeoutMs: options.connectTimeoutMs,
      warn,
      snapshots: (domains): Promise<Map<string, ForecastSnapshot>> => queries.domainForecasts(domains),
      storageNow: (): Omit<ForecastSnapshot, 'recipients' | 'profiles'> => queries.forecastStorage(),
      isDown: (domain) => destinations.get(domain)?.down === true,
    });
    const queue = new MailQueue(path.join(dataDir, 'queue'), {
      limits: () => ({ maxMessages: config().queueMaxMessages, maxBytes: config().queueMaxMb * 1024 * 1024 }),
      log,
      warn,
      storageFailed,
      storageShort: () => storage.short !== null || !ids.canTakeMid(),
      // Content of mail for a host that is down would sit in the cache unused until evicted.
      cacheFor: (envelope) => !envelope.to.some((a) => destinations.get(domainOf(a))?.down),
      levels: alerts.queueLevels,
    });
    const opened = await queue.open(stored.queueSummary);
    // A full disk does not keep the engine from starting: it starts refusing mail (452).
    // Past the ids the mail log names too: after a lost config.json, log ids do not repeat.
    const logged = await idsAfterLogs([log.file, `${log.file}.1`]);
    // New MIDs start past every range on disk (buckets.ts), so they never share one with
    // messages still loading in the background.
    await ids.open({ ...logged, mid: Math.max(logged.mid, opened.firstFreeMid) }).catch((e: unknown) => {
      if (!storage.failed('config.json', e)) throw e;
    });
    // Spool files placed ahead at upcoming MIDs' names: a message's write is then its only step.
    queue.spool.placeAhead(() => (ids.canTakeMid() ? ids.take('mid') : undefined));

    const events = new EventBus();
    const records = new QueueRecords({ counters, now: () => clock.now(), changed: (msg) => queue.changed(msg) });
    // A message durably queued (received or generated) is scheduled. Called only once the
    // engine runs, when the scheduler below exists.
    const queued = (msg: QueuedMessage) => {
      scheduler.add(msg);
      events.emit('queue');
    };
    const generated = new GeneratedMail({ clock, log, counters, queue, ids, queued });
    const host: BounceHost = {
      clock,
      log,
      records,
      get config() {
        return config();
      },
      get hostname() {
        return config().hostname;
      },
      content: (mid) => queue.content(mid),
      submitGenerated: (from, to, content, extra) => generated.submit(from, to, content, extra),
    };
    const bounces = options.bounces?.(host) ?? new BounceGenerator(host);
    const redirects = new Redirects(operational, destinations);
    const scheduler = new DeliveryScheduler({
      clock,
      log,
      counters,
      queue,
      records,
      ids,
      diagnostics,
      config,
      operational,
      bounces,
      redirect: (domain) => redirects.forConnection(domain),
      events: { connections: () => events.emit('connections'), queue: () => events.emit('queue'), delivery: () => events.emit('delivery') },
      connectionLingerMs: options.connectionLingerMs,
      connectTimeoutMs: options.connectTimeoutMs,
      tlsContext: () => tls.deliveryContext(),
      destinations,
      hostMarked: (dest, down) =>
        alerts.marked({
          domain: dest.domain,
          down,
          heldForTls: dest.heldForTls,
          downUntil: dest.downUntil,
          lastError: () => dest.counters.lastError4xx || undefined,
        }),
    });
    // Received mail goes to delivery through the work queue (workqueue pause holds it there).
    const workQueue = new WorkQueue({
      clock,
      log,
      records,
      config,
      operational,
      deliver: (msg) => scheduler.add(msg),
      saveState: () => saveState(),
      changed: () => events.emit('queue'),
      writing: () => queue.writing,
    });
    const listeners = new RunningListeners({
      clock,
      log,
      counters,
      queue,
      ids,
      hostname: () => config().hostname,
      // Suspended by the operator, or by resource conservation (the work queue at its limit).
      isSuspended: (name) => operational().suspendedListeners.includes(name) || workQueue.conserving,
      accepted: (msg) => {
        workQueue.handoff(msg);
        events.emit('queue');
      },
      connectionsChanged: () => events.emit('connections'),
      globalMaxConnections: () => config().globalMaxConnections ?? DEFAULT_GLOBAL_MAX_CONNECTIONS,
    });
    const saveState = async (): Promise<void> => {
      const s = state.data;
      s.lifetimeCounters = counters.lifetimeSnapshot();
      s.clockOffsetMs = Math.max(0, clock.now() - Date.now());
      // While the queue still loads, the summary saved at the last start still holds for what is not loaded.
      if (!queue.loading) s.queueSummary = { messages: queue.count, bytes: queue.bytes };
      await ids.save();
    };
    const operations = new EngineOperations({
      dataDir,
      clock,
      log,
      state,
      counters,
      ids,
      queue,
      scheduler,
      bounces,
      redirects,
      listeners,
      events,
      saveState,
      keys,
      tls,
      alerts,
      workQueue,
    });
    const system = new SystemMeter(dataDir, path.dirname(log.file));
    const queries = new EngineQueries({
      clock,
      state,
      log,
      storage,
      counters,
      ids,
      queue,
      records,
      scheduler,
      redirects,
      listeners,
      system,
      startedAt,
      alerts,
      workQueue,
    });
    const core: EngineCore = {
      dataDir,
      diagnostics,
      sandbox: options.sandbox,
      now: () => clock.now(),
      at: (at, fire) => {
        const timer = clock.at(at, fire);
        return () => timer.cancel();
      },
      config,
      operational,
      queries,
      operations,
      cluster,
      on: (event, listener) => events.on(event, listener),
    };
    const api = new EngineApiImpl(core);
    return {
      options,
      dataDir,
      startedAt,
      overrideReport,
      lock,
      diagnostics,
      clock,
      state,
      storage,
      log,
      counters,
      ids,
      queue,
      records,
      events,
      bounces,
      generated,
      scheduler,
      redirects,
      listeners,
      keys,
      tls,
      alerts,
      workQueue,
      cluster,
      operations,
      queries,
      api,
      config,
      operational,
      saveState,
    };
  } catch (e) {
    await openedCluster?.close().catch(() => undefined);
    await log.close().catch(() => undefined);
    storage.stop();
    await lock.release();
    throw e;
  }
}
