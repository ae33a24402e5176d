// Rollback points as the configuration sees them: how many are offered, which ones the commit
// history names, and the configuration a rollback commits. Pure; the files are
// src/engine/state/rollback-store.ts's.
import { defaultConfig, type ApplianceConfig } from './config.js';
import { migrateListeners } from './listener-migration.js';

/** A configuration saved at a commit, for `rollbackconfig`. */
export interface RollbackPoint {
  /** The file's number (increasing with each save). */
  number: number;
  /** When it was committed (simulated epoch ms). */
  at: number;
  comment: string;
  config: ApplianceConfig;
}

/** How many committed configurations `rollbackconfig` offers (AsyncOS keeps 10 too). */
export const ROLLBACK_KEPT = 10;

/** The point numbers the commit history of a configuration refers to. */
export function referencedPoints(config: Pick<ApplianceConfig, 'commits'>): Set<number> {
  return new Set(config.commits.flatMap((c) => (c.rollback === undefined ? [] : [c.rollback])));
}

/**
 * The configuration a rollback commits: the saved one, in today's shape (settings it lacks
 * get their defaults), with the running commit history and users kept (a rollback restores
 * the mail configuration; it neither rewrites history nor brings back an old passphrase).
 */
export function restoredConfig(saved: ApplianceConfig, running: Readonly<ApplianceConfig>): ApplianceConfig {
  const restored: ApplianceConfig = {
    ...defaultConfig(),
    ...structuredClone(saved),
    users: structuredClone(running.users) as ApplianceConfig['users'],
    commits: structuredClone(running.commits) as ApplianceConfig['commits'],
  };
  return migrateListeners(restored);
}
