// Bounce profiles: the settings, their defaults and valid ranges (one table shared by the
// dialogs, the batch form and validation), inheritance from Default, and the retry schedule.
import { parseInteger, parseYesNo, yesNoText } from './answers.js';
import type { Field } from './field.js';

export interface BounceSettings {
  max_retries: number;
  max_queue_lifetime: number;
  initial_retry: number;
  max_retry_timeout: number;
  send_bounces: boolean;
  use_dsn_bounce_format: boolean;
  bounce_subject: string;
  use_bounce_response_code: boolean;
  send_warnings: boolean;
  send_warnings_interval: number;
  send_warnings_count: number;
  delay_subject: string;
  /** Empty string: bounces go to the envelope sender. */
  bounce_address: string;
  /** DomainKeys/DKIM signing of bounces: stored and shown; the sandbox signs nothing. */
  sign_bounce_messages: boolean;
  /** Host-level settings: only the Default profile carries them. */
  host_initial_retry: number;
  host_max_retry_timeout: number;
  max_bounce_copy: number;
}

export type BounceKey = keyof BounceSettings;

/** A stored profile: Default has every key; another profile omits the keys it inherits. */
export type StoredProfile = Partial<BounceSettings>;

export const DEFAULT_PROFILE_NAME = 'Default';

export const DEFAULT_BOUNCE_SETTINGS: BounceSettings = {
  max_retries: 100,
  max_queue_lifetime: 259_200,
  initial_retry: 60,
  max_retry_timeout: 3_600,
  send_bounces: true,
  use_dsn_bounce_format: true,
  bounce_subject: 'Delivery Status Notification (Failure)',
  use_bounce_response_code: false,
  send_warnings: false,
  send_warnings_interval: 14_400,
  send_warnings_count: 1,
  delay_subject: 'Delivery Status Notification (Delay)',
  bounce_address: '',
  sign_bounce_messages: false,
  host_initial_retry: 60,
  host_max_retry_timeout: 3_600,
  max_bounce_copy: 10_000,
};

export type SettingKind = { type: 'integer'; min: number; max: number } | { type: 'boolean' } | { type: 'text' } | { type: 'address' };

export const SETTING_KINDS: Record<BounceKey, SettingKind> = {
  max_retries: { type: 'integer', min: 0, max: 10_000 },
  max_queue_lifetime: { type: 'integer', min: 0, max: 3_000_000 },
  initial_retry: { type: 'integer', min: 60, max: 86_400 },
  max_retry_timeout: { type: 'integer', min: 60, max: 86_400 },
  send_bounces: { type: 'boolean' },
  use_dsn_bounce_format: { type: 'boolean' },
  bounce_subject: { type: 'text' },
  use_bounce_response_code: { type: 'boolean' },
  send_warnings: { type: 'boolean' },
  send_warnings_interval: { type: 'integer', min: 0, max: 3_000_000 },
  send_warnings_count: { type: 'integer', min: 1, max: 100 },
  delay_subject: { type: 'text' },
  bounce_address: { type: 'address' },
  sign_bounce_messages: { type: 'boolean' },
  host_initial_retry: { type: 'integer', min: 60, max: 86_400 },
  host_max_retry_timeout: { type: 'integer', min: 60, max: 86_400 },
  max_bounce_copy: { type: 'integer', min: 0, max: 100_000_000 },
};

/** Settings that belong to the Default profile alone. */
export const HOST_LEVEL_KEYS: readonly BounceKey[] = ['host_initial_retry', 'host_max_retry_timeout', 'max_bounce_copy'];

export const BOUNCE_KEYS = Object.keys(DEFAULT_BOUNCE_SETTINGS) as BounceKey[];

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function validAddress(text: string): boolean {
  return ADDRESS.test(text);
}

/**
 * Parses a setting given as text (batch form or an answer) with the answer grammar of
 * commands/answers.ts; returns the value or the reason.
 */
export function parseSetting(key: BounceKey, text: string): { value: BounceSettings[BounceKey] } | { error: string } {
  const kind = SETTING_KINDS[key];
  const raw = text.trim();
  switch (kind.type) {
    case 'integer':
      return parseInteger(raw, kind.min, kind.max);
    case 'boolean':
      return parseYesNo(raw);
    case 'text':
      return { value: raw };
    case 'address':
      if (raw === '') return { value: '' };
      if (!validAddress(raw)) return { error: 'Please enter a valid email address.' };
      return { value: raw };
  }
}

/** A setting as a form field: read by parseSetting, written back as it is typed. */
export function settingField<K extends BounceKey>(key: K): Field<BounceSettings[K]> {
  return {
    parse: (text) => parseSetting(key, text) as { value: BounceSettings[K] } | { error: string },
    format: (value) => (typeof value === 'boolean' ? yesNoText(value) : String(value)),
  };
}

/** A cross-field rule a profile breaks, and the setting that has to change (the maximum wait). */
export function crossFieldRefusal(settings: BounceSettings): { key: BounceKey; error: string } | undefined {
  if (settings.max_retry_timeout < settings.initial_retry) {
    return { key: 'max_retry_timeout', error: 'The maximum retry wait must be at least the initial retry wait.' };
  }
  if (settings.host_max_retry_timeout < settings.host_initial_retry) {
    return { key: 'host_max_retry_timeout', error: 'The maximum host retry wait must be at least the initial host retry wait.' };
  }
  return undefined;
}

/** Cross-field rules that single-field checks cannot see. */
export function checkProfile(settings: BounceSettings): string | undefined {
  return crossFieldRefusal(settings)?.error;
}

/** The stored profile of that exact name: own keys only (never `constructor`, `toString`, ... of Object). */
export function ownProfile(profiles: Record<string, StoredProfile>, name: string): StoredProfile | undefined {
  return Object.hasOwn(profiles, name) ? profiles[name] : undefined;
}

/**
 * The name a profile has now, for a name a message was queued with: a rename since then is
 * followed (`bounceProfileRenames`); a name no profile has, nor had, stays (it acts by Default).
 */
export function currentProfileName(
  config: { bounceProfiles: Record<string, StoredProfile>; bounceProfileRenames?: Record<string, string> },
  name: string,
): string {
  if (Object.hasOwn(config.bounceProfiles, name)) return name;
  const renamed = config.bounceProfileRenames;
  return renamed && Object.hasOwn(renamed, name) ? renamed[name] : name;
}

/** The effective settings of a profile: its own values over Default's. Unknown names resolve to Default. */
export function resolveProfile(profiles: Record<string, StoredProfile>, name: string | undefined): BounceSettings {
  const base = { ...DEFAULT_BOUNCE_SETTINGS, ...(ownProfile(profiles, DEFAULT_PROFILE_NAME) ?? {}) };
  const own = name && name !== DEFAULT_PROFILE_NAME ? ownProfile(profiles, name) : undefined;
  if (!own) return base;
  const merged: BounceSettings = { ...base };
  for (const key of BOUNCE_KEYS) {
    if (HOST_LEVEL_KEYS.includes(key)) continue;
    const v = own[key];
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[key] = v;
  }
  return merged;
}

/**
 * Seconds to wait after the `failures`-th failed attempt: `initial` after the first,
 * doubling after each later one, never beyond `maximum`.
 */
export function retryWaitSeconds(failures: number, initial: number, maximum: number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 40);
  return Math.min(initial * 2 ** exp, maximum);
}

/** Whether a recipient has used up its profile before another attempt (5.4.7). */
export function isExpired(
  settings: Pick<BounceSettings, 'max_retries' | 'max_queue_lifetime'>,
  arrival: number,
  attempts: number,
  now: number,
): 'lifetime' | 'retries' | undefined {
  if (now - arrival > settings.max_queue_lifetime * 1000) return 'lifetime';
  // The first attempt is not a retry: a profile allows 1 + max_retries attempts.
  if (attempts > 0 && attempts - 1 >= settings.max_retries) return 'retries';
  return undefined;
}
