// Settings forms declared as data: each field's caption, its id/name (the drivers find inputs by
// either, so both are the same), its kind of input, and the model's `Field` that reads and checks
// the typed value — the same parse the CLI's questions and `key=value` forms use. Rendering
// keeps every input in the DOM (a field shown by another's value is only hidden), and errors
// appear beside their field as `<div class="error">`.
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Field } from '../model/field.js';
import type { FormBody } from './page.js';

/** Another field's value that shows a field: it has one of these values. */
export interface ShownWhen {
  name: string;
  values: readonly string[];
}

export interface FormField {
  /** The input's id and name (a heading's id). */
  name: string;
  /** The caption in the form's left column (a heading's text). */
  label: string;
  /** `heading`: a section's title row across the form, no input. */
  kind?: 'text' | 'password' | 'textarea' | 'select' | 'radio' | 'checkbox' | 'heading';
  /** Choices of a select or radio group: each option's value is its label (drivers pass the words). */
  options?: readonly string[];
  /** A radio group's ids, one per option (the drivers click `type_public`); absent: the name, then `<name>_<i>`. */
  optionIds?: readonly string[];
  /** Reads and checks the typed text; absent: the text as typed. */
  field?: Field<unknown>;
  /** Shown only while another field has one of these values (several: while all hold); still in the DOM when hidden. */
  shownWhen?: ShownWhen | readonly ShownWhen[];
  /** Shown as text (with a hidden input of the same name): a Default profile's name. */
  readOnly?: boolean;
  /** Shown, never submitted (a setting the simulator does not have): the drivers skip a disabled control. */
  disabled?: boolean;
  /** A read-only text filled by a button with a value the server made (a generated passphrase): the button's label and the values it offers in turn. */
  generate?: { button: string; values: readonly string[] };
  /** A text input's placeholder (the value an empty field stands for). */
  placeholder?: string;
  /** An input of its own (a table of rows: row-table.tsx): its markup for the value, and its value read from the submitted form. */
  render?: (value: string) => Child;
  read?: (form: FormBody) => string;
  hint?: string;
}

const conditionsOf = (f: FormField): readonly ShownWhen[] => (f.shownWhen === undefined ? [] : 'name' in f.shownWhen ? [f.shownWhen] : f.shownWhen);

/** Whether a field is shown with these values of the others. */
export const isShown = (f: FormField, valueOf: (name: string) => string): boolean => conditionsOf(f).every((c) => c.values.includes(valueOf(c.name)));

/** Texts as typed or as stored, by field name. */
export type FormValues = Record<string, string>;

export interface ReadForm {
  typed: FormValues;
  /** The parsed values of the fields that passed. */
  values: Record<string, unknown>;
  errors: Record<string, string>;
}

/** Reads a submitted form: every field through its model `Field`; a checkbox is `Yes` or `No`. */
export function readForm(fields: readonly FormField[], form: FormBody): ReadForm {
  const typed: FormValues = {};
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    if (f.kind === 'heading' || f.disabled) continue;
    const text = f.read ? f.read(form) : f.kind === 'checkbox' ? (form.has(f.name) ? 'Yes' : 'No') : (form.get(f.name) ?? '');
    typed[f.name] = text;
    if (!isShown(f, (name) => form.get(name) ?? '')) continue;
    if (!f.field) {
      values[f.name] = text;
      continue;
    }
    const p = f.field.parse(text.trim());
    if ('error' in p) errors[f.name] = p.error;
    else values[f.name] = p.value;
  }
  return { typed, values, errors };
}

function Input(props: { f: FormField; value: string }) {
  const { f, value } = props;
  if (f.render) return <>{f.render(value)}</>;
  if (f.readOnly) {
    return (
      <>
        <span id={`${f.name}_text`}>{value}</span>
        <input type="hidden" id={f.name} name={f.name} value={value} />
      </>
    );
  }
  switch (f.kind ?? 'text') {
    case 'textarea':
      return (
        <textarea id={f.name} name={f.name} rows={4} cols={60}>
          {value}
        </textarea>
      );
    case 'select':
      return (
        <select id={f.name} name={f.name} disabled={f.disabled}>
          {(f.options ?? []).map((o) => (
            <option value={o} selected={o === value}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'radio':
      return (
        <span role="radiogroup" aria-label={f.label}>
          {(f.options ?? []).map((o, i) => (
            <label class="choice">
              <input
                type="radio"
                name={f.name}
                id={f.optionIds?.[i] ?? (i === 0 ? f.name : `${f.name}_${i}`)}
                value={o}
                checked={o === value}
                disabled={f.disabled}
              />{' '}
              {o}{' '}
            </label>
          ))}
        </span>
      );
    case 'checkbox':
      return <input type="checkbox" id={f.name} name={f.name} value="Yes" checked={value === 'Yes'} disabled={f.disabled} />;
    default:
      if (f.generate)
        return (
          <>
            <input type="text" id={f.name} name={f.name} value={value} size={24} readonly autocomplete="off" />{' '}
            <input type="button" value={f.generate.button} data-fill={f.name} data-values={f.generate.values.join(' ')} />
          </>
        );
      return (
        <input
          type={f.kind === 'password' ? 'password' : 'text'}
          id={f.name}
          name={f.name}
          value={value}
          size={40}
          autocomplete={f.kind === 'password' ? 'new-password' : 'off'}
          placeholder={f.placeholder}
          disabled={f.disabled}
        />
      );
  }
}

/** The fields as rows of a `table.pairs`: caption, input, hint, and the field's error in place. */
export function FormFields(props: { fields: readonly FormField[]; values: FormValues; errors?: Record<string, string> }) {
  return (
    <table class="pairs">
      <tbody>
        {props.fields.map((f) => {
          const conditions = conditionsOf(f);
          const shownWhen = conditions.length > 0 ? conditions.map((c) => `${c.name}=${c.values.join('|')}`).join(';') : undefined;
          const hidden = !isShown(f, (name) => props.values[name] ?? '');
          if (f.kind === 'heading')
            return (
              <tr class="section" data-shown-when={shownWhen} hidden={hidden}>
                <th colspan={2}>
                  <div id={f.name}>{f.label}</div>
                  {f.hint ? <div class="hint">{f.hint}</div> : ''}
                </th>
              </tr>
            );
          return (
            <tr data-shown-when={shownWhen} hidden={hidden}>
              <th>{f.kind === 'radio' || f.render ? f.label : <label for={f.name}>{f.label}</label>}</th>
              <td>
                <Input f={f} value={props.values[f.name] ?? ''} />
                {f.hint ? <div class="hint">{f.hint}</div> : ''}
                {props.errors?.[f.name] ? <div class="error">{props.errors[f.name]}</div> : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
