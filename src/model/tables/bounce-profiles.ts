// The bounce profiles table: the profiles of a configuration, the one rule for a profile's
// name, and the operations on the table (create, edit, rename, delete, the global SETUP) as
// changes every front end records the same way — `bounceconfig` (dialog and batch), the
// listener's and destination's "New Profile", and the web GUI's Network > Bounce Profiles. Pure.
import { INHERIT, isInherit } from '../answers.js';
import {
  BOUNCE_KEYS,
  crossFieldRefusal,
  DEFAULT_PROFILE_NAME,
  HOST_LEVEL_KEYS,
  parseSetting,
  resolveProfile,
  type BounceKey,
  type StoredProfile,
} from '../bounce-profile.js';
import { refuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig } from '../config.js';
import { formatCount } from '../format-count.js';

export const NAME_IN_USE = 'Profile name already in use';
export const DEFAULT_NOT_DELETABLE = 'The default profile may not be deleted';
export const NAME_START = 'The bounce profile name must start with a letter or underscore.';
const NAME_CHARACTERS = 'Valid characters are letters, digits, "_" and "-".';

/** Notification templates (bounce_template, delay_template): the appliance has none here. */
export const TEMPLATE_KEYS: readonly string[] = ['bounce_template', 'delay_template'];

/**
 * Names that would reach the prototype of the object profiles are stored in (config.json keeps
 * them as a plain object): `profiles["__proto__"] = ...` replaces the prototype and stores nothing.
 */
const RESERVED_NAMES = new Set(['__proto__']);

// ----- reading the table -----

/** Profile names, Default first, then in creation order (the listing's numbers). */
export function profileNames(config: ApplianceConfig): string[] {
  const names = Object.keys(config.bounceProfiles).filter((n) => n !== DEFAULT_PROFILE_NAME);
  return [DEFAULT_PROFILE_NAME, ...names];
}

/** The stored name of a profile, matched case-insensitively. */
export function findProfile(config: ApplianceConfig, name: string): string | undefined {
  return Object.keys(config.bounceProfiles).find((n) => n.toLowerCase() === name.toLowerCase());
}

/** Who uses a profile: a profile in use may not be deleted. */
export function profileUsers(config: ApplianceConfig, name: string): string[] {
  const same = (p: string | undefined) => p !== undefined && p.toLowerCase() === name.toLowerCase();
  return [
    ...config.listeners.filter((l) => same(l.bounceProfile)).map((l) => `listener ${l.name}`),
    ...config.destinations.filter((d) => same(d.bounceProfile)).map((d) => `destination ${d.domain}`),
  ];
}

/** The one rule for a profile's name, wherever a profile is created or renamed (`self`: the profile being renamed may keep its own). */
export function nameRefusal(config: ApplianceConfig, name: string, self?: string): string | undefined {
  if (!/^[A-Za-z_]/.test(name)) return NAME_START;
  // The listing is parsed as "N. name": no dots or blanks in a name.
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return NAME_CHARACTERS;
  if (RESERVED_NAMES.has(name)) return `"${name}" is a reserved name: choose another.`;
  const holder = findProfile(config, name);
  return holder !== undefined && holder !== self ? NAME_IN_USE : undefined;
}

export function deleteRefusal(config: ApplianceConfig, name: string): string | undefined {
  if (name.toLowerCase() === DEFAULT_PROFILE_NAME.toLowerCase()) return DEFAULT_NOT_DELETABLE;
  const users = profileUsers(config, name);
  if (users.length) return `The profile "${name}" is used by ${users.join(', ')}: give it another profile first.`;
  return undefined;
}

/** The cross-field rules of a profile as it would act (maximum wait at least the initial one). */
export function storedRefusal(config: ApplianceConfig, name: string, stored: StoredProfile): string | undefined {
  return storedFieldRefusal(config, name, stored)?.error;
}

/** storedRefusal with the setting it is about (a form shows the refusal beside that field). */
export function storedFieldRefusal(config: ApplianceConfig, name: string, stored: StoredProfile): { key: BounceKey; error: string } | undefined {
  return crossFieldRefusal(resolveProfile({ ...config.bounceProfiles, [name]: stored }, name));
}

function describeValue(v: unknown): string {
  if (v === undefined) return INHERIT;
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number') return formatCount(v);
  return v ? 'Yes' : 'No';
}

const existing = (config: ApplianceConfig, name: string): string => findProfile(config, name) ?? refuse(`the bounce profile "${name}" no longer exists`);

// ----- the operations -----

export function createProfile(name: string, stored: StoredProfile): ConfigChange {
  return {
    description: `Created bounce profile "${name}".`,
    apply(config) {
      const refusal = nameRefusal(config, name) ?? storedRefusal(config, name, stored);
      if (refusal) refuse(refusal);
      config.bounceProfiles[name] = { ...stored };
    },
  };
}

/** Only the settings that changed, so another session's edit of other settings survives; undefined when nothing changed. */
export function editProfile(name: string, before: StoredProfile, after: StoredProfile): ConfigChange | undefined {
  const changed = BOUNCE_KEYS.filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return undefined;
  const what = changed.map((k) => `${k} ${describeValue(before[k])} -> ${describeValue(after[k])}`).join(', ');
  return {
    description: `Edited bounce profile "${name}": ${what}.`,
    apply(config) {
      const stored = existing(config, name);
      const next = { ...config.bounceProfiles[stored] };
      for (const k of changed) {
        if (after[k] === undefined) delete next[k];
        else (next as Record<string, unknown>)[k] = after[k];
      }
      const refusal = storedRefusal(config, stored, next);
      if (refusal) refuse(refusal);
      config.bounceProfiles[stored] = next;
    },
  };
}

/**
 * A rename moves the profile's settings and every listener and destination that uses it; mail
 * queued under the old name keeps the profile (`bounceProfileRenames`, followed by delivery).
 */
export function renameProfile(from: string, to: string): ConfigChange {
  return {
    description: `Renamed bounce profile "${from}" to "${to}".`,
    apply(config) {
      const stored = existing(config, from);
      const refusal = nameRefusal(config, to, stored);
      if (refusal) refuse(refusal);
      // Rebuilt in the same order, so the profile keeps its number in the listing.
      config.bounceProfiles = Object.fromEntries(Object.entries(config.bounceProfiles).map(([n, p]) => [n === stored ? to : n, p]));
      const same = (p: string | undefined) => p !== undefined && p.toLowerCase() === stored.toLowerCase();
      for (const l of config.listeners) if (same(l.bounceProfile)) l.bounceProfile = to;
      for (const d of config.destinations) if (same(d.bounceProfile)) d.bounceProfile = to;
      config.bounceProfileRenames = withRename(config.bounceProfileRenames, stored, to);
    },
  };
}

export function deleteProfile(name: string): ConfigChange {
  return {
    description: `Deleted bounce profile "${name}".`,
    apply(config) {
      const stored = existing(config, name);
      const refusal = deleteRefusal(config, stored);
      if (refusal) refuse(refusal);
      delete config.bounceProfiles[stored];
      // Mail queued under its name or one of its old names acts by Default from now on.
      const renames = config.bounceProfileRenames;
      if (renames) config.bounceProfileRenames = Object.fromEntries(Object.entries(renames).filter(([old, now]) => old !== stored && now !== stored));
    },
  };
}

/** SETUP: whether a host found down hard-bounces all mail queued for its domain; undefined when unchanged. */
export function setBounceAll(config: ApplianceConfig, bounceAll: boolean): ConfigChange | undefined {
  if (config.bounceAllWhenHostDown === bounceAll) return undefined;
  return {
    description: `Bounce all queued mail of a domain whose host is down: ${bounceAll ? 'Yes' : 'No'}.`,
    apply(next) {
      next.bounceAllWhenHostDown = bounceAll;
    },
  };
}

/** The renames with `from` → `to` added: older names of `from` follow it; `to` is a profile's name now, not an old one. */
function withRename(renames: Record<string, string> | undefined, from: string, to: string): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [old, now] of Object.entries(renames ?? {})) if (old !== to) next[old] = now === from ? to : now;
  next[from] = to;
  return next;
}

// ----- settings given by key -----

/**
 * `key=value` settings onto a profile's stored values, each checked as its question checks it;
 * `Default` (a non-Default profile) makes a value inherited again. Refuses with one line.
 */
export function withSettings(stored: StoredProfile, settings: readonly { key: string; value: string }[], isDefault: boolean): StoredProfile {
  const next = { ...stored };
  for (const { key, value } of settings) {
    if (TEMPLATE_KEYS.includes(key)) {
      // No templates exist here: only "none" (an empty value) can be given.
      if (value.trim() === '' || value.trim() === "''") continue;
      refuse(`${key}: no notification templates are configured on this appliance.`);
    }
    if (!(BOUNCE_KEYS as string[]).includes(key)) refuse(`Unknown setting "${key}": use ${BOUNCE_KEYS.join(', ')}.`);
    const k = key as BounceKey;
    if (HOST_LEVEL_KEYS.includes(k) && !isDefault) refuse(`${k} belongs to the Default profile only.`);
    if (!isDefault && isInherit(value)) {
      delete next[k];
      continue;
    }
    const p = parseSetting(k, value);
    if ('error' in p) refuse(`${k}: ${p.error}`);
    (next as Record<string, unknown>)[k] = p.value;
  }
  return next;
}
