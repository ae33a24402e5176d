// A field asked as a question: the value's rules (range, syntax) are the model's `Field`, the
// same parse the batch forms and the web GUI use; the question's wording is the command's.
import type { Field } from '../../model/field.js';
import type { CommandIO } from './command.js';
import { askValid } from './dialog.js';

/** Asks a field's question with `current` shown (and taken for an empty answer). */
export function askField<T>(io: CommandIO, field: Field<T>, question: string, current: T | undefined): Promise<T> {
  return askValid(io, { label: question, default: current === undefined ? undefined : field.format(current), choices: field.choices }, field.parse);
}
