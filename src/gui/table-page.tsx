// A configuration table's page declared as data (Network > Bounce Profiles, SMTP Routes,
// Listeners, Mail Policies > Destination Controls, System Administration > Users): its menu
// place, its list's columns, its form's fields, and the model operations it calls. The page
// records each change in the session's pending changes (the CLI's PendingChanges) — committed
// later on Commit Changes like a CLI session's — after the role check the CLI makes.
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { Refusal, type ConfigChange } from '../model/change.js';
import type { ApplianceConfig } from '../model/config.js';
import { ACCESS_REFUSED, type Access } from '../users/roles.js';
import { FormFields, readForm, type FormField, type FormValues } from './forms.js';
import { failure, success, type ActionResult, type FormBody, type GuiPage, type MenuPlace, type PageContext } from './page.js';
import { Box, PostForm } from './widgets.js';

/** One entry of the table as the list shows it. */
export interface TableRow {
  /** The entry's name: the edit link's text, the delete checkbox's value. */
  key: string;
  /** May be deleted (Default may not). */
  removable: boolean;
  /** The other columns' texts, by column header. */
  cells: Record<string, string>;
}

/** The list's columns in order: the name (edit link), the Delete checkbox, and the entries' other columns by header. */
export type TableColumn = { name: string } | { delete: true } | { header: string };

export interface TablePageSpec {
  place: MenuPlace;
  path: string;
  /** Changes need this access (`act`; Users: `users`); every role may look. */
  access?: Access;
  /** The list's caption and what one entry is called (`Bounce Profile`). */
  caption: string;
  noun: string;
  /** The add button's value (`Add Bounce Profile...`). */
  addLabel: string;
  columns: readonly TableColumn[];
  rows(config: ApplianceConfig): TableRow[];
  /** The form for a new entry (`key` undefined) or an existing one: its fields and their values now. */
  form(config: ApplianceConfig, key: string | undefined): { fields: FormField[]; values: FormValues } | undefined;
  /** The model's operation for the submitted values: the change to record, or undefined when nothing changed. */
  change(values: Record<string, unknown>, config: ApplianceConfig, key: string | undefined): ConfigChange | undefined;
  /** The model's delete operation. */
  remove?(key: string): ConfigChange;
}

const RECORDED = 'Commit your changes to make them take effect.';

export function tablePage(spec: TablePageSpec): GuiPage {
  const listUrl = (ctx: PageContext) => ctx.url(spec.path);

  function list(ctx: PageContext) {
    const rows = spec.rows(ctx.session.pending.config);
    return (
      <>
        <div class="buttons">
          <input type="button" value={spec.addLabel} data-href={ctx.url(spec.path, { add: 1 })} />
        </div>
        <Box caption={spec.caption}>
          <PostForm ctx={ctx} action={listUrl(ctx)}>
            <table class="cols">
              <tbody>
                <tr>
                  {spec.columns.map((c) =>
                    'name' in c ? (
                      <th>{c.name}</th>
                    ) : 'delete' in c ? (
                      <th>
                        <label>
                          <input type="checkbox" id="delete_all" name="delete_all" value="Yes" aria-label="Select all" /> Delete
                        </label>
                      </th>
                    ) : (
                      <th>{c.header}</th>
                    ),
                  )}
                </tr>
                {rows.map((r) => (
                  <tr>
                    {spec.columns.map((c) =>
                      'name' in c ? (
                        <td>
                          <a href={ctx.url(spec.path, { edit: r.key })}>{r.key}</a>
                        </td>
                      ) : 'delete' in c ? (
                        <td>{r.removable ? <input type="checkbox" name="delete_key" value={r.key} aria-label={`Delete ${r.key}`} /> : '\u00a0'}</td>
                      ) : (
                        <td>{r.cells[c.header] || '\u00a0'}</td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {spec.remove ? (
              <div class="buttons">
                <input
                  type="submit"
                  id="delete"
                  name="delete"
                  value="Delete"
                  data-confirm={`Delete the chosen ${spec.noun.toLowerCase()}(s)?`}
                  data-confirm-label="Delete"
                />
              </div>
            ) : (
              ''
            )}
          </PostForm>
        </Box>
      </>
    );
  }

  function form(ctx: PageContext, key: string | undefined, typed?: FormValues, errors?: Record<string, string>): Child {
    const shape = spec.form(ctx.session.pending.config, key);
    if (!shape)
      return (
        <p>
          There is no {spec.noun.toLowerCase()} named {key}.
        </p>
      );
    return (
      <PostForm ctx={ctx} action={listUrl(ctx)}>
        <input type="hidden" name="key" value={key ?? ''} />
        <Box caption={key === undefined ? `Add ${spec.noun}` : `Edit ${spec.noun}: ${key}`}>
          <FormFields fields={shape.fields} values={typed ?? shape.values} errors={errors} />
        </Box>
        <div class="buttons">
          <input type="submit" name="action:Submit" id="action:Submit" value="Submit" />
          <input type="button" value="Cancel" data-href={listUrl(ctx)} />
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

  async function submit(ctx: PageContext, body: FormBody): Promise<ActionResult> {
    if (!ctx.may(spec.access ?? 'act')) return { banner: failure(ACCESS_REFUSED) };
    const key = body.get('key') || undefined;
    const shape = spec.form(ctx.session.pending.config, key);
    if (!shape) return { banner: failure(`There is no ${spec.noun.toLowerCase()} named ${key}.`) };
    const read = readForm(shape.fields, body);
    const refuse = (why: string, errors: Record<string, string> = {}): ActionResult => ({ banner: failure(why), render: form(ctx, key, read.typed, errors) });
    if (Object.keys(read.errors).length > 0) return refuse('Nothing was changed: correct the fields marked below.', read.errors);
    let change: ConfigChange | undefined;
    try {
      change = spec.change(read.values, ctx.session.pending.config, key);
    } catch (e) {
      if (e instanceof Refusal) return refuse(e.message);
      throw e;
    }
    if (!change) return { banner: success('No changes.'), redirect: listUrl(ctx) };
    const refusal = record(ctx, change);
    if (refusal) return refuse(refusal);
    return { banner: success(change.description, RECORDED), redirect: listUrl(ctx) };
  }

  async function remove(ctx: PageContext, body: FormBody): Promise<ActionResult> {
    if (!ctx.may(spec.access ?? 'act')) return { banner: failure(ACCESS_REFUSED) };
    const rows = spec.rows(ctx.session.pending.config).filter((r) => r.removable);
    const keys = body.has('delete_all') ? rows.map((r) => r.key) : body.all('delete_key');
    if (keys.length === 0) return { banner: failure(`Choose the ${spec.noun.toLowerCase()}(s) to delete first.`) };
    const done: string[] = [];
    for (const key of keys) {
      const change = spec.remove!(key);
      const refusal = record(ctx, change);
      if (refusal) return { banner: failure(...done, refusal) };
      done.push(change.description);
    }
    return { banner: success(...done, RECORDED) };
  }

  return {
    place: spec.place,
    path: spec.path,
    render(ctx) {
      if (ctx.query.has('add')) return form(ctx, undefined);
      const edit = ctx.query.get('edit');
      return edit !== null ? form(ctx, edit) : list(ctx);
    },
    actions: {
      'action:Submit': submit,
      ...(spec.remove ? { delete: remove } : {}),
    },
  };
}
