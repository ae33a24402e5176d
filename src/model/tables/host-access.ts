// A listener's host access (HOSTACCESS): its default policy parameters, the values they take,
// how PRINT shows them and the table the listener acts on, and their change. Pure.
import { parseInteger, type Parsed } from '../answers.js';
import type { ConfigChange } from '../change.js';
import type { ListenerConfig, SmtpResponse } from '../config.js';
import { integerField, type Field } from '../field.js';
import { formatCount } from '../format-count.js';
import { listenerTlsField } from '../tls-settings.js';
import { editListener } from './listeners.js';
import { hatPolicyLines, hatPolicySummary } from './hat-policy.js';

/** The default policy parameters (a subset of the listener's settings). */
export type HatParams = Pick<
  ListenerConfig,
  | 'maxMessageSize'
  | 'maxConnectionsPerHost'
  | 'maxMessagesPerConnection'
  | 'maxRecipients'
  | 'bannerHostname'
  | 'acceptResponse'
  | 'rejectResponse'
  | 'tls'
  | 'hatPolicy'
>;

const HAT_KEYS: readonly (keyof HatParams)[] = [
  'maxMessageSize',
  'maxConnectionsPerHost',
  'maxMessagesPerConnection',
  'maxRecipients',
  'bannerHostname',
  'acceptResponse',
  'rejectResponse',
  'tls',
  'hatPolicy',
];

// ----- the values -----

const SIZE_MIN = 1024;
const SIZE_MAX = 100 * 1024 * 1024;
export const SIZE_ERROR = 'Value must be a size from 1k to 100M: a number of bytes, or with a trailing k (kilobytes) or M (megabytes).';

/** The maximum message size: `10M`, `512k`, `1048576` (bytes). */
export const sizeField: Field<number> = {
  parse(text) {
    const m = /^(\d+)\s*([kKmM]?)$/.exec(text.trim().replaceAll(',', ''));
    if (!m) return { error: SIZE_ERROR };
    const unit = m[2].toLowerCase() === 'm' ? 1024 * 1024 : m[2] ? 1024 : 1;
    const n = Number(m[1]) * unit;
    return n >= SIZE_MIN && n <= SIZE_MAX ? { value: n } : { error: SIZE_ERROR };
  },
  format(bytes) {
    if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}M`;
    if (bytes % 1024 === 0) return `${bytes / 1024}k`;
    return String(bytes);
  },
};

export const maxConnectionsPerHostField = integerField({ min: 1, max: 1_000 });
export const maxMessagesPerConnectionField = integerField({ min: 1, max: 1_000_000 });
export const maxRecipientsField = integerField({ min: 1, max: 100_000 });

/** The SMTP banner's hostname. */
export const hostnameField: Field<string> = {
  parse(text) {
    const t = text.trim();
    const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
    if (t.length <= 253 && new RegExp(`^${label}(?:\\.${label})*$`).test(t)) return { value: t };
    return { error: 'Invalid hostname format: use letters, digits, "-" and dots (mail.example.com).' };
  },
  format: (v) => v,
};

/** The code of a custom response: 2xx greets (acceptance), 4xx/5xx refuse (rejection, a RAT entry's REJECT). */
export function codeField(kind: 'acceptance' | 'rejection'): Field<number> {
  return {
    parse: (text): Parsed<number> => (kind === 'acceptance' ? parseInteger(text, 200, 299) : parseInteger(text, 400, 599)),
    format: (v) => String(v),
  };
}

/** The code a custom response has unless another is given. */
export const STANDARD_CODE = { acceptance: 220, rejection: 554 } as const;

// ----- reading -----

export function pickHat(lc: ListenerConfig): HatParams {
  const out: Partial<HatParams> = {};
  for (const k of HAT_KEYS) if (lc[k] !== undefined) (out as Record<string, unknown>)[k] = structuredClone(lc[k]);
  return out as HatParams;
}

/** A custom response as one line (`554 Go away`; lines of a multi-line one joined by ` / `), or `None`. */
export const responseText = (r: SmtpResponse | undefined): string => (r ? `${r.code} ${r.text.replaceAll('\n', ' / ')}` : 'None');

/** The parameters as PRINT and the HOSTACCESS screen show them. */
export function hatLines(lc: ListenerConfig): string[] {
  return [
    'Default Policy Parameters',
    '=========================',
    `Maximum Message Size: ${sizeField.format(lc.maxMessageSize)}`,
    `Maximum Number Of Concurrent Connections From A Single IP: ${formatCount(lc.maxConnectionsPerHost)}`,
    `Maximum Number Of Messages Per Connection: ${formatCount(lc.maxMessagesPerConnection)}`,
    `Maximum Number Of Recipients Per Message: ${formatCount(lc.maxRecipients)}`,
    `SMTP Banner Hostname: ${lc.bannerHostname ?? 'Use Default'}`,
    `Custom SMTP Acceptance Response: ${responseText(lc.acceptResponse)}`,
    `Custom SMTP Rejection Response: ${responseText(lc.rejectResponse)}`,
    `TLS: ${listenerTlsField.format(lc.tls ?? 'off')}`,
    ...hatPolicyLines(lc.hatPolicy),
  ];
}

/** One row of the host access table a listener acts on: the senders and what they may do. */
export interface HatRow {
  senders: string;
  behavior: 'ACCEPT' | 'RELAY' | 'REJECT';
}

/** The host access table the listener acts on: Private relays for its hosts (and rejects the rest), Public accepts all. */
export function hatTable(lc: ListenerConfig): HatRow[] {
  if (lc.type === 'Public') return [{ senders: 'ALL', behavior: 'ACCEPT' }];
  const relay = lc.relayHosts.map((h): HatRow => ({ senders: h, behavior: 'RELAY' }));
  return lc.relayHosts.includes('ALL') ? relay : [...relay, { senders: 'ALL', behavior: 'REJECT' }];
}

export const hatTableLines = (lc: ListenerConfig): string[] => hatTable(lc).map((r) => `${r.senders} ${r.behavior}`);

// ----- the operation -----

function shown(k: keyof HatParams, v: HatParams[keyof HatParams]): string {
  if (k === 'hatPolicy') return hatPolicySummary(v as HatParams['hatPolicy']);
  if (v === undefined) return k === 'tls' ? 'No' : 'none';
  if (k === 'maxMessageSize') return sizeField.format(v as number);
  if (k === 'tls') return listenerTlsField.format(v as NonNullable<HatParams['tls']>);
  if (typeof v === 'number') return formatCount(v);
  if (typeof v === 'string') return v;
  return responseText(v as SmtpResponse);
}

/** DEFAULT: new policy parameters (only the ones that changed are set); undefined when none changed. */
export function setHostAccess(listener: string, before: HatParams, asked: HatParams): ConfigChange | undefined {
  // TLS off is stored as no setting.
  const after: HatParams = asked.tls === 'off' ? { ...asked, tls: undefined } : asked;
  const changed = HAT_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length === 0) return undefined;
  const what = changed.map((k) => `${k} ${shown(k, before[k])} -> ${shown(k, after[k])}`).join(', ');
  return editListener(listener, what, (lc) => {
    for (const k of changed) {
      if (after[k] === undefined) delete lc[k];
      else (lc as unknown as Record<string, unknown>)[k] = structuredClone(after[k]);
    }
  });
}
