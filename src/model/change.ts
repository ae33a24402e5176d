// A change to the configuration as every front end records it (the CLI's dialogs and batch
// forms, the web GUI's forms): what it does in words, for `showchanges` and the commit record,
// and how it applies to a draft. A change that no longer fits refuses with one line in the
// reference's wording. Pure.
import type { Parsed } from './answers.js';
import type { ApplianceConfig } from './config.js';

/** A refusal the user can understand and fix: shown as one line, nothing of the change is applied. */
export class Refusal extends Error {}

/**
 * A save of the configuration that failed part-way: the new configuration may have reached the
 * disk (and be in force after a restart) or not. Its message is the save's error.
 */
export class SaveOutcomeUnknown extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'SaveOutcomeUnknown';
  }
}

export function refuse(why: string): never {
  throw new Refusal(why);
}

export interface ConfigChange {
  readonly description: string;
  /** Applies the change to a draft (a copy the caller owns); throws a Refusal when it no longer fits. */
  apply(config: ApplianceConfig): void;
}

/** Why a change cannot be applied to a configuration, or undefined when it can (tried on a copy). */
export function refusalOf(change: ConfigChange, config: ApplianceConfig): string | undefined {
  try {
    change.apply(structuredClone(config));
    return undefined;
  } catch (e) {
    if (e instanceof Refusal) return e.message;
    throw e;
  }
}

/** A parsed value, or its refusal (`<prefix>: <why>` with a prefix). */
export function valueOrRefuse<T>(p: Parsed<T>, prefix?: string): T {
  if ('error' in p) refuse(prefix ? `${prefix}: ${p.error}` : p.error);
  return p.value;
}

type MaybeChange = ConfigChange | undefined;

/**
 * Several changes recorded as one (a form that sets several things at once): applied in order,
 * so a refusal of any leaves nothing of the others; undefined when there is none. Takes the
 * changes, or lists of them.
 */
export function combineChanges(...changes: readonly (MaybeChange | readonly MaybeChange[])[]): ConfigChange | undefined {
  const all = changes.flat().filter((c): c is ConfigChange => c !== undefined);
  if (all.length <= 1) return all[0];
  return {
    description: all.map((c) => c.description).join(' '),
    apply(config) {
      for (const c of all) c.apply(config);
    },
  };
}
