// The alerts kept for `displayalerts` (and the web GUI): the newest ones, with how their mail
// went, in `alerts.json` in the data dir, written durably after each change (alerts are rare).
// A damaged file is moved aside and the list starts empty.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AlertView } from '../../model/alerts.js';
import { moveAside, pruneCorrupt } from '../fs/corrupt-files.js';
import { writeFileDurably } from '../state/durable-json-file.js';

/** Alerts kept (the oldest go first). */
export const ALERTS_KEPT = 50;

interface StoredAlerts {
  version: 1;
  nextId: number;
  alerts: AlertView[];
}

export interface AlertStoreOptions {
  dataDir: string;
  /** A write failed: true when it is a storage shortage the engine handles (no warning then). */
  storageFailed: (what: string, e: unknown) => boolean;
  warn: (line: string) => void;
}

export class AlertStore {
  readonly file: string;
  #alerts: AlertView[] = [];
  #nextId = 1;
  /** Copies handed out, newest first, until the next change. */
  #views: readonly AlertView[] | null = null;
  #saving: Promise<void> = Promise.resolve();
  #saveQueued = false;

  constructor(readonly options: AlertStoreOptions) {
    this.file = path.join(options.dataDir, 'alerts.json');
  }

  /** Reads the alerts kept before this start. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    try {
      const stored = JSON.parse(text) as StoredAlerts;
      if (stored.version !== 1 || !Array.isArray(stored.alerts)) throw new Error('not an alert list');
      this.#alerts = stored.alerts.slice(-ALERTS_KEPT);
      this.#nextId = Math.max(stored.nextId, ...this.#alerts.map((a) => a.id + 1), 1);
    } catch (e) {
      const aside = await moveAside(this.file).catch(() => 'nowhere');
      await pruneCorrupt(this.options.dataDir, /^alerts\.json$/);
      this.options.warn(`${this.file} is damaged (${(e as Error).message}): moved to ${aside}; the alert list starts empty`);
    }
  }

  /** Keeps a new alert (its id given here); returns it, live: its deliveries change as its mail goes. */
  add(alert: Omit<AlertView, 'id'>): AlertView {
    const kept: AlertView = { id: this.#nextId++, ...alert };
    this.#alerts.push(kept);
    if (this.#alerts.length > ALERTS_KEPT) this.#alerts.splice(0, this.#alerts.length - ALERTS_KEPT);
    this.changed();
    return kept;
  }

  /** An alert kept changed (its mail was sent or failed): written again soon. */
  changed(): void {
    this.#views = null;
    if (this.#saveQueued) return;
    this.#saveQueued = true;
    this.#saving = this.#saving.then(() => {
      this.#saveQueued = false;
      return this.#write();
    });
  }

  /** The alerts kept, newest first (copies). */
  views(): readonly AlertView[] {
    this.#views ??= Object.freeze(structuredClone(this.#alerts).reverse());
    return this.#views;
  }

  /** Resolves once what changed so far is written. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  async #write(): Promise<void> {
    const stored: StoredAlerts = { version: 1, nextId: this.#nextId, alerts: this.#alerts };
    try {
      await writeFileDurably(this.file, JSON.stringify(stored));
    } catch (e) {
      if (!this.options.storageFailed('alerts.json', e)) this.options.warn(`cannot save ${this.file}: ${(e as Error).message}`);
    }
  }
}
