// Commit Changes / Abandon Changes: the session's pending configuration changes (the same
// PendingChanges a CLI session has), committed with a comment by `commit` or dropped by
// `clearchanges`; reached from the header's "Commit Changes »" button.
/** @jsxImportSource hono/jsx */
import { COMMIT_PATH } from '../chrome.js';
import { failure, success, type GuiPage, type PageContext } from '../page.js';
import { Box, PostForm } from '../widgets.js';

export const COMMITTED = 'Your changes have been committed.';
export const ABANDONED = 'Your changes have been abandoned.';

/** Where Cancel goes back to: a page of the GUI the user came from, else System Status. */
function backTo(ctx: PageContext): string {
  const from = ctx.query.get('from') ?? '';
  return from.startsWith('/') && !from.startsWith('//') ? ctx.url(from) : ctx.url('/monitor/system_status');
}

export const commitPage: GuiPage = {
  place: { tab: 'System Administration', item: 'Commit Changes' },
  path: COMMIT_PATH,
  hidden: true,
  render(ctx) {
    const changes = ctx.session.pending.descriptions;
    return (
      <PostForm ctx={ctx} action={ctx.here}>
        {changes.length === 0 ? (
          <p>Nothing is waiting to be committed in this session.</p>
        ) : (
          <Box caption="Changes not yet committed">
            <ol id="pending_changes">
              {changes.map((d) => (
                <li>{d}</li>
              ))}
            </ol>
            <table class="pairs">
              <tbody>
                <tr>
                  <th>
                    <label for="comment">Comment (optional):</label>
                  </th>
                  <td>
                    <input type="text" id="comment" name="comment" size={60} maxlength={512} />
                  </td>
                </tr>
              </tbody>
            </table>
          </Box>
        )}
        <div class="buttons">
          {changes.length > 0 ? (
            <>
              <input type="submit" name="action:Commit" id="action:Commit" value="Commit Changes" />
              <input type="submit" name="action:Abandon" id="action:Abandon" value="Abandon Changes" />
            </>
          ) : (
            ''
          )}
          <input type="button" value="Cancel" data-href={backTo(ctx)} />
        </div>
      </PostForm>
    );
  },
  actions: {
    'action:Commit': async (ctx, form) => {
      if (!ctx.session.pending.hasChanges) return { banner: failure('There is no data to commit.') };
      const outcome = await ctx.run(['commit', (form.get('comment') ?? '').trim()]);
      return { banner: outcome.ok ? success(COMMITTED, ...outcome.lines) : failure(outcome.error ?? 'The commit failed: nothing was changed.') };
    },
    'action:Abandon': async (ctx) => {
      if (!ctx.session.pending.hasChanges) return { banner: failure('No changes have been made.') };
      const outcome = await ctx.run(['clearchanges', 'yes']);
      return { banner: outcome.ok ? success(ABANDONED, ...outcome.lines) : failure(outcome.error ?? 'The changes could not be abandoned.') };
    },
  },
};
