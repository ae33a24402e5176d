// Settings forms declared as data: each field's caption, its id/name (the drivers find inputs by
// either, so both are the same), its kind of input, and the model's `Field` that reads and checks
// the typed value — the same parse the CLI's questions and `key=value` forms use. Rendering
// keeps every input in the DOM (a field shown by another's value is only hidden), and errors
// appear beside their field as `<div class="error">`.
/** @jsxImportSource hono/jsx */
import type { Field } from '../model/field.js';
import type { FormBody } from './page.js';

export interface FormField {
  /** The input's id and name. */
  name: string;
  /** The caption in the form's left column. */
  label: string;
  kind?: 'text' | 'password' | 'textarea' | 'select' | 'radio' | 'checkbox';
  /** Choices of a select or radio group: each option's value is its label (drivers pass the words). */
  options?: readonly string[];
  /** Reads and checks the typed text; absent: the text as typed. */
  field?: Field<unknown>;
  /** Shown only while another field has one of these values (still in the DOM when hidden). */
  shownWhen?: { name: string; values: readonly string[] };
  /** Shown as text (with a hidden input of the same name): a Default profile's name. */
  readOnly?: boolean;
  hint?: string;
}

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
    const text = f.kind === 'checkbox' ? (form.has(f.name) ? 'Yes' : 'No') : (form.get(f.name) ?? '');
    typed[f.name] = text;
    if (f.shownWhen && !f.shownWhen.values.includes(form.get(f.shownWhen.name) ?? '')) continue;
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
        <select id={f.name} name={f.name}>
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
              <input type="radio" name={f.name} id={i === 0 ? f.name : `${f.name}_${i}`} value={o} checked={o === value} /> {o}{' '}
            </label>
          ))}
        </span>
      );
    case 'checkbox':
      return <input type="checkbox" id={f.name} name={f.name} value="Yes" checked={value === 'Yes'} />;
    default:
      return (
        <input
          type={f.kind === 'password' ? 'password' : 'text'}
          id={f.name}
          name={f.name}
          value={value}
          size={40}
          autocomplete={f.kind === 'password' ? 'new-password' : 'off'}
        />
      );
  }
}

/** The fields as rows of a `table.pairs`: caption, input, hint, and the field's error in place. */
export function FormFields(props: { fields: readonly FormField[]; values: FormValues; errors?: Record<string, string> }) {
  return (
    <table class="pairs">
      <tbody>
        {props.fields.map((f) => (
          <tr
            data-shown-when={f.shownWhen ? `${f.shownWhen.name}=${f.shownWhen.values.join('|')}` : undefined}
            hidden={f.shownWhen ? !f.shownWhen.values.includes(props.values[f.shownWhen.name] ?? '') : false}
          >
            <th>{f.kind === 'radio' ? f.label : <label for={f.name}>{f.label}</label>}</th>
            <td>
              <Input f={f} value={props.values[f.name] ?? ''} />
              {f.hint ? <div class="hint">{f.hint}</div> : ''}
              {props.errors?.[f.name] ? <div class="error">{props.errors[f.name]}</div> : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
