// Listener settings written by older versions, brought to today's shape when a configuration is
// loaded or restored: a RAT of plain domains becomes ACCEPT entries, missing settings get defaults.
import { DEFAULT_LISTENER_LIMITS, type ApplianceConfig, type ListenerConfig, type RatEntry } from './config.js';

type StoredListener = Omit<Partial<ListenerConfig>, 'rat'> & { rat?: (string | RatEntry)[] };

function migrateRat(rat: StoredListener['rat']): RatEntry[] {
  return (rat ?? []).map((e) => (typeof e === 'string' ? { pattern: e, action: 'ACCEPT' } : e));
}

/** One stored listener in today's shape (a new object; the input is not changed). */
export function migrateListener(stored: StoredListener): ListenerConfig {
  return {
    ...DEFAULT_LISTENER_LIMITS,
    type: 'Public',
    relayHosts: [],
    bounceProfile: 'Default',
    ...(stored as Partial<ListenerConfig>),
    name: String(stored.name ?? 'IncomingMail'),
    host: String(stored.host ?? '127.0.0.1'),
    port: Number(stored.port ?? 25),
    rat: migrateRat(stored.rat),
  };
}

/** Whether every listener already has today's shape (nothing to migrate). */
function current(config: ApplianceConfig): boolean {
  return config.listeners.every(
    (l) => Array.isArray(l.rat) && l.rat.every((e) => typeof e === 'object') && l.type !== undefined && l.maxMessagesPerConnection !== undefined,
  );
}

/** The configuration with its listeners migrated; the same object when there was nothing to do. */
export function migrateListeners(config: ApplianceConfig): ApplianceConfig {
  if (current(config)) return config;
  return { ...config, listeners: config.listeners.map((l) => migrateListener(l as StoredListener)) };
}
