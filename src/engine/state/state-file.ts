// `config.json`: configuration, operational state (suspensions), id reservations, lifetime
// counters and the simulated clock, in one small lowdb document written durably.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { CounterName } from '../counters.js';
import { moveAside, pruneCorrupt } from '../fs/corrupt-files.js';
import { defaultConfig, defaultOperationalState, type ApplianceConfig, type OperationalState } from '../../model/config.js';
import { CorruptFileError, DurableJSONFile, writeFileDurably } from './durable-json-file.js';
import { migrateListeners } from '../../model/listener-migration.js';
import type { ClusterRecord } from '../cluster/cluster-link.js';

export interface IdReservations {
  mid: number;
  icid: number;
  dcid: number;
}

export interface StoredState {
  version: 1;
  config: ApplianceConfig;
  operational: OperationalState;
  ids: IdReservations;
  lifetimeCounters: Partial<Record<CounterName, number>>;
  /** Simulated minus wall-clock ms when last saved, so simulated time never runs backwards. */
  clockOffsetMs: number;
  startedAt?: number;
  /**
   * The queue as last saved (every 5 s): what a restart expects to load, so the storage limits
   * hold while the queue still loads in the background.
   */
  queueSummary?: { messages: number; bytes: number };
  /** The cluster this machine is a member of (its configuration then comes from the cluster's store). */
  cluster?: ClusterRecord;
}

export function emptyState(): StoredState {
  return {
    version: 1,
    config: defaultConfig(),
    operational: defaultOperationalState(),
    ids: { mid: 1, icid: 1, dcid: 1 },
    lifetimeCounters: {},
    clockOffsetMs: 0,
  };
}

export class StateFile {
  readonly file: string;
  readonly #db: Low<StoredState>;
  #corruptKept = 0;
  #found = false;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'config.json');
    this.#db = new Low<StoredState>(new DurableJSONFile<StoredState>(this.file), emptyState());
  }

  get data(): StoredState {
    return this.#db.data;
  }

  get backupFile(): string {
    return `${this.file}.bak`;
  }

  /** `load()` found a stored configuration (the file, or its backup): not a new data dir. */
  get found(): boolean {
    return this.#found;
  }

  /** Moved-aside corrupt copies (`config.json.corrupt-*`) kept in the data dir (for `status`). */
  corruptFilesKept(): number {
    return this.#corruptKept;
  }

  /**
   * Reads the file and keeps a copy of it as the last known-good one (`config.json.bak`).
   * A corrupt file is moved aside and the backup (or else the defaults) used, with a warning.
   * Returns that warning, or one that the backup could not be written.
   */
  async load(): Promise<string | undefined> {
    const warning = await this.#loadOrRecover();
    this.#corruptKept = await pruneCorrupt(path.dirname(this.file), /^config\.json$/);
    return warning;
  }

  async #loadOrRecover(): Promise<string | undefined> {
    try {
      await this.#read(this.file);
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      const moved = `${e.message}; moved aside to ${await moveAside(this.file)}`;
      try {
        await this.#read(this.backupFile);
        await this.save();
        return `${moved} and restored the configuration from ${path.basename(this.backupFile)} (the copy taken at the last start; queued mail is kept: it lives in the spool)`;
      } catch {
        this.#db.data = emptyState();
        return `${moved} and started from the default configuration (queued mail is kept: it lives in the spool)`;
      }
    }
    return this.#backUp();
  }

  /**
   * Copies the file just read to the backup, fsynced (a backup that a power cut empties
   * would fail exactly when it is needed), by temp file and rename: the old backup stays
   * whole until the new one is.
   */
  async #backUp(): Promise<string | undefined> {
    try {
      await writeFileDurably(this.backupFile, await readFile(this.file));
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // a new data dir: nothing to back up yet
      return `cannot write ${this.backupFile} (${(e as Error).message}): the configuration has no fresh backup until the next start`;
    }
  }

  async #read(file: string): Promise<void> {
    const d = await new DurableJSONFile<StoredState>(file).read();
    if (!d || typeof d !== 'object') {
      if (d === null && file === this.file) {
        this.#db.data = emptyState();
        return;
      }
      throw new CorruptFileError(file, 'not a configuration');
    }
    if (!d.config || !Array.isArray(d.config.listeners)) throw new CorruptFileError(file, 'missing the configuration');
    this.#found = true;
    const base = emptyState();
    this.#db.data = {
      ...base,
      ...d,
      config: { ...base.config, ...d.config },
      operational: { ...base.operational, ...d.operational },
      ids: { ...base.ids, ...d.ids },
    };
  }

  save(): Promise<void> {
    return this.#db.write();
  }
}

/**
 * The configuration stored in a data dir, read without taking it over (no lock, nothing
 * written): where `esa sandbox` puts its backend (the stored route) before the engine starts.
 * The backup when config.json does not parse; undefined for a new data dir.
 */
export async function readStoredConfig(dataDir: string): Promise<ApplianceConfig | undefined> {
  const file = path.join(dataDir, 'config.json');
  for (const candidate of [file, `${file}.bak`]) {
    try {
      const d = JSON.parse(await readFile(candidate, 'utf8')) as Partial<StoredState> | null;
      if (d?.config && Array.isArray(d.config.listeners)) return migrateListeners({ ...defaultConfig(), ...d.config });
    } catch {
      // missing or damaged: the engine's own load reports it; try the backup
    }
  }
  return undefined;
}
