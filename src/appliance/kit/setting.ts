// A setting as the kit asks it and takes it in a batch form: one parse for both, so the dialog
// and `key=value` refuse a bad value alike. The value's rules (range, syntax) are the model's
// (`Field`); the question's wording is the command's.
import type { Field } from '../../model/field.js';
import { CommandError, type CommandIO } from './command.js';
import { askValid } from './dialog.js';

/** Asks a field's question with `current` shown (and taken for an empty answer). */
export function askField<T>(io: CommandIO, field: Field<T>, question: string, current: T | undefined): Promise<T> {
  return askValid(io, { label: question, default: current === undefined ? undefined : field.format(current), choices: field.choices }, field.parse);
}

/** A batch value for a field: its value, or the refusal `<key>: <why>` as one line. */
export function fieldArg<T>(field: Field<T>, key: string, text: string): T {
  const p = field.parse(text);
  if ('error' in p) throw new CommandError(`${key}: ${p.error}`);
  return p.value;
}
