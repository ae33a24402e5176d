// The TLS settings as their questions list them and their batch keys spell them: a listener's
// (the HAT policy's "Do you want to allow encrypted TLS connections?", `tls=off|preferred|required`)
// and delivery's per destination (destconfig's "use TLS support", `tls=no|preferred|...`). One
// field each, for the dialogs, the batch forms and the web GUI's selects alike. Pure.
import { matchChoice, UNKNOWN_OPTION } from './answers.js';
import type { DeliveryTls, ListenerTls } from './config.js';
import type { Field } from './field.js';

interface TlsChoice<T> {
  /** As the list and the GUI's select show it. */
  label: string;
  /** As a batch key's value spells it. */
  word: string;
  value: T;
}

export const LISTENER_TLS_CHOICES: readonly TlsChoice<ListenerTls>[] = [
  { label: 'No', word: 'off', value: 'off' },
  { label: 'Preferred', word: 'preferred', value: 'preferred' },
  { label: 'Required', word: 'required', value: 'required' },
];

export const DELIVERY_TLS_CHOICES: readonly TlsChoice<DeliveryTls>[] = [
  { label: 'No', word: 'no', value: 'no' },
  { label: 'Preferred', word: 'preferred', value: 'preferred' },
  { label: 'Required', word: 'required', value: 'required' },
  { label: 'Preferred - Verify', word: 'preferred_verify', value: 'preferred_verify' },
  { label: 'Required - Verify', word: 'required_verify', value: 'required_verify' },
];

/** A choice by its number in the list, its label or its batch word (any case). */
function tlsField<T>(choices: readonly TlsChoice<T>[], batchWords: string): Field<T> & { words: string } {
  return {
    parse(text) {
      const items = choices.map((c) => [c.label, c.word, c.word === 'off' ? 'no' : c.word]);
      const i = matchChoice(text, items);
      return i === undefined ? { error: `${UNKNOWN_OPTION} Use ${batchWords}.` } : { value: choices[i].value };
    },
    format: (v) => choices.find((c) => c.value === v)?.label ?? String(v),
    choices: choices.map((c) => c.label),
    words: batchWords,
  };
}

export const listenerTlsField = tlsField(LISTENER_TLS_CHOICES, 'off, preferred or required');
export const deliveryTlsField = tlsField(DELIVERY_TLS_CHOICES, 'no, preferred, required, preferred_verify or required_verify');

/** The batch word of a setting (`preferred_verify`), as `showchanges` and the batch forms write it. */
export const deliveryTlsWord = (v: DeliveryTls): string => DELIVERY_TLS_CHOICES.find((c) => c.value === v)!.word;
export const listenerTlsWord = (v: ListenerTls): string => LISTENER_TLS_CHOICES.find((c) => c.value === v)!.word;

export const requiresTls = (v: DeliveryTls): boolean => v === 'required' || v === 'required_verify';

/** The DANE choices destconfig lists; only No is available. */
export const DANE_CHOICES = ['No', 'Opportunistic', 'Mandatory'] as const;

/** Why DANE cannot be chosen here. */
export const DANE_REFUSAL = 'DANE is not available here: it needs DNSSEC-signed TLSA records from DNS, and this appliance resolves no DNS for them.';
