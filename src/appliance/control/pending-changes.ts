// A CLI session's uncommitted configuration: a private copy of the running configuration
// plus the list of changes made to it. `commit` hands the copy to the engine in one step;
// if another session committed meanwhile, the changes are replayed on the new configuration
// so that neither session's work is lost.
import type { ApplianceConfig, CommitRecord } from '../../model/config.js';
import type { EngineApi } from '../../api/engine-api.js';
import type { ConfigChange } from '../../model/change.js';
import { CommandError, type PendingConfig } from '../kit/command.js';

export class PendingChanges implements PendingConfig {
  #copy: ApplianceConfig | null = null;
  /** The running configuration the copy was taken from. */
  #base: ApplianceConfig | null = null;
  #changes: ConfigChange[] = [];

  constructor(readonly engine: EngineApi) {}

  get config(): ApplianceConfig {
    return this.#copy ?? (this.engine.config() as ApplianceConfig);
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
      this.#base = this.engine.config() as ApplianceConfig;
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
}
