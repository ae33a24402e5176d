// `config.json`: configuration, operational state (suspensions), id reservations, lifetime
// counters and the simulated clock, in one small lowdb document written durably.
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { CounterName } from '../counters.js';
import { defaultConfig, defaultOperationalState, type ApplianceConfig, type OperationalState } from './config.js';
import { CorruptFileError, DurableJSONFile } from './durable-json-file.js';

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

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'config.json');
    this.#db = new Low<StoredState>(new DurableJSONFile<StoredState>(this.file), emptyState());
  }

  get data(): StoredState {
    return this.#db.data;
  }

  /** Reads the file; a corrupt one is moved aside and replaced by defaults, with a warning. */
  async load(): Promise<string | undefined> {
    try {
      await this.#db.read();
      const d = this.#db.data;
      if (!d || typeof d !== 'object' || !d.config || !Array.isArray(d.config.listeners)) {
        throw new CorruptFileError(this.file, 'missing the configuration');
      }
      const base = emptyState();
      this.#db.data = {
        ...base,
        ...d,
        config: { ...base.config, ...d.config },
        operational: { ...base.operational, ...d.operational },
        ids: { ...base.ids, ...d.ids },
      };
      return undefined;
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside);
      this.#db.data = emptyState();
      return `${e.message}; moved aside to ${path.basename(aside)} and started from the default configuration (queued mail is kept: it lives in the spool)`;
    }
  }

  save(): Promise<void> {
    return this.#db.write();
  }
}
