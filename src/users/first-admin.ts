// The first administrator: at the first start (no user `admin` in the configuration) the
// built-in `admin` is created with the passphrase given (ESA_ADMIN_PASSWORD or
// --admin-password), or a generated one the caller prints once. No built-in default exists.
import type { ApplianceConfig, UserConfig } from '../model/config.js';
import { ConfigurationMoved } from '../model/cluster.js';
import type { EngineApi } from '../api/engine-api.js';
import { BUILT_IN_ADMIN, findUser } from './accounts.js';
import { generatePassphrase, hashPassphrase } from './passphrase.js';

export interface FirstAdmin {
  /** The passphrase when this start generated it (to print once); undefined when it was given. */
  generated?: string;
}

/** Creates `admin` if missing; null when it existed already (the given passphrase is then ignored). */
export async function ensureFirstAdmin(api: EngineApi, given: string | undefined): Promise<FirstAdmin | null> {
  if (findUser(api.config(), BUILT_IN_ADMIN)) return null;
  const passphrase = given && given.length > 0 ? given : generatePassphrase();
  const admin: UserConfig = { name: BUILT_IN_ADMIN, fullName: 'Administrator', role: 'admin', passwordHash: await hashPassphrase(passphrase) };
  const cluster = api.cluster.view();
  if (cluster) await commitToCluster(api, admin, cluster.machine);
  else {
    const next = structuredClone(api.config()) as ApplianceConfig;
    next.users = [...next.users, admin];
    await api.applyConfig(next);
  }
  return given ? {} : { generated: passphrase };
}

/** In a cluster the user database is the cluster's: the administrator is committed there. */
async function commitToCluster(api: EngineApi, admin: UserConfig, machine: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { config, stamp } = api.cluster.levelConfig({ kind: 'cluster' });
    if (findUser(config, BUILT_IN_ADMIN)) return;
    const next = structuredClone(config);
    next.users = [...next.users, admin];
    try {
      await api.cluster.commit({ kind: 'cluster' }, stamp, next, {
        at: api.now(),
        comment: 'The first administrator.',
        changes: [`Created user ${BUILT_IN_ADMIN}.`],
        machine,
      });
      return;
    } catch (e) {
      if (!(e instanceof ConfigurationMoved) || attempt >= 5) throw e;
    }
  }
}
