// A CLI session's uncommitted configuration: a private copy of the running configuration
// plus the list of changes made to it. `commit` hands the copy to the engine in one step;
// if another session committed meanwhile, the changes are replayed on the new configuration
// so that neither session's work is lost. In a cluster the copy is of the level the session
// edits (clustermode), and the commit writes that level's document in the cluster's store.
import type { ApplianceConfig, CommitRecord } from '../../model/config.js';
import { ConfigurationMoved, levelExists, type ClusterLevel } from '../../model/cluster.js';
import type { EngineApi } from '../../api/engine-api.js';
import type { ConfigChange } from '../../model/change.js';
import { CommandError, type PendingConfig } from '../kit/command.js';

export class PendingChanges implements PendingConfig {
  #copy: ApplianceConfig | null = null;
  /** The running configuration the copy was taken from. */
  #base: ApplianceConfig | null = null;
  #changes: ConfigChange[] = [];
  /** In a cluster: the level chosen with clustermode, and the revisions the copy was taken at. */
  #mode: ClusterLevel | undefined;
  #stamp: string | undefined;
  /** What the last commit had to say besides its date: the configuration moved and the changes were replayed. */
  lastNotice: string | undefined;

  constructor(readonly engine: EngineApi) {}

  get config(): ApplianceConfig {
    return this.#copy ?? this.#current().config;
  }

  /** What the pending copy was taken from: the running configuration, or in a cluster the level's. */
  get base(): ApplianceConfig {
    return this.#base ?? this.#current().config;
  }

  /** The level this session edits in a cluster (the cluster's by default), undefined when standalone. */
  get mode(): ClusterLevel | undefined {
    const view = this.engine.cluster.view();
    if (!view) return undefined;
    return this.#mode && levelExists(view.membership, this.#mode) ? this.#mode : { kind: 'cluster' };
  }

  /** clustermode: the level the next changes are made at (not while changes are pending). */
  setMode(level: ClusterLevel): void {
    if (this.hasChanges) throw new CommandError('You have uncommitted changes: "commit" or "clearchanges" them before switching modes.');
    this.#mode = level;
  }

  /** The configuration changes start from now, and in a cluster the revisions it is made of. */
  #current(): { config: ApplianceConfig; stamp?: string } {
    const mode = this.mode;
    return mode ? this.engine.cluster.levelConfig(mode) : { config: this.engine.config() as ApplianceConfig };
  }

  get descriptions(): readonly string[] {
    return this.#changes.map((c) => c.description);
  }

  get lastChange(): string | undefined {
    return this.#changes.at(-1)?.description;
  }

  get hasChanges(): boolean {
    return this.#changes.length > 0;
  }

  edit(description: string, apply: (config: ApplianceConfig) => void): void {
    this.record({ description, apply });
  }

  record(change: ConfigChange): void {
    if (!this.#copy) {
      const current = this.#current();
      this.#base = current.config;
      this.#stamp = current.stamp;
      this.#copy = structuredClone(this.#base);
    }
    // Applied to a scratch copy first, so a change that throws leaves nothing behind.
    const next = structuredClone(this.#copy);
    change.apply(next);
    this.#copy = next;
    this.#changes.push(change);
  }

  clear(): void {
    this.#copy = null;
    this.#base = null;
    this.#stamp = undefined;
    this.#changes = [];
  }

  /** The pending copy replayed on the running configuration if another session committed since it was taken. */
  #next(): ApplianceConfig {
    if (this.#base === this.engine.config()) return structuredClone(this.#copy!);
    const next = structuredClone(this.engine.config() as ApplianceConfig);
    for (const change of this.#changes) {
      try {
        change.apply(next);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new CommandError(`Cannot commit: another session committed a conflicting change (${why}). Use "clearchanges" and make the change again.`);
      }
    }
    return next;
  }

  /**
   * Applies every pending change to the engine atomically; returns the record kept in the
   * history. With `saveForRollback` the new configuration is saved for rollbackconfig first;
   * if another session commits while it is written, it is built and saved again.
   */
  async commit(comment: string, options: { saveForRollback?: boolean } = {}): Promise<CommitRecord> {
    if (!this.#copy) throw new CommandError('There is no data to commit.');
    this.lastNotice = undefined;
    const mode = this.mode;
    if (mode) return this.#commitToCluster(mode, comment, options);
    for (;;) {
      const running = this.engine.config();
      const next = this.#next();
      const record: CommitRecord = { at: this.engine.now(), comment, changes: [...this.descriptions] };
      if (options.saveForRollback) {
        record.rollback = await this.engine.saveRollbackPoint(next, comment);
        if (this.engine.config() !== running) continue;
      }
      // The history keeps the last 100 commits: enough for commitdetail and an audit glance.
      next.commits = [...next.commits, record].slice(-100);
      await this.engine.applyConfig(next);
      this.clear();
      return record;
    }
  }

  /**
   * Commits to the level's document in the cluster's store. When the level's configuration moved
   * since the copy was taken (another member or session committed), the changes are replayed on
   * the new one and committed again; a change that no longer fits refuses the commit.
   */
  async #commitToCluster(mode: ClusterLevel, comment: string, options: { saveForRollback?: boolean }): Promise<CommitRecord> {
    const cluster = this.engine.cluster;
    let moved = false;
    for (let attempt = 0; attempt < MAX_REPLAYS; attempt++) {
      const current = cluster.levelConfig(mode);
      const replay = current.stamp !== this.#stamp;
      const next = replay ? this.#replayed(current.config) : structuredClone(this.#copy!);
      const record: CommitRecord = { at: this.engine.now(), comment, changes: [...this.descriptions], machine: cluster.view()?.machine };
      if (options.saveForRollback) record.rollback = await this.engine.saveRollbackPoint(next, comment);
      try {
        await cluster.commit(mode, current.stamp!, next, record);
      } catch (e) {
        if (!(e instanceof ConfigurationMoved)) throw e;
        moved = true;
        continue;
      }
      if (moved || replay) this.lastNotice = MOVED_NOTICE;
      this.clear();
      return record;
    }
    throw new CommandError('Cannot commit: the cluster configuration kept changing while committing. Try "commit" again.');
  }

  /** The changes replayed on a configuration that moved; a change that no longer fits refuses the commit. */
  #replayed(config: ApplianceConfig): ApplianceConfig {
    const next = structuredClone(config);
    for (const change of this.#changes) {
      try {
        change.apply(next);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new CommandError(
          `Cannot commit: the configuration moved (another member or session committed meanwhile) and your pending change no longer applies (${why}). Use "clearchanges" and make the change again.`,
        );
      }
    }
    return next;
  }
}

/** Attempts of a cluster commit whose configuration keeps moving. */
const MAX_REPLAYS = 20;

export const MOVED_NOTICE =
  'The configuration moved since your changes were made (another member or session committed meanwhile): your pending changes were re-applied on top of it.';
