// A configuration table's page declared as data (Network > Bounce Profiles, SMTP Routes,
// Listeners, Mail Policies > Destination Controls, Recipient Access Table, System Administration >
// Users): its menu place, its list's columns, its form's fields, and the model operations it
// calls. The page records each change in the session's pending changes (the CLI's
// PendingChanges) — committed later on Commit Changes like a CLI session's — after the role
// check the CLI makes. A table that belongs to one of several owners (a listener's RAT) is
// chosen in a select above the list, kept in every link and form of the page.
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { EngineApi } from '../api/engine-api.js';
import { combineChanges, Refusal, refusalOf, type ConfigChange } from '../model/change.js';
import type { ApplianceConfig } from '../model/config.js';
import { ACCESS_REFUSED, type Access, type SessionUser } from '../users/roles.js';
import { DELETE_ICON_PATH } from './chrome.js';
import { FormFields, readForm, type FormField, type FormValues } from './forms.js';
import { failure, success, type Action, type ActionResult, type FormBody, type GuiPage, type MenuPlace, type PageContext } from './page.js';
import { Box, PostForm } from './widgets.js';

/** One entry of the table as the list shows it. */
export interface TableRow {
  /** The entry's name: the edit link's text, the delete checkbox's value. */
  key: string;
  /** The edit link's text when not the key (`All Other Domains` for the route `ALL`). */
  label?: string;
  /** May be deleted (Default may not). */
  removable: boolean;
  /** The other columns' texts, by column header. */
  cells: Record<string, string>;
}

/**
 * The list's columns in order: the name (edit link), the Delete checkbox, the entries' other
 * columns by header, a delete icon (`img`, confirmed in the dialog whose Continue button says
 * `confirm`), and a selection checkbox (`select`: the select-all box's id) for a button's use.
 */
export type TableColumn = { name: string } | { delete: true } | { header: string } | { deleteIcon: true; confirm?: string } | { select: string };

/** The owner whose table the page shows (a listener), chosen in a select above the list. */
export interface TableScope {
  /** The select's id and name, and the query parameter that keeps the choice (`listener_id`). */
  name: string;
  label: string;
  /** The owners to choose from: each option's value is its label. */
  choices(config: ApplianceConfig): string[];
  /** Said instead of the page when there is none (`There are no configured listeners.`). */
  none(config: ApplianceConfig): string;
}

/** What the spec's functions know besides the configuration. */
export interface TableContext {
  /** The owner chosen, when the page has a scope. */
  scope?: string;
  /** Who is acting. */
  user: SessionUser;
  engine: EngineApi;
}

/** A button under the list besides Add and Delete: its change (a Refusal: refused with its one line). */
export interface TableButton {
  /** The submit button's id and name. */
  name: string;
  value: string;
  /** Asks in the confirm dialog first (its text). */
  confirm?: string;
  /** The confirm dialog's Continue button's label (`Clear All`). */
  confirmLabel?: string;
  /** Shown only while this holds (`Clear All Routes`: while there are routes). */
  shown?(config: ApplianceConfig): boolean;
  change(config: ApplianceConfig, at: TableContext, form: FormBody): PageChange | undefined;
}

/** A change with the banner that says it was recorded (`Bounce profile "X" was added.`); without one the banner is its description. */
export type PageChange = ConfigChange & { readonly banner?: string };
export const bannerText = (change: PageChange): string => change.banner ?? change.description;

/** A refusal that belongs beside one field of the form: a spec's `change` throws it. */
export class FieldRefusal extends Refusal {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TablePageSpec {
  place: MenuPlace;
  path: string;
  /** Changes need this access (`act`; Users: `users`); every role may look. */
  access?: Access;
  /** The list's caption and what one entry is called (`Bounce Profile`). */
  caption: string;
  noun: string;
  /** The add button's value (`Add Bounce Profile...`); absent: no add button. */
  addLabel?: string;
  columns: readonly TableColumn[];
  scope?: TableScope;
  /** What the list's view shows above the list (notes, probes, forms of their own). */
  above?(config: ApplianceConfig, at: TableContext, ctx: PageContext): Child;
  buttons?: readonly TableButton[];
  /** Actions of the page's other forms (those `above` renders), by their button's name. */
  actions?: Record<string, Action>;
  rows(config: ApplianceConfig, at: TableContext): TableRow[];
  /** The form for a new entry (`key` undefined) or an existing one: its fields, their values now, and the box's caption when not "Add/Edit <noun>". */
  form(config: ApplianceConfig, key: string | undefined, at: TableContext): { fields: FormField[]; values: FormValues; caption?: string } | undefined;
  /**
   * The model's operation for the submitted values: the change to record, or undefined when
   * nothing changed. Refuses with a Refusal (a FieldRefusal beside its field).
   */
  change(
    values: Record<string, unknown>,
    config: ApplianceConfig,
    key: string | undefined,
    at: TableContext,
  ): PageChange | undefined | Promise<PageChange | undefined>;
  /** The model's delete operation. */
  remove?(key: string, at: TableContext): PageChange;
  /** The Delete button's id (`delete`; SMTP Routes: `_click`). */
  deleteId?: string;
}

const RECORDED = 'Commit your changes to make them take effect.';
const NBSP = '\u00a0';

/** The owner a request chose (the query's, when it is one of the choices; else the first), or null when there is none. */
export function chosenScope(scope: TableScope, config: ApplianceConfig, query: URLSearchParams): string | null {
  const choices = scope.choices(config);
  const asked = query.get(scope.name);
  return choices.find((c) => c === asked) ?? choices[0] ?? null;
}

/** The select of the owner above a scoped page: choosing one reloads the page for it (a GET form; with a button when scripts are off). */
export function ScopeSelect(props: { ctx: PageContext; path: string; scope: TableScope; chosen: string }) {
  const { scope } = props;
  return (
    <form method="get" action={props.ctx.url(props.path)} class="scope">
      <label for={scope.name}>{scope.label}</label>
      <select id={scope.name} name={scope.name} data-autosubmit="1">
        {scope.choices(props.ctx.session.pending.config).map((c) => (
          <option value={c} selected={c === props.chosen}>
            {c}
          </option>
        ))}
      </select>
      <noscript>
        <input type="submit" value="Show" />
      </noscript>
    </form>
  );
}

/** Passphrases typed are never sent back in a page. */
function withoutSecrets(fields: readonly FormField[], typed: FormValues): FormValues {
  const out = { ...typed };
  for (const f of fields) if (f.kind === 'password') out[f.name] = '';
  return out;
}

export function tablePage(spec: TablePageSpec): GuiPage {
  /** The request's table context, or null when the page's scope has no owner to choose. */
  function contextOf(ctx: PageContext): TableContext | null {
    const base = { user: ctx.session.user, engine: ctx.engine };
    if (!spec.scope) return base;
    const scope = chosenScope(spec.scope, ctx.session.pending.config, ctx.query);
    return scope === null ? null : { ...base, scope };
  }
  const urlOf = (ctx: PageContext, at: TableContext, query: Record<string, string | number | undefined> = {}) =>
    ctx.url(spec.path, spec.scope ? { [spec.scope.name]: at.scope, ...query } : query);
  const hasDeleteBoxes = spec.columns.some((c) => 'delete' in c);

  function cell(ctx: PageContext, at: TableContext, c: TableColumn, r: TableRow): Child {
    if ('name' in c)
      return (
        <td>
          <a href={urlOf(ctx, at, { edit: r.key })}>{r.label ?? r.key}</a>
        </td>
      );
    if ('delete' in c) return <td>{r.removable ? <input type="checkbox" name="delete_key" value={r.key} aria-label={`Delete ${r.key}`} /> : NBSP}</td>;
    if ('select' in c)
      return (
        <td>
          <input type="checkbox" name="selected_key" value={r.key} aria-label={`Select ${r.key}`} />
        </td>
      );
    if ('deleteIcon' in c)
      return (
        <td>
          {r.removable ? (
            <img
              class="row-delete"
              src={DELETE_ICON_PATH}
              alt={`Delete ${r.key}`}
              title="Delete"
              role="button"
              tabindex={0}
              data-confirm={`Delete the ${spec.noun.toLowerCase()} "${r.key}"?`}
              data-confirm-label={c.confirm}
              data-submit-name="delete_row"
              data-submit-value={r.key}
            />
          ) : (
            NBSP
          )}
        </td>
      );
    return <td>{r.cells[c.header] || NBSP}</td>;
  }

  function header(c: TableColumn): Child {
    if ('name' in c) return <th>{c.name}</th>;
    if ('delete' in c)
      return (
        <th>
          <label>
            <input type="checkbox" id="delete_all" name="delete_all" value="Yes" aria-label="Select all" /> Delete
          </label>
        </th>
      );
    if ('select' in c)
      return (
        <th>
          <input type="checkbox" id={c.select} name={c.select} value="Yes" aria-label="Select all" />
        </th>
      );
    if ('deleteIcon' in c) return <th>Delete</th>;
    return <th>{c.header}</th>;
  }

  function list(ctx: PageContext, at: TableContext) {
    const config = ctx.session.pending.config;
    const rows = spec.rows(config, at);
    return (
      <>
        {spec.scope ? <ScopeSelect ctx={ctx} path={spec.path} scope={spec.scope} chosen={at.scope!} /> : ''}
        {spec.above ? spec.above(config, at, ctx) : ''}
        {spec.addLabel ? (
          <div class="buttons">
            <input type="button" value={spec.addLabel} data-href={urlOf(ctx, at, { add: 1 })} />
          </div>
        ) : (
          ''
        )}
        <Box caption={spec.caption}>
          <PostForm ctx={ctx} action={urlOf(ctx, at)}>
            <table class="cols">
              <tbody>
                <tr>{spec.columns.map(header)}</tr>
                {rows.map((r) => (
                  <tr>{spec.columns.map((c) => cell(ctx, at, c, r))}</tr>
                ))}
              </tbody>
            </table>
            {(spec.remove && hasDeleteBoxes) || spec.buttons?.length ? (
              <div class="buttons">
                {spec.remove && hasDeleteBoxes ? (
                  <input
                    type="submit"
                    id={spec.deleteId ?? 'delete'}
                    name="delete"
                    value="Delete"
                    data-confirm={`Delete the chosen ${spec.noun.toLowerCase()}(s)?`}
                    data-confirm-label="Delete"
                  />
                ) : (
                  ''
                )}
                {(spec.buttons ?? [])
                  .filter((b) => !b.shown || b.shown(config))
                  .map((b) => (
                    <input type="submit" id={b.name} name={b.name} value={b.value} data-confirm={b.confirm} data-confirm-label={b.confirmLabel} />
                  ))}
              </div>
            ) : (
              ''
            )}
          </PostForm>
        </Box>
      </>
    );
  }

  function form(ctx: PageContext, at: TableContext, key: string | undefined, typed?: FormValues, errors?: Record<string, string>): Child {
    const shape = spec.form(ctx.session.pending.config, key, at);
    if (!shape)
      return (
        <p>
          There is no {spec.noun.toLowerCase()} named {key}.
        </p>
      );
    const of = at.scope !== undefined ? ` (${at.scope})` : '';
    return (
      <PostForm ctx={ctx} action={urlOf(ctx, at)}>
        <input type="hidden" name="key" value={key ?? ''} />
        <Box caption={shape.caption ?? (key === undefined ? `Add ${spec.noun}${of}` : `Edit ${spec.noun}: ${key}${of}`)}>
          <FormFields fields={shape.fields} values={typed ? { ...shape.values, ...typed } : shape.values} errors={errors} />
        </Box>
        <div class="buttons">
          <input type="submit" name="action:Submit" id="action:Submit" value="Submit" />
          <input type="button" value="Cancel" data-href={urlOf(ctx, at)} />
        </div>
      </PostForm>
    );
  }

  /** Records a change in the session's pending configuration; a refusal leaves nothing recorded. */
  function record(ctx: PageContext, change: ConfigChange): string | undefined {
    try {
      ctx.session.pending.record(change);
      return undefined;
    } catch (e) {
      if (e instanceof Refusal) return e.message;
      throw e;
    }
  }

  /** The role check and the owner, or the refusal. */
  function allowed(ctx: PageContext): TableContext | ActionResult {
    if (!ctx.may(spec.access ?? 'act')) return { banner: failure(ACCESS_REFUSED) };
    return contextOf(ctx) ?? { banner: failure(spec.scope!.none(ctx.session.pending.config)) };
  }
  const refused = (a: TableContext | ActionResult): a is ActionResult => 'banner' in a;

  async function submit(ctx: PageContext, body: FormBody): Promise<ActionResult> {
    const at = allowed(ctx);
    if (refused(at)) return at;
    const key = body.get('key') || undefined;
    const shape = spec.form(ctx.session.pending.config, key, at);
    if (!shape) return { banner: failure(`There is no ${spec.noun.toLowerCase()} named ${key}.`) };
    const read = readForm(shape.fields, body);
    const refuse = (why: string, errors: Record<string, string> = {}): ActionResult => ({
      banner: failure(why),
      render: form(ctx, at, key, withoutSecrets(shape.fields, read.typed), errors),
    });
    if (Object.keys(read.errors).length > 0) return refuse('Nothing was changed: correct the fields marked below.', read.errors);
    let change: PageChange | undefined;
    try {
      change = await spec.change(read.values, ctx.session.pending.config, key, at);
    } catch (e) {
      if (e instanceof FieldRefusal) return refuse(e.message, { [e.field]: e.message });
      if (e instanceof Refusal) return refuse(e.message);
      throw e;
    }
    if (!change) return { banner: success('No changes.'), redirect: urlOf(ctx, at) };
    const refusal = record(ctx, change);
    if (refusal) return refuse(refusal);
    return { banner: success(bannerText(change), RECORDED), redirect: urlOf(ctx, at) };
  }

  async function removeKeys(ctx: PageContext, at: TableContext, keys: readonly string[]): Promise<ActionResult> {
    if (keys.length === 0) return { banner: failure(`Choose the ${spec.noun.toLowerCase()}(s) to delete first.`) };
    const changes = keys.map((key) => spec.remove!(key, at));
    // All or nothing: tried together on a copy first, then recorded one by one (each its own line in Commit Changes).
    const refusal = refusalOf(combineChanges(changes)!, ctx.session.pending.config);
    if (refusal) return { banner: failure(refusal) };
    for (const change of changes) ctx.session.pending.record(change);
    return { banner: success(...changes.map(bannerText), RECORDED) };
  }

  async function remove(ctx: PageContext, body: FormBody): Promise<ActionResult> {
    const at = allowed(ctx);
    if (refused(at)) return at;
    const rows = spec.rows(ctx.session.pending.config, at).filter((r) => r.removable);
    return removeKeys(ctx, at, body.has('delete_all') ? rows.map((r) => r.key) : body.all('delete_key'));
  }

  async function removeRow(ctx: PageContext, body: FormBody): Promise<ActionResult> {
    const at = allowed(ctx);
    if (refused(at)) return at;
    return removeKeys(ctx, at, body.all('delete_row').slice(0, 1));
  }

  const buttonAction =
    (b: TableButton) =>
    async (ctx: PageContext, body: FormBody): Promise<ActionResult> => {
      const at = allowed(ctx);
      if (refused(at)) return at;
      let change: PageChange | undefined;
      try {
        change = b.change(ctx.session.pending.config, at, body);
      } catch (e) {
        if (e instanceof Refusal) return { banner: failure(e.message) };
        throw e;
      }
      if (!change) return { banner: success('No changes.') };
      const refusal = record(ctx, change);
      return { banner: refusal ? failure(refusal) : success(bannerText(change), RECORDED) };
    };

  return {
    place: spec.place,
    path: spec.path,
    render(ctx) {
      const at = contextOf(ctx);
      if (!at) return <p id="no_scope">{spec.scope!.none(ctx.session.pending.config)}</p>;
      if (ctx.query.has('add') && spec.addLabel) return form(ctx, at, undefined);
      const edit = ctx.query.get('edit');
      return edit !== null ? form(ctx, at, edit) : list(ctx, at);
    },
    actions: {
      'action:Submit': submit,
      ...(spec.remove ? { delete: remove, delete_row: removeRow } : {}),
      ...Object.fromEntries((spec.buttons ?? []).map((b) => [b.name, buttonAction(b)])),
      ...spec.actions,
    },
  };
}
