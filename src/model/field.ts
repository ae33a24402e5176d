// A field of a configuration table: how a typed value is read and checked, and how the stored
// value is written back. Every front end takes values through these — the CLI's questions and
// `key=value` batch forms, the web GUI's form fields — so each refuses a value alike. Pure.
import { matchChoice, parseInteger, parseYesNo, UNKNOWN_OPTION, yesNoText, type Parsed } from './answers.js';

export interface Field<T> {
  /** Reads a typed value, or says why it is refused. */
  parse(text: string): Parsed<T>;
  /** The value as shown (in a question's brackets, a form's field) and typed back. */
  format(value: T): string;
  /** Words accepted here, offered to completion. */
  choices?: string[];
}

/** A whole number in a range (`1,000` or `1000`). */
export function integerField(range: { min: number; max: number }): Field<number> & { range: { min: number; max: number } } {
  return { range, parse: (t) => parseInteger(t, range.min, range.max), format: (v) => String(v) };
}

export const yesNoField: Field<boolean> = { parse: parseYesNo, format: yesNoText, choices: ['Yes', 'No'] };

/** Free text; `check` says why a text is refused. */
export function textField(check?: (text: string) => string | undefined): Field<string> {
  return {
    parse: (t) => {
      const error = check?.(t);
      return error ? { error } : { value: t };
    },
    format: (v) => v,
  };
}

/** A field whose parse also refuses what a configuration does not allow (a name in use, a port taken). */
export function withCheck<T>(field: Field<T>, check: (value: T) => string | undefined): Field<T> {
  return {
    ...field,
    parse: (t) => {
      const p = field.parse(t);
      if ('error' in p) return p;
      const error = check(p.value);
      return error ? { error } : p;
    },
  };
}

/** One of a list of choices, by its label (any case): a menu's words, a form's select. */
export function choiceField<T>(choices: readonly { label: string; value: T }[]): Field<T> {
  return {
    parse(t) {
      const i = matchChoice(
        t,
        choices.map((c) => c.label),
        false,
      );
      return i === undefined ? { error: UNKNOWN_OPTION } : { value: choices[i].value };
    },
    format: (v) => choices.find((c) => c.value === v)?.label ?? String(v),
    choices: choices.map((c) => c.label),
  };
}

/** A field that may be left empty: empty text is undefined (the setting is not set). */
export function optionalField<T>(field: Field<T>): Field<T | undefined> {
  return {
    parse: (t) => (t.trim() === '' ? { value: undefined } : field.parse(t)),
    format: (v) => (v === undefined ? '' : field.format(v)),
    ...(field.choices ? { choices: field.choices } : {}),
  };
}

export type { Parsed };
