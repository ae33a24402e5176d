// The log subscriptions (logconfig): here the one the appliance writes, the mail log — how it is
// listed, its settings (rollover size and files kept, which the mail log honours; the level,
// stored and shown), their fields, and the edit as a change every front end records alike. Pure.
import { refuse, valueOrRefuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig, MailLogSettings } from '../config.js';
import { choiceField, integerField, type Field } from '../field.js';

export const MAIL_LOG_NAME = 'mail_logs';

/** What the mail log does unless logconfig says otherwise. */
export const MAIL_LOG_DEFAULTS = { maxFileSize: 10 * 1024 * 1024, maxFiles: 5, level: 'Information' } as const;

export type LogLevel = NonNullable<MailLogSettings['level']>;
export const LOG_LEVELS: readonly LogLevel[] = ['Critical', 'Warning', 'Information', 'Debug', 'Trace'];

/** How logs are fetched: only manual download (the files in the data dir's logs/) is simulated. */
export const RETRIEVAL_METHODS = ['Manually Download', 'FTP Push', 'SCP Push', 'Syslog Push'] as const;
export const RETRIEVAL_REFUSAL = "Only manual download is simulated: the mail log's files are in the data dir's logs/ directory.";

/** The listing's line (`1. "mail_logs" Type: ...`), as tail and grep list the logs too. */
export const mailLogListItem = `"${MAIL_LOG_NAME}" Type: "Text Mail Logs" Retrieval: Manual Download`;

export interface MailLogValues {
  maxFileSize: number;
  maxFiles: number;
  level: LogLevel;
}

/** The settings the mail log acts with. */
export function mailLogValues(config: Pick<ApplianceConfig, 'mailLog'>): MailLogValues {
  const own = config.mailLog ?? {};
  return {
    maxFileSize: own.maxFileSize ?? MAIL_LOG_DEFAULTS.maxFileSize,
    maxFiles: own.maxFiles ?? MAIL_LOG_DEFAULTS.maxFiles,
    level: own.level ?? MAIL_LOG_DEFAULTS.level,
  };
}

const SIZE_MIN = 100 * 1024;
const SIZE_MAX = 10 * 1024 * 1024 * 1024;
export const FILE_SIZE_ERROR = 'Value must be a size from 100k to 10G: a number of bytes, or with a trailing k, M or G.';

/** The file size at which the log is rolled over: `10M`, `500k`, `2G`, or bytes. */
export const maxFileSizeField: Field<number> = {
  parse(text) {
    const m = /^(\d+)\s*([kKmMgG]?)$/.exec(text.trim().replaceAll(',', ''));
    if (!m) return { error: FILE_SIZE_ERROR };
    const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
    const n = Number(m[1]) * unit;
    return n >= SIZE_MIN && n <= SIZE_MAX ? { value: n } : { error: FILE_SIZE_ERROR };
  },
  format(bytes) {
    for (const [unit, size] of [
      ['G', 1024 ** 3],
      ['M', 1024 ** 2],
      ['k', 1024],
    ] as const) {
      if (bytes % size === 0) return `${bytes / size}${unit}`;
    }
    return String(bytes);
  },
};

export const maxFilesField = integerField({ min: 1, max: 1_000 });
export const logLevelField = choiceField(LOG_LEVELS.map((l) => ({ label: l, value: l })));

/** The name may not change: the mail log is the one subscription. */
export function checkLogName(name: string): string | undefined {
  return name.trim().toLowerCase() === MAIL_LOG_NAME ? undefined : `The mail log subscription is named ${MAIL_LOG_NAME}; it cannot be renamed.`;
}

const KEYS: Record<string, keyof MailLogValues> = { max_file_size: 'maxFileSize', max_files: 'maxFiles', log_level: 'level' };
export const MAIL_LOG_KEYS = Object.keys(KEYS);

/** Batch `key=value` settings over the current values; a key or value that does not fit refuses. */
export function mailLogSettings(current: MailLogValues, assignments: readonly { key: string; value: string }[]): MailLogValues {
  const next = { ...current };
  for (const { key, value } of assignments) {
    const k = KEYS[key];
    if (!k) refuse(`Unknown key "${key}": use ${MAIL_LOG_KEYS.join(', ')}.`);
    if (k === 'maxFileSize') next.maxFileSize = valueOrRefuse(maxFileSizeField.parse(value), key);
    else if (k === 'maxFiles') next.maxFiles = valueOrRefuse(maxFilesField.parse(value), key);
    else next.level = valueOrRefuse(logLevelField.parse(value), key);
  }
  return next;
}

const shown = (k: keyof MailLogValues, v: MailLogValues[keyof MailLogValues]) => (k === 'maxFileSize' ? maxFileSizeField.format(v as number) : String(v));
const KEY_OF: Record<keyof MailLogValues, string> = { maxFileSize: 'max_file_size', maxFiles: 'max_files', level: 'log_level' };

/** EDIT: the mail log's new settings (only what changed is recorded); undefined when nothing changed. */
export function editMailLog(before: MailLogValues, after: MailLogValues): ConfigChange | undefined {
  const changed = (Object.keys(KEY_OF) as (keyof MailLogValues)[]).filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return undefined;
  return {
    description: `Edited log subscription "${MAIL_LOG_NAME}": ${changed.map((k) => `${KEY_OF[k]} ${shown(k, before[k])} -> ${shown(k, after[k])}`).join(', ')}.`,
    apply(config) {
      const own: MailLogSettings = { ...config.mailLog };
      for (const k of changed) {
        if (k === 'level') own.level = after.level;
        else own[k] = after[k];
      }
      config.mailLog = own;
    },
  };
}
