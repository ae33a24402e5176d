// A form field made of rows (an SMTP route's destination hosts, a bounce profile's notification
// templates): a table whose rows the browser adds and removes (gui.js), read back as a list of
// rows. The markup is the appliance's: the rows in `tbody#<name>_rowContainer` (the header row in
// the `thead`, so the drivers' `tr[r]` counts rows only), the add button
// `<name>_domtable_AddRow`, a remove icon `img` in each row's last cell, ids `<name>[i][<column>]`.
// The inputs of a column share one name, so the rows come back in their order on the page.
/** @jsxImportSource hono/jsx */
import type { Parsed } from '../model/answers.js';
import { DELETE_ICON_PATH } from './chrome.js';
import type { FormField } from './forms.js';

export interface RowColumn {
  name: string;
  label: string;
  size?: number;
  placeholder?: string;
  /** A select's options (value, label); absent: a text input. */
  options?: readonly { value: string; label: string }[];
  /** After the id's `[column]` (`_id`: `bounce_tmpl[0][tmpl]_id`). */
  idSuffix?: string;
}

export interface RowTableSpec {
  /** The field's name: the ids' prefix. */
  name: string;
  label: string;
  columns: readonly RowColumn[];
  addLabel?: string;
  hint?: string;
  /** Reads the rows (each the columns' texts in order; rows left blank are included). */
  parse(rows: string[][]): Parsed<unknown>;
}

/** Rows as a form value (what a FormValues entry holds for a row table). */
export const rowsValue = (rows: readonly (readonly string[])[]): string => JSON.stringify(rows);

function rowsOf(value: string, width: number): string[][] {
  let rows: unknown;
  try {
    rows = JSON.parse(value || '[]');
  } catch {
    rows = [];
  }
  const list = Array.isArray(rows) ? rows.filter(Array.isArray).map((r) => Array.from({ length: width }, (_, i) => String(r[i] ?? ''))) : [];
  return list.length > 0 ? list : [Array.from({ length: width }, () => '')];
}

const cellName = (spec: RowTableSpec, c: RowColumn) => `${spec.name}[${c.name}]`;
const cellId = (spec: RowTableSpec, c: RowColumn, i: number | string) => `${spec.name}[${i}][${c.name}]${c.idSuffix ?? ''}`;

function Row(props: { spec: RowTableSpec; index: number | string; cells: readonly string[] }) {
  const { spec, index, cells } = props;
  return (
    <tr>
      {spec.columns.map((c, i) => (
        <td>
          {c.options ? (
            <select id={cellId(spec, c, index)} name={cellName(spec, c)} aria-label={c.label}>
              {c.options.map((o) => (
                <option value={o.value} selected={o.value === cells[i]}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              type="text"
              id={cellId(spec, c, index)}
              name={cellName(spec, c)}
              value={cells[i]}
              size={c.size ?? 30}
              placeholder={c.placeholder}
              aria-label={c.label}
              autocomplete="off"
            />
          )}
        </td>
      ))}
      <td>
        <img class="row-delete" src={DELETE_ICON_PATH} alt="Remove this row" title="Remove this row" role="button" tabindex={0} data-remove-row="1" />
      </td>
    </tr>
  );
}

function RowTableInput(props: { spec: RowTableSpec; value: string }) {
  const { spec } = props;
  const rows = rowsOf(props.value, spec.columns.length);
  return (
    <div class="row-table">
      <table class="rows" id={`${spec.name}_domtable`}>
        <thead>
          <tr>
            {spec.columns.map((c) => (
              <th>{c.label}</th>
            ))}
            <th>{'\u00a0'}</th>
          </tr>
        </thead>
        <tbody id={`${spec.name}_rowContainer`} data-next-row={String(rows.length)}>
          {rows.map((cells, i) => (
            <Row spec={spec} index={i} cells={cells} />
          ))}
        </tbody>
      </table>
      <template id={`${spec.name}_rowTemplate`}>
        <Row spec={spec} index="__i__" cells={spec.columns.map((c) => c.options?.[0]?.value ?? '')} />
      </template>
      <input
        type="button"
        id={`${spec.name}_domtable_AddRow`}
        name={`${spec.name}_domtable_AddRow`}
        value={spec.addLabel ?? 'Add Row'}
        data-add-row={spec.name}
      />
    </div>
  );
}

/** The row table as a field of a form: rendered by itself, read from every row, parsed by the spec. */
export function rowsField(spec: RowTableSpec, more: Pick<FormField, 'shownWhen' | 'disabled'> = {}): FormField {
  return {
    name: spec.name,
    label: spec.label,
    hint: spec.hint,
    ...more,
    render: (value) => <RowTableInput spec={spec} value={value} />,
    read(form) {
      const columns = spec.columns.map((c) => form.all(cellName(spec, c)));
      const count = Math.max(0, ...columns.map((c) => c.length));
      return rowsValue(Array.from({ length: count }, (_, i) => columns.map((c) => c[i] ?? '')));
    },
    field: {
      parse: (text) => spec.parse(rowsOf(text, spec.columns.length)),
      format: (v) => String(v),
    },
  };
}
