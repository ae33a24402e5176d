// A member's link to its cluster: the cluster's documents and membership as last read from its
// store (nats-seam.ts), kept up to date by a watch; every change that concerns this machine is
// merged into the configuration it runs and applied through the commit path (applyConfig:
// whole, or not at all). At start the link catches up before the listeners open; while the
// store is unreachable the machine runs on its last configuration, commits are refused, and it
// reads everything again once the store is back. Commits write one level's document with
// compare-and-swap on its revision. Also: creating and joining a cluster, its membership
// operations, and each member's status over request/reply.
import { applyOverrides, type ApplianceConfig, type CommitRecord, type StartOverrides } from '../../model/config.js';
import { Refusal, refuse } from '../../model/change.js';
import {
  changedSettings,
  committedDocument,
  ConfigurationMoved,
  definedSettings,
  documentKey,
  isConfigDocument,
  isMachineSetting,
  levelOfKey,
  levelView,
  machineConfig,
  originLine,
  sameConfig,
  sharedConfigHash,
  type ClusterDocuments,
  type ClusterLevel,
  type ConfigDocument,
} from '../../model/cluster.js';
import * as members from '../../model/tables/cluster-members.js';
import type { ClusterMembership } from '../../model/tables/cluster-members.js';
import type { ClusterMemberStatus, ClusterView } from '../../api/cluster-port.js';
import type { Clock } from '../clock.js';
import { openStore, parseNatsUrl, StoreConflict, StoreUnavailable, type ClusterStore, type StoredEntry } from './nats-seam.js';
import { StartRefusedError } from '../../platform/start-refused-error.js';

/** What a data dir remembers of its cluster (in config.json). */
export interface ClusterRecord {
  url: string;
  /** This machine's name in the cluster. */
  machine: string;
  /** The cluster's name when last read (shown while its store does not answer). */
  name?: string;
}

export interface ClusterContext {
  clock: Clock;
  log: { info(line: string): void };
  warn(line: string): void;
  /** The data dir's record and the running configuration. */
  state: { data: { cluster?: ClusterRecord; config: ApplianceConfig } };
  /** Applies a whole configuration to the running engine (the commit path). */
  applyConfig(config: ApplianceConfig): Promise<void>;
  /** Persists the record with the configuration. */
  save(): Promise<void>;
  /** Told after each change the link took in (events: `cluster`). */
  changed(): void;
  /** Tests: awaited just before a commit's write goes to the store. */
  beforeWrite?: () => Promise<void>;
}

const MEMBERS = 'members';
/** The name `esa start --cluster` gives a cluster it creates. */
export const DEFAULT_CLUSTER_NAME = 'ESA_Cluster';
/** Real ms a start waits for a known cluster's store before it runs on the last configuration. */
const START_WAIT_MS = 2_000;
/** Real ms between attempts to reach an unreachable store. */
const RETRY_MS = 500;
const statusSubject = (machine: string) => `esa.cluster.status.${machine}`;

/** The settings of a configuration of one kind: what goes into the cluster's document or a machine's. */
function settingsOf(config: ApplianceConfig, machine: boolean): ConfigDocument['settings'] {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'commits' || value === undefined || isMachineSetting(key) !== machine) continue;
    out[key] = structuredClone(value);
  }
  return out;
}

export class ClusterLink {
  #store: ClusterStore | undefined;
  #membership: { value: ClusterMembership; revision: number } | undefined;
  readonly #docs = new Map<string, { doc: ConfigDocument; revision: number }>();
  /** Each key's newest revision taken in (deletes too). */
  readonly #revisions = new Map<string, number>();
  /** The newest bucket revision taken in, and the one the running configuration reflects. */
  #revision = 0;
  #appliedRevision = 0;
  #unreachableSince: number | undefined;
  #lastError: string | undefined;
  #applying: Promise<void> | undefined;
  #dirty = false;
  #started = false;
  #closed = false;
  #stopWatch: (() => void) | undefined;
  #retry: AbortController | undefined;
  #catchUpMs: number | undefined;

  constructor(readonly ctx: ClusterContext) {}

  get #record(): ClusterRecord | undefined {
    return this.ctx.state.data.cluster;
  }

  // ----- start and stop -----

  /**
   * At start, before anything reads the configuration: with `--cluster URL` and no cluster yet,
   * joins the cluster there (or creates one); a member reads its cluster's documents and runs
   * the configuration they give it. A store that does not answer in time: the last
   * configuration, and the link keeps trying once started.
   */
  async catchUp(url: string | undefined, overrides: StartOverrides): Promise<void> {
    const t0 = performance.now();
    if (url !== undefined) {
      const parsed = parseNatsUrl(url);
      if ('error' in parsed) throw new StartRefusedError(`--cluster: ${parsed.error}`);
      if (!this.#record) {
        await this.#joinAtStart(parsed.url);
        this.#catchUpMs = performance.now() - t0;
        return;
      }
      this.#record.url = parsed.url;
    }
    const record = this.#record;
    if (!record) return;
    const store = await Promise.race([
      this.#open(record.url).catch((e: Error) => e),
      new Promise<Error>((r) => setTimeout(() => r(new StoreUnavailable(`no answer in ${START_WAIT_MS / 1000} s`)), START_WAIT_MS).unref()),
    ]);
    if (store instanceof Error) {
      this.#unreachable(`the cluster's store at ${record.url} is unreachable (${store.message}): running on the last configuration until it answers`);
      return;
    }
    this.#store = store;
    await this.#readAll();
    if (this.#membership && !members.findMachine(this.#membership.value, record.machine)) {
      await this.#leave(`this machine is no longer a member of cluster ${this.#membership.value.name}`);
      return;
    }
    await this.#writeStartFlags(overrides);
    this.#takeMerged();
    this.#catchUpMs = performance.now() - t0;
    const name = this.#membership?.value.name ?? '?';
    this.ctx.log.info(`Cluster ${name}: caught up to revision ${this.#revision} in ${Math.round(this.#catchUpMs)} ms`);
  }

  /** Once the engine runs: changes are watched and applied live. */
  start(): void {
    this.#started = true;
    if (this.#store) this.#follow(this.#store);
    else if (this.#record) this.#reconnectLater();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#retry?.abort();
    this.#stopWatch?.();
    await this.#applying;
    await this.#store?.close();
    this.#store = undefined;
  }

  async #open(url: string): Promise<ClusterStore> {
    return openStore(url, { name: `esa ${this.ctx.state.data.config.hostname}` });
  }

  /** `--cluster URL` on a machine in no cluster: joins the one there, or creates it. */
  async #joinAtStart(url: string): Promise<void> {
    let store: ClusterStore;
    try {
      store = await this.#open(url);
    } catch (e) {
      throw new StartRefusedError(`--cluster ${url}: ${(e as Error).message}`);
    }
    try {
      const { entries } = await store.snapshot();
      const exists = entries.some((e) => e.key === MEMBERS && members.isMembership(e.value));
      if (exists) await this.#join(store, undefined);
      else await this.#create(store, DEFAULT_CLUSTER_NAME);
      this.#takeMerged();
    } catch (e) {
      await store.close();
      throw new StartRefusedError(`--cluster ${url}: ${(e as Error).message}`);
    }
  }

  /** Start flags: the machine settings they change are written to this machine's document; others are the cluster's. */
  async #writeStartFlags(overrides: StartOverrides): Promise<void> {
    const m = this.#membership;
    const record = this.#record;
    if (!m || !record || !this.#store) return;
    const merged = machineConfig(this.#documents(), m.value, record.machine);
    const keys = changedSettings(merged, applyOverrides(merged, overrides));
    const shared = keys.filter((k) => !isMachineSetting(k));
    if (shared.length > 0)
      this.ctx.warn(
        `start flags for ${shared.join(', ')} are ignored in a cluster: the cluster's settings are in force (change them with the configuration commands)`,
      );
    const own = keys.filter(isMachineSetting);
    if (own.length === 0) return;
    const withFlags = applyOverrides(merged, overrides);
    const key = documentKey({ kind: 'machine', name: record.machine });
    const current = this.#docs.get(key);
    const settings = { ...(current?.doc.settings ?? {}) } as Record<string, unknown>;
    for (const k of own) settings[k] = structuredClone((withFlags as unknown as Record<string, unknown>)[k]) ?? null;
    const doc: ConfigDocument = { settings, commits: current?.doc.commits ?? [] };
    try {
      const revision = current ? await this.#store.update(key, doc, current.revision) : await this.#store.create(key, doc);
      this.#take({ key, value: doc, revision }, false);
    } catch (e) {
      this.ctx.warn(`cannot store this machine's start flags in the cluster (${(e as Error).message}): they apply until the next change`);
    }
  }

  // ----- following the store -----

  #follow(store: ClusterStore): void {
    store.onConnection((connected) => {
      if (this.#closed || store !== this.#store) return;
      if (connected) {
        this.#unreachableSince = undefined;
        this.ctx.log.info(`Cluster ${this.#clusterName()}: the store at ${store.url} answers again; reading the configuration`);
        void this.#resync();
      } else {
        this.#unreachable(`the cluster's store at ${store.url} is unreachable: commits are refused; mail goes on with the configuration in force`);
      }
      this.ctx.changed();
    });
    this.#watch(store);
    const record = this.#record;
    if (record) store.serve(statusSubject(record.machine), () => this.#ownStatus());
  }

  #watch(store: ClusterStore): void {
    this.#stopWatch?.();
    this.#stopWatch = store.watch(this.#revision + 1, (entry) => this.#take(entry, true));
  }

  /** Reads every key again (after a reconnection), then watches from there. */
  async #resync(): Promise<void> {
    const store = this.#store;
    if (!store) return;
    try {
      await this.#readAll();
      this.#watch(store);
      await this.#scheduleApply();
    } catch (e) {
      this.#lastError = (e as Error).message;
    }
  }

  #unreachable(line: string): void {
    this.#unreachableSince ??= this.ctx.clock.now();
    this.ctx.log.info(`Cluster ${this.#clusterName()}: ${line}`);
    this.ctx.warn(line);
  }

  /** Keeps trying an unreachable store; once it answers, catches up and follows it. */
  #reconnectLater(): void {
    const record = this.#record;
    if (!record || this.#closed) return;
    const abort = new AbortController();
    this.#retry = abort;
    void (async () => {
      while (!abort.signal.aborted) {
        try {
          const store = await this.#open(record.url);
          if (abort.signal.aborted) {
            await store.close();
            return;
          }
          this.#store = store;
          this.#unreachableSince = undefined;
          await this.#readAll();
          this.ctx.log.info(`Cluster ${this.#clusterName()}: the store at ${record.url} answers; caught up to revision ${this.#revision}`);
          this.#follow(store);
          await this.#scheduleApply();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, RETRY_MS).unref());
        }
      }
    })();
  }

  async #readAll(): Promise<void> {
    const { entries, lastRevision } = await this.#store!.snapshot();
    if (!entries.some((e) => e.key === MEMBERS && members.isMembership(e.value))) {
      // A store that lost its data (or another one): keep what we know rather than leave.
      this.#lastError = `the cluster's store at ${this.#store!.url} holds no cluster`;
      return;
    }
    this.#docs.clear();
    this.#revisions.clear();
    this.#membership = undefined;
    for (const e of entries) this.#take(e, false);
    this.#revision = Math.max(this.#revision, lastRevision);
  }

  /** Takes one stored entry in; `apply`: merge and apply what concerns this machine. */
  #take(entry: StoredEntry, apply: boolean): void {
    this.#revision = Math.max(this.#revision, entry.revision);
    if (entry.revision > (this.#revisions.get(entry.key) ?? 0)) {
      this.#revisions.set(entry.key, entry.revision);
      if (entry.key === MEMBERS) {
        if (members.isMembership(entry.value)) {
          this.#membership = { value: entry.value, revision: entry.revision };
          if (this.#record) this.#record.name = entry.value.name;
        }
      } else if (levelOfKey(entry.key)) {
        if (isConfigDocument(entry.value)) this.#docs.set(entry.key, { doc: entry.value, revision: entry.revision });
        else this.#docs.delete(entry.key);
      }
    }
    if (apply) void this.#scheduleApply();
  }

  #documents(): ClusterDocuments {
    const docs: ClusterDocuments = { groups: {}, machines: {} };
    for (const [key, { doc }] of this.#docs) {
      const level = levelOfKey(key)!;
      if (level.kind === 'cluster') docs.cluster = doc;
      else if (level.kind === 'group') docs.groups[level.name] = doc;
      else docs.machines[level.name] = doc;
    }
    return docs;
  }

  /** At start: the merged configuration replaces the stored one (nothing runs yet). */
  #takeMerged(): void {
    const m = this.#membership;
    const record = this.#record;
    if (!m || !record) return;
    this.ctx.state.data.config = machineConfig(this.#documents(), m.value, record.machine);
    this.#appliedRevision = this.#revision;
  }

  /** Applies the merged configuration once whatever is running now is done; the same promise for every caller meanwhile. */
  #scheduleApply(): Promise<void> {
    this.#dirty = true;
    this.#applying ??= this.#applyLoop().finally(() => {
      this.#applying = undefined;
    });
    return this.#applying;
  }

  async #applyLoop(): Promise<void> {
    while (this.#dirty && !this.#closed) {
      this.#dirty = false;
      const revision = this.#revision;
      const m = this.#membership;
      const record = this.#record;
      if (!m || !record) continue;
      if (!members.findMachine(m.value, record.machine)) {
        await this.#leave(`this machine was removed from cluster ${m.value.name}`);
        return;
      }
      const merged = machineConfig(this.#documents(), m.value, record.machine);
      if (!sameConfig(merged, this.ctx.state.data.config)) {
        if (!this.#started) this.ctx.state.data.config = merged;
        else {
          try {
            await this.ctx.applyConfig(merged);
            this.#lastError = undefined;
            const last = merged.commits.at(-1);
            this.ctx.log.info(
              `Cluster ${m.value.name}: configuration of revision ${revision} applied${last?.machine ? ` (last commit from ${last.machine})` : ''}`,
            );
          } catch (e) {
            this.#lastError = `the cluster configuration of revision ${revision} cannot be applied here: ${(e as Error).message}`;
            this.ctx.log.info(`Warning: ${this.#lastError}`);
            this.ctx.warn(this.#lastError);
          }
        }
      }
      this.#appliedRevision = revision;
      this.ctx.changed();
    }
  }

  async #leave(why: string): Promise<void> {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    const store = this.#store;
    this.#store = undefined;
    this.#membership = undefined;
    this.#docs.clear();
    this.#revisions.clear();
    delete this.ctx.state.data.cluster;
    this.ctx.log.info(`Cluster: ${why}; this machine stands alone on its last configuration`);
    await this.ctx.save().catch((e: Error) => this.ctx.warn(`cannot save leaving the cluster: ${e.message}`));
    await store?.close();
    this.ctx.changed();
  }

  #clusterName(): string {
    return this.#membership?.value.name ?? this.#record?.name ?? '(unknown)';
  }

  // ----- what the API shows -----

  view(): ClusterView | undefined {
    const record = this.#record;
    if (!record) return undefined;
    const m = this.#membership?.value ?? { name: record.name ?? '(unknown)', groups: [], machines: [] };
    const docs = this.#documents();
    return {
      name: m.name,
      url: record.url,
      machine: record.machine,
      group: members.findMachine(m, record.machine)?.group,
      connected: this.#store?.connected === true,
      unreachableSince: this.#unreachableSince,
      lastError: this.#lastError,
      membership: structuredClone(m),
      revision: this.#appliedRevision,
      configHash: sharedConfigHash(this.ctx.state.data.config),
      catchUpMs: this.#catchUpMs,
      defined: {
        cluster: definedSettings(docs.cluster),
        groups: Object.fromEntries(m.groups.map((g) => [g, definedSettings(docs.groups[g])])),
        machines: Object.fromEntries(m.machines.map((x) => [x.name, definedSettings(docs.machines[x.name])])),
      },
    };
  }

  #ownStatus(): ClusterMemberStatus {
    return {
      machine: this.#record?.machine ?? '?',
      connected: true,
      revision: this.#appliedRevision,
      configHash: sharedConfigHash(this.ctx.state.data.config),
    };
  }

  /** Each member's status: this one's at once, the others' over request/reply (not connected: no answer in time). */
  async memberStatus(timeoutMs = 1_000): Promise<ClusterMemberStatus[]> {
    const record = this.#record;
    const m = this.#membership?.value;
    if (!record || !m) return [];
    return Promise.all(
      m.machines.map(async (x): Promise<ClusterMemberStatus> => {
        if (x.name === record.machine) return { ...this.#ownStatus(), connected: this.#store?.connected === true };
        const answer = (await this.#store?.request(statusSubject(x.name), timeoutMs)) as ClusterMemberStatus | undefined;
        return answer && typeof answer.revision === 'number' ? { ...answer, machine: x.name, connected: true } : { machine: x.name, connected: false };
      }),
    );
  }

  /** The configuration a level shows this machine's sessions, and the revisions it was made of. */
  levelConfig(level: ClusterLevel): { config: ApplianceConfig; stamp: string } {
    const record = this.#record;
    const m = this.#membership?.value;
    if (!record || !m) return { config: this.ctx.state.data.config, stamp: 'standalone' };
    return { config: levelView(this.#documents(), m, level, record.machine), stamp: this.#stamp(level) };
  }

  /** The revisions of the documents a level's view is made of (a commit is on that view only). */
  #stamp(level: ClusterLevel): string {
    const record = this.#record!;
    const m = this.#membership!.value;
    const owner = level.kind === 'machine' ? level.name : record.machine;
    const group = level.kind === 'group' ? level.name : members.findMachine(m, owner)?.group;
    const rev = (key: string) => this.#revisions.get(key) ?? 0;
    return [rev(MEMBERS), rev('cluster'), group === undefined ? 0 : rev(`group.${group}`), rev(`machine.${owner}`)].join('/');
  }

  originLine(command: string): string | undefined {
    const record = this.#record;
    const m = this.#membership?.value;
    return record && m ? originLine(this.#documents(), m, command, record.machine) : undefined;
  }

  // ----- commits -----

  #connectedStore(what: string): ClusterStore {
    const store = this.#store;
    if (!this.#record) refuse('This machine is not in a cluster.');
    if (!store || !store.connected) {
      refuse(`${what} refused: the cluster is unreachable (${this.#record.url}); nothing was changed, mail goes on with the configuration in force.`);
    }
    return store;
  }

  /**
   * Writes a commit to a level's document: the settings `next` changes from the level's view
   * (built from `stamp`), with compare-and-swap on the document's revision. Throws
   * ConfigurationMoved when the view moved (the session replays its changes and commits again),
   * a Refusal when the store is unreachable or the change does not belong to the level.
   * Returns once this machine runs the result.
   */
  async commit(level: ClusterLevel, stamp: string, next: ApplianceConfig, record: CommitRecord): Promise<number> {
    const store = this.#connectedStore('Commit');
    if (stamp !== this.#stamp(level)) throw new ConfigurationMoved();
    const key = documentKey(level);
    const current = this.#docs.get(key);
    const view = this.levelConfig(level).config;
    const doc = committedDocument(current?.doc, level, changedSettings(view, next), next, record);
    await this.ctx.beforeWrite?.();
    let revision: number;
    try {
      revision = current ? await store.update(key, doc, current.revision) : await store.create(key, doc);
    } catch (e) {
      if (e instanceof StoreConflict) {
        await this.#refresh(key);
        throw new ConfigurationMoved();
      }
      if (e instanceof StoreUnavailable) {
        throw new Refusal(
          `Commit not confirmed: ${e.message} while committing. If the store kept the commit, every member applies it once the cluster answers; otherwise nothing changed.`,
        );
      }
      throw e;
    }
    this.#take({ key, value: doc, revision }, false);
    await this.#scheduleApply();
    return revision;
  }

  async #refresh(key: string): Promise<void> {
    const entry = await this.#store?.get(key).catch(() => undefined);
    if (entry) this.#take(entry, true);
  }

  // ----- joining, creating, leaving -----

  /** The cluster at a URL, for the join dialog: its membership, or undefined when there is none. */
  async probe(url: string): Promise<ClusterMembership | undefined> {
    const store = await this.#connect(url);
    try {
      const entry = await store.get(MEMBERS);
      return entry && members.isMembership(entry.value) ? entry.value : undefined;
    } finally {
      await store.close();
    }
  }

  /** The store at a URL the operator typed; an unparsable URL or an unreachable server is refused in one line. */
  async #connect(url: string): Promise<ClusterStore> {
    const parsed = parseNatsUrl(url);
    if ('error' in parsed) refuse(parsed.error);
    try {
      return await this.#open(parsed.url);
    } catch (e) {
      return refuse(`Could not connect to cluster: ${(e as Error).message}`);
    }
  }

  async create(url: string, name: string): Promise<void> {
    await this.#standalone(url, (store) => this.#create(store, name));
  }

  async join(url: string, group: string | undefined): Promise<void> {
    await this.#standalone(url, (store) => this.#join(store, group));
  }

  async #standalone(url: string, run: (store: ClusterStore) => Promise<void>): Promise<void> {
    if (this.#record) refuse('This machine is already in a cluster.');
    const store = await this.#connect(url);
    try {
      await run(store);
    } catch (e) {
      await store.close();
      if (e instanceof StoreUnavailable) refuse(`Could not connect to cluster: ${e.message}`);
      throw e;
    }
    if (this.#started) this.#follow(store);
    await this.#scheduleApply();
  }

  async #create(store: ClusterStore, name: string): Promise<void> {
    const running = this.ctx.state.data.config;
    const machine = running.hostname;
    const membership = members.newMembership(name, machine, this.ctx.clock.now());
    const existing = await store.get(MEMBERS);
    if (existing && members.isMembership(existing.value)) refuse(`Cluster ${existing.value.name} already uses ${store.url}: join it instead.`);
    // The documents first, the membership last: a cluster exists once its membership does.
    await store.put('cluster', { settings: settingsOf(running, false), commits: running.commits } satisfies ConfigDocument);
    await store.put(documentKey({ kind: 'machine', name: machine }), { settings: settingsOf(running, true), commits: [] } satisfies ConfigDocument);
    try {
      if (existing) await store.update(MEMBERS, membership, existing.revision);
      else await store.create(MEMBERS, membership);
    } catch (e) {
      if (e instanceof StoreConflict) refuse(`Another machine created a cluster at ${store.url} meanwhile: join it instead.`);
      throw e;
    }
    await this.#becomeMember(store, machine, `created cluster ${name} at ${store.url}`);
  }

  async #join(store: ClusterStore, group: string | undefined): Promise<void> {
    const running = this.ctx.state.data.config;
    const machine = running.hostname;
    for (let attempt = 0; ; attempt++) {
      const entry = await store.get(MEMBERS);
      if (!entry || !members.isMembership(entry.value)) refuse(`There is no cluster at ${store.url}: create one with clusterconfig.`);
      const next = members.addMachine(entry.value, machine, group ?? entry.value.groups[0] ?? members.MAIN_GROUP, this.ctx.clock.now());
      if (attempt === 0)
        await store.put(documentKey({ kind: 'machine', name: machine }), { settings: settingsOf(running, true), commits: [] } satisfies ConfigDocument);
      try {
        await store.update(MEMBERS, next, entry.revision);
        break;
      } catch (e) {
        if (!(e instanceof StoreConflict) || attempt >= 10) throw e;
      }
    }
    await this.#becomeMember(store, machine, `joined cluster at ${store.url}`);
  }

  async #becomeMember(store: ClusterStore, machine: string, what: string): Promise<void> {
    this.#store = store;
    this.ctx.state.data.cluster = { url: store.url, machine };
    await this.#readAll();
    this.ctx.log.info(`Cluster ${this.#clusterName()}: this machine (${machine}) ${what}`);
    await this.ctx.save();
  }

  // ----- membership (clusterconfig) -----

  /** Changes the membership with compare-and-swap, again on a conflict. */
  async #changeMembership(change: (m: ClusterMembership) => ClusterMembership): Promise<ClusterMembership> {
    const store = this.#connectedStore('The change was');
    for (let attempt = 0; ; attempt++) {
      const current = this.#membership ?? refuse('The cluster has no membership record.');
      const next = change(current.value);
      try {
        const revision = await store.update(MEMBERS, next, current.revision);
        this.#take({ key: MEMBERS, value: next, revision }, false);
        return next;
      } catch (e) {
        if (!(e instanceof StoreConflict) || attempt >= 10) throw e instanceof StoreUnavailable ? new Refusal(`The change was not confirmed: ${e.message}`) : e;
        await this.#refresh(MEMBERS);
      }
    }
  }

  async addGroup(name: string): Promise<void> {
    await this.#changeMembership((m) => members.addGroup(m, name));
  }

  async renameGroup(from: string, to: string): Promise<void> {
    const store = this.#connectedStore('The change was');
    const old = members.findGroup(this.#membership!.value, from) ?? refuse(`There is no group named "${from}" in the cluster.`);
    const doc = this.#docs.get(documentKey({ kind: 'group', name: old }));
    // The document under its new name first: the membership switches to it in one write.
    if (doc) await store.put(documentKey({ kind: 'group', name: to }), doc.doc);
    await this.#changeMembership((m) => members.renameGroup(m, from, to));
    if (doc && old !== to) await store.delete(documentKey({ kind: 'group', name: old })).catch(() => undefined);
    await this.#scheduleApply();
  }

  async deleteGroup(name: string, moveTo: string | undefined): Promise<void> {
    const store = this.#connectedStore('The change was');
    const gone = members.findGroup(this.#membership!.value, name);
    await this.#changeMembership((m) => members.deleteGroup(m, name, moveTo));
    if (gone && this.#docs.has(documentKey({ kind: 'group', name: gone })))
      await store.delete(documentKey({ kind: 'group', name: gone })).catch(() => undefined);
    await this.#scheduleApply();
  }

  async setGroup(machine: string, group: string): Promise<void> {
    await this.#changeMembership((m) => members.setGroup(m, machine, group));
    await this.#scheduleApply();
  }

  async setName(name: string): Promise<void> {
    await this.#changeMembership((m) => members.setClusterName(m, name));
  }

  /** Removes a machine (this one too: it then stands alone on its last configuration). */
  async removeMachine(machine: string): Promise<void> {
    const store = this.#connectedStore('The change was');
    const who = members.findMachine(this.#membership!.value, machine)?.name;
    await this.#changeMembership((m) => members.removeMachine(m, machine));
    if (who) await store.delete(documentKey({ kind: 'machine', name: who })).catch(() => undefined);
    await this.#scheduleApply();
  }
}
