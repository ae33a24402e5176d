// A settings form declared as data, on a page of its own reached from a list page's button (a
// table's global settings: Bounce Profiles' and Destination Controls' "Edit Settings..."): its
// fields, their values now, and the model operation the submitted values make. Like a table
// page it checks the role, shows field errors in place with what was typed, and records the
// change in the session's pending changes; the banner then shows on the list page.
/** @jsxImportSource hono/jsx */
import { Refusal } from '../model/change.js';
import type { ApplianceConfig } from '../model/config.js';
import { ACCESS_REFUSED, type Access } from '../users/roles.js';
import { FormFields, readForm, type FormField, type FormValues } from './forms.js';
import { failure, success, type ActionResult, type FormBody, type GuiPage, type MenuPlace, type PageContext } from './page.js';
import { bannerText, FieldRefusal, type PageChange } from './table-page.js';
import { Box, PostForm } from './widgets.js';

export interface SettingsPageSpec {
  /** The list page's menu place: the form's title is the list page's. */
  place: MenuPlace;
  path: string;
  /** The list page the form returns to (Cancel, and after a change). */
  back: string;
  access?: Access;
  caption: string;
  form(config: ApplianceConfig): { fields: FormField[]; values: FormValues };
  /** The model's operation for the submitted values, or undefined when nothing changed; refuses with a (Field)Refusal. */
  change(values: Record<string, unknown>, config: ApplianceConfig): PageChange | undefined;
}

const RECORDED = 'Commit your changes to make them take effect.';

export function settingsPage(spec: SettingsPageSpec): GuiPage {
  function form(ctx: PageContext, typed?: FormValues, errors?: Record<string, string>) {
    const shape = spec.form(ctx.session.pending.config);
    return (
      <PostForm ctx={ctx} action={ctx.url(spec.path)}>
        <Box caption={spec.caption}>
          <FormFields fields={shape.fields} values={typed ? { ...shape.values, ...typed } : shape.values} errors={errors} />
        </Box>
        <div class="buttons">
          <input type="submit" name="action:Submit" id="action:Submit" value="Submit" />
          <input type="button" value="Cancel" data-href={ctx.url(spec.back)} />
        </div>
      </PostForm>
    );
  }

  async function submit(ctx: PageContext, body: FormBody): Promise<ActionResult> {
    if (!ctx.may(spec.access ?? 'act')) return { banner: failure(ACCESS_REFUSED) };
    const config = ctx.session.pending.config;
    const read = readForm(spec.form(config).fields, body);
    const refuse = (why: string, errors: Record<string, string> = {}): ActionResult => ({ banner: failure(why), render: form(ctx, read.typed, errors) });
    if (Object.keys(read.errors).length > 0) return refuse('Nothing was changed: correct the fields marked below.', read.errors);
    try {
      const change = spec.change(read.values, config);
      if (!change) return { banner: success('No changes.'), redirect: ctx.url(spec.back) };
      ctx.session.pending.record(change);
      return { banner: success(bannerText(change), RECORDED), redirect: ctx.url(spec.back) };
    } catch (e) {
      if (e instanceof FieldRefusal) return refuse(e.message, { [e.field]: e.message });
      if (e instanceof Refusal) return refuse(e.message);
      throw e;
    }
  }

  return {
    place: spec.place,
    path: spec.path,
    hidden: true,
    render: (ctx) => form(ctx),
    actions: { 'action:Submit': submit },
  };
}
