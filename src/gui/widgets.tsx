// Small pieces of page markup in the shapes the GUI drivers parse: a captioned box (`dt` span +
// `dd`), summary tables (`table.pairs`, group rows marked `spacer`), dashboard tables, details
// tables (`summary` + `thead`), and the CSRF field every form carries.
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { PageContext } from './page.js';

/** The hidden field with the session's CSRF token: every POST form has it. */
export function Csrf(props: { ctx: PageContext }) {
  return <input type="hidden" name="CSRFKey" value={props.ctx.session.csrf} />;
}

/** A POST form to a page of the GUI, with its token. */
export function PostForm(props: { ctx: PageContext; action: string; id?: string; children?: Child }) {
  return (
    <form method="post" action={props.action} id={props.id}>
      <Csrf ctx={props.ctx} />
      {props.children}
    </form>
  );
}

/** A captioned box: the drivers find a table by the caption span in the `dt` and look in the next `dd`. */
export function Box(props: { caption: string; children?: Child }) {
  return (
    <dl class="box">
      <dt>
        <span>{props.caption}</span>
      </dt>
      <dd>{props.children}</dd>
    </dl>
  );
}

const NBSP = '\u00a0';

/** One row of a summary table: a group heading (`spacer`, skipped by parsers), or a label with its values. */
export type SummaryRow = { group: string } | { label: string; indent?: number; values: readonly (string | number)[] };

/**
 * A summary table (`table.pairs`): the header row all `th` (its first cell a non-breaking space),
 * then label rows (`th` + one `td` per column, never empty) and group rows marked `spacer`.
 */
export function SummaryTable(props: { columns?: readonly string[]; rows: readonly SummaryRow[] }) {
  const width = (props.columns?.length ?? 1) + 1;
  return (
    <table class="pairs">
      <tbody>
        {props.columns ? (
          <tr>
            <th>{NBSP}</th>
            {props.columns.map((c) => (
              <th class="num">{c}</th>
            ))}
          </tr>
        ) : (
          ''
        )}
        {props.rows.map((r) =>
          'group' in r ? (
            <tr class="spacer">
              <th colspan={width}>{r.group}</th>
            </tr>
          ) : (
            <tr>
              <th class={r.indent ? `i${r.indent}` : undefined}>{r.label}</th>
              {r.values.map((v) => (
                <td class="num">{cell(v)}</td>
              ))}
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

/** Numbers with thousands separators; never an empty cell (parsers drop rows with one). */
function cell(v: string | number): string {
  if (typeof v === 'number') return v.toLocaleString('en-US');
  return v === '' ? NBSP : v;
}

/** A dashboard table: named sections, each a label/value inner table. */
export function DashboardTable(props: { sections: readonly { name: string; rows: readonly [string, string][] }[] }) {
  return (
    <table class="dashboard">
      <tbody>
        {props.sections.map((s) => (
          <>
            <tr class="section-row-header">
              <td class="dashboard-header">
                <span class="display_name">{s.name}</span>
              </td>
            </tr>
            <tr>
              <td>
                <table class="dashboard-innertable">
                  <tbody>
                    {s.rows.map(([label, value]) => (
                      <tr>
                        <th>{label}</th>
                        <td>{cell(value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </td>
            </tr>
          </>
        ))}
      </tbody>
    </table>
  );
}

/** A details table (`summary` + `thead`): every row has as many non-empty cells as headers. */
export function DetailsTable(props: { summary: string; headers: readonly Child[]; rows: readonly (readonly Child[])[]; id?: string }) {
  return (
    <table class="cols" summary={props.summary} id={props.id}>
      <thead>
        <tr>
          {props.headers.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            {r.map((c) => (
              <td class={typeof c === 'number' ? 'num' : undefined}>{typeof c === 'number' || typeof c === 'string' ? cell(c) : c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
