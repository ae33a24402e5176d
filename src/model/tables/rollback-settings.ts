// rollbackconfig's one setting: whether commits save the configuration for rollback; the
// question that changes it and the change. Pure.
import type { ConfigChange } from '../change.js';
import type { ApplianceConfig } from '../config.js';

export const rollbackEnabled = (config: Readonly<ApplianceConfig>): boolean => config.rollbackEnabled !== false;

/** SETUP's question: it offers the other state than the current one (its substrings are what the appliance's drivers look for). */
export const rollbackSetupQuestion = (enabled: boolean): string =>
  enabled ? 'Do you want to disable the Rollback Configuration?' : 'Do you want to enable the Rollback Configuration?';

/** Turns the saving of configurations for rollback on or off; undefined when it is so already. */
export function setRollbackEnabled(config: Readonly<ApplianceConfig>, enabled: boolean): ConfigChange | undefined {
  if (rollbackEnabled(config) === enabled) return undefined;
  return {
    description: enabled
      ? 'Enabled the Rollback Configuration: commits save the configuration for rollback.'
      : 'Disabled the Rollback Configuration: commits no longer save the configuration for rollback.',
    apply(c) {
      if (enabled) delete c.rollbackEnabled;
      else c.rollbackEnabled = false;
    },
  };
}
