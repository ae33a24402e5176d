// The global delivery settings (deliveryconfig SETUP): the system-wide limit of outbound
// connections (honoured by delivery), the interface delivery connects from, "Possible Delivery"
// and the TLS share of the concurrency (stored and shown); their fields, how they are shown, and
// their change as every front end records it. Pure.
import { refuse, valueOrRefuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig, DeliverySettings } from '../config.js';
import { integerField, yesNoField, type Field } from '../field.js';

export const MAX_OUTBOUND_CONCURRENCY = 10_000;

export interface DeliveryValues {
  /** `Auto`, or the address connections leave from. */
  interface: string;
  possibleDelivery: boolean;
  maxConcurrency: number;
  maxTlsConcurrency: number;
  connectWithoutTls: boolean;
}

export const DELIVERY_DEFAULTS: DeliveryValues = {
  interface: 'Auto',
  possibleDelivery: true,
  maxConcurrency: MAX_OUTBOUND_CONCURRENCY,
  maxTlsConcurrency: 100,
  connectWithoutTls: true,
};

export function deliveryValues(config: Pick<ApplianceConfig, 'delivery'>): DeliveryValues {
  const own = config.delivery ?? {};
  return {
    interface: own.interface ?? DELIVERY_DEFAULTS.interface,
    possibleDelivery: own.possibleDelivery ?? DELIVERY_DEFAULTS.possibleDelivery,
    maxConcurrency: own.maxConcurrency ?? DELIVERY_DEFAULTS.maxConcurrency,
    maxTlsConcurrency: own.maxTlsConcurrency ?? DELIVERY_DEFAULTS.maxTlsConcurrency,
    connectWithoutTls: own.connectWithoutTls ?? DELIVERY_DEFAULTS.connectWithoutTls,
  };
}

export const maxConcurrencyField = integerField({ min: 1, max: MAX_OUTBOUND_CONCURRENCY });
/** The TLS share may not exceed the whole. */
export const maxTlsConcurrencyField = (maxConcurrency: number): Field<number> => integerField({ min: 1, max: maxConcurrency });

/** The lines the command shows (the appliance's labels: scripts find each value after its `:`). */
export function deliveryLines(v: DeliveryValues, interfaceLabel: string): string[] {
  return [
    `Default interface to deliver mail: ${interfaceLabel}`,
    `"Possible Delivery": ${v.possibleDelivery ? 'Enabled' : 'Disabled'}`,
    `Default system wide maximum outbound message delivery concurrency: ${v.maxConcurrency}`,
    `Default system wide TLS maximum outbound message delivery concurrency: ${v.maxTlsConcurrency}`,
  ];
}

const KEYS: Record<string, keyof DeliveryValues> = {
  interface: 'interface',
  possible_delivery: 'possibleDelivery',
  max_concurrency: 'maxConcurrency',
  max_tls_concurrency: 'maxTlsConcurrency',
  connect_without_tls: 'connectWithoutTls',
};
export const DELIVERY_KEYS = Object.keys(KEYS);
const KEY_OF = Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [v, k])) as Record<keyof DeliveryValues, string>;

/** Batch `key=value` settings over the current ones; `interfaceOf` reads an interface (`Auto`, or one of the appliance's). */
export function deliverySettings(
  current: DeliveryValues,
  assignments: readonly { key: string; value: string }[],
  interfaceOf: (text: string) => string | undefined,
): DeliveryValues {
  const next = { ...current };
  for (const { key, value } of assignments) {
    const k = KEYS[key];
    if (!k) refuse(`Unknown key "${key}": use ${DELIVERY_KEYS.join(', ')}.`);
    if (k === 'interface') {
      const address = interfaceOf(value);
      if (address === undefined) refuse(`interface: no interface "${value}" (use Auto or an address of this appliance).`);
      next.interface = address;
    } else if (k === 'maxConcurrency') next.maxConcurrency = valueOrRefuse(maxConcurrencyField.parse(value), key);
    else if (k === 'maxTlsConcurrency') next.maxTlsConcurrency = valueOrRefuse(integerField({ min: 1, max: MAX_OUTBOUND_CONCURRENCY }).parse(value), key);
    else next[k] = valueOrRefuse(yesNoField.parse(value), key);
  }
  if (next.maxTlsConcurrency > next.maxConcurrency) {
    // A lower whole lowers the TLS share with it, unless that share was given too.
    if (assignments.some((a) => a.key === 'max_tls_concurrency')) {
      refuse(`max_tls_concurrency: ${next.maxTlsConcurrency} is more than max_concurrency (${next.maxConcurrency}).`);
    }
    next.maxTlsConcurrency = next.maxConcurrency;
  }
  return next;
}

const shown = (v: DeliveryValues[keyof DeliveryValues]) => (typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v));

/** SETUP: new global delivery settings (only what changed is recorded); undefined when nothing changed. */
export function setDelivery(before: DeliveryValues, after: DeliveryValues): ConfigChange | undefined {
  const changed = (Object.keys(KEY_OF) as (keyof DeliveryValues)[]).filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return undefined;
  return {
    description: `Delivery settings: ${changed.map((k) => `${KEY_OF[k]} ${shown(before[k])} -> ${shown(after[k])}`).join(', ')}.`,
    apply(config) {
      const own: DeliverySettings = { ...config.delivery };
      for (const k of changed) (own as Record<string, unknown>)[k] = after[k];
      config.delivery = own;
    },
  };
}
