// The first administrator: at the first start (no user `admin` in the configuration) the
// built-in `admin` is created with the passphrase given (ESA_ADMIN_PASSWORD or
// --admin-password), or a generated one the caller prints once. No built-in default exists.
import type { ApplianceConfig } from '../model/config.js';
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
  const next = structuredClone(api.config()) as ApplianceConfig;
  next.users = [...next.users, { name: BUILT_IN_ADMIN, fullName: 'Administrator', role: 'admin', passwordHash: await hashPassphrase(passphrase) }];
  await api.applyConfig(next);
  return given ? {} : { generated: passphrase };
}
