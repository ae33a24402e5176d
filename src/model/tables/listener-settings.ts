// A listener's settings given by key (`listenerconfig new|edit <name> key=value ...`): each value
// is read by the field its question uses; a bad one is refused as `Invalid "<key>" value: <why>`. Pure.
import { parseYesNo, type Parsed } from '../answers.js';
import { refuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig, HatPolicy, ListenerConfig, SmtpResponse } from '../config.js';
import type { Field } from '../field.js';
import { findProfile } from './bounce-profiles.js';
import {
  codeField,
  hostnameField,
  maxConnectionsPerHostField,
  maxMessagesPerConnectionField,
  maxRecipientsField,
  sizeField,
  STANDARD_CODE,
} from './host-access.js';
import { addressField, editListener, listenQueueField, maxConnectionsField, portField, relayHostsField } from './listeners.js';
import { parsePatterns } from './recipient-access.js';
import { groupBitsField, invalidPerHourField, recipientsPerHourField, storedPolicy } from './hat-policy.js';
import { listenerTlsField } from '../tls-settings.js';
import { parseCertificateName } from './certificates.js';

export interface Setting {
  key: string;
  value: string;
}

/** `Invalid "<key>" value: <why>`: a batch value refused. */
export function invalidValue(key: string, why: string): never {
  refuse(`Invalid "${key}" value: ${why}`);
}

/** The value of a batch key as its field read it, or the refusal `Invalid "<key>" value: <why>`. */
export function settingValue<T>(key: string, p: Parsed<T>): T {
  return 'error' in p ? invalidValue(key, p.error) : p.value;
}

const isNo = (v: string) => {
  const p = parseYesNo(v);
  return 'value' in p && !p.value;
};

/** The custom responses' keys: text and code are taken together, after the other keys. */
type ResponseKey = 'cust_acc' | 'acc_code' | 'cust_rej' | 'rej_code';

interface Context {
  config: ApplianceConfig;
  creating: boolean;
  responses: Partial<Record<ResponseKey, string>>;
}

type Setter = (lc: ListenerConfig, value: string, context: Context) => void;

type NumberProperty = 'maxConnections' | 'listenQueue' | 'maxConnectionsPerHost' | 'maxMessagesPerConnection' | 'maxRecipients';

const numberSetting =
  (key: string, field: Field<number>, property: NumberProperty): Setter =>
  (lc, v) => {
    lc[property] = settingValue(key, field.parse(v));
  };

const responseSetting =
  (key: ResponseKey): Setter =>
  (_lc, v, context) => {
    context.responses[key] = v;
  };

/** Every key, in the order the refusal of an unknown one lists them. */
const SETTINGS: Record<string, Setter> = {
  name: (lc, v) => {
    lc.name = v;
  },
  interface: (lc, v) => {
    lc.host = settingValue('interface', addressField.parse(v));
  },
  port: (lc, v) => {
    lc.port = settingValue('port', portField.parse(v));
  },
  type: (lc, v) => {
    const t = v.toLowerCase();
    if (t !== 'public' && t !== 'private') invalidValue('type', 'use public or private.');
    lc.type = t === 'public' ? 'Public' : 'Private';
  },
  accept: (lc, v, { creating }) => {
    if (!creating) invalidValue('accept', 'on an existing listener use "rcptaccess add".');
    lc.rat = settingValue('accept', parsePatterns(v)).map((pattern) => ({ pattern, action: 'ACCEPT' as const }));
  },
  relay: (lc, v) => {
    lc.relayHosts = settingValue('relay', relayHostsField.parse(v));
  },
  bounce_profile: (lc, v, { config }) => {
    lc.bounceProfile = findProfile(config, v) ?? invalidValue('bounce_profile', `there is no bounce profile named "${v}".`);
  },
  max_connections: numberSetting('max_connections', maxConnectionsField, 'maxConnections'),
  listen_queue: numberSetting('listen_queue', listenQueueField, 'listenQueue'),
  max_size: (lc, v) => {
    lc.maxMessageSize = settingValue('max_size', sizeField.parse(v));
  },
  max_conn: numberSetting('max_conn', maxConnectionsPerHostField, 'maxConnectionsPerHost'),
  max_msgs: numberSetting('max_msgs', maxMessagesPerConnectionField, 'maxMessagesPerConnection'),
  max_rcpt: numberSetting('max_rcpt', maxRecipientsField, 'maxRecipients'),
  override: (lc, v) => {
    if (isNo(v)) delete lc.bannerHostname;
    else lc.bannerHostname = settingValue('override', hostnameField.parse(v));
  },
  tls: (lc, v) => {
    const tls = settingValue('tls', listenerTlsField.parse(v));
    if (tls === 'off') delete lc.tls;
    else lc.tls = tls;
  },
  certificate: (lc, v, { config }) => {
    lc.certificate = settingValue('certificate', parseCertificateName(config, v));
  },
  // The rate limiting, harvest prevention and SenderBase settings (hat-policy.ts); "no" switches one off.
  rate_lim: (lc, v) => setPolicy(lc, { rateLimit: isNo(v) ? undefined : { recipientsPerHour: settingValue('rate_lim', recipientsPerHourField.parse(v)) } }),
  dhap: (lc, v) => setPolicy(lc, { dhap: isNo(v) ? undefined : { invalidPerHour: settingValue('dhap', invalidPerHourField.parse(v)), action: 'drop' } }),
  use_sb: (lc, v) => setPolicy(lc, { senderBaseFlowControl: settingValue('use_sb', parseYesNo(v)) || undefined }),
  sig_bits: (lc, v) => setPolicy(lc, { groupBits: isNo(v) ? undefined : settingValue('sig_bits', groupBitsField.parse(v)) }),
  cust_acc: responseSetting('cust_acc'),
  acc_code: responseSetting('acc_code'),
  cust_rej: responseSetting('cust_rej'),
  rej_code: responseSetting('rej_code'),
};

/** Changes some of the policy's settings (undefined: off). */
function setPolicy(lc: ListenerConfig, change: Partial<HatPolicy>): void {
  const next = storedPolicy({ ...lc.hatPolicy, ...change });
  if (next) lc.hatPolicy = next;
  else delete lc.hatPolicy;
}

const RESPONSES = [
  { field: 'acceptResponse', kind: 'acceptance', text: 'cust_acc', code: 'acc_code' },
  { field: 'rejectResponse', kind: 'rejection', text: 'cust_rej', code: 'rej_code' },
] as const;

/** A custom response from its text and code keys (`cust_acc=no` removes it); a code needs a text. */
function setResponses(lc: ListenerConfig, responses: Context['responses']): void {
  for (const r of RESPONSES) {
    const text = responses[r.text];
    const typedCode = responses[r.code];
    if (text === undefined && typedCode === undefined) continue;
    const code = typedCode === undefined ? undefined : settingValue(r.code, codeField(r.kind).parse(typedCode));
    if (text !== undefined && isNo(text)) {
      delete lc[r.field];
      continue;
    }
    const current: SmtpResponse | undefined = lc[r.field];
    const next = { code: code ?? current?.code ?? STANDARD_CODE[r.kind], text: text ?? current?.text ?? '' };
    if (next.text === '') invalidValue(r.code, `give the response text too (${r.text}=...)`);
    lc[r.field] = next;
  }
}

/** The listener with `key=value` settings applied (`creating`: NEW's, which may also set `accept`); refuses with one line. */
export function withSettings(lc: ListenerConfig, settings: readonly Setting[], config: ApplianceConfig, creating: boolean): ListenerConfig {
  const next = structuredClone(lc);
  const context: Context = { config, creating, responses: {} };
  for (const { key, value } of settings) {
    if (!Object.hasOwn(SETTINGS, key)) refuse(`Unknown setting "${key}": use ${Object.keys(SETTINGS).join(', ')}.`);
    SETTINGS[key](next, value, context);
  }
  setResponses(next, context.responses);
  return next;
}

/** `listenerconfig edit <name> key=value ...`: the settings applied to the listener as it is when the change is applied. */
export function editSettings(listener: string, settings: readonly Setting[]): ConfigChange {
  const what = settings.map(({ key, value }) => `${key}=${value}`).join(' ');
  return editListener(listener, what, (lc, config) => withSettings(lc, settings, config, false));
}
