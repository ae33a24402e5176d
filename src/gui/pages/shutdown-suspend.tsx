// System Administration > Shutdown/Suspend: suspend and resume receiving per listener and
// delivery (all, or chosen domains), the planned-maintenance practice, through the same commands
// as the CLI (suspendlistener, resumelistener, suspenddel, resumedel). Reboot and shutdown are
// shown, as the reference has them, and refused: the engine is stopped from its host.
/** @jsxImportSource hono/jsx */
import { CLOSE_DELAY, parseDomainList } from '../../appliance/commands/suspension/suspension.js';
import { parseInteger } from '../../model/answers.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { ACCESS_REFUSED } from '../../users/roles.js';
import { failure, success, type Banner, type FormBody, type GuiPage, type PageContext } from '../page.js';
import { Box, Csrf } from '../widgets.js';

const PATH = '/system_administration/shutdown_suspend';
export const PENDING_NOTICE = 'You have uncommitted changes pending.';

interface Typed {
  delay?: string;
  domainsText?: string;
  domains?: string[];
  errors?: { delay?: string; domains?: string };
}

/** The delivery suspensions as the chip box shows them: ALL alone while all delivery is suspended. */
function suspendedDomains(ctx: PageContext): string[] {
  const op = ctx.engine.operational();
  return op.deliverySuspended ? ['ALL'] : [...op.suspendedDomains];
}

function deliveryState(ctx: PageContext): string {
  const op = ctx.engine.operational();
  if (op.deliverySuspended) return 'Suspended';
  return op.suspendedDomains.length > 0 ? `Suspended for ${op.suspendedDomains.join(', ')}` : 'Operational';
}

function page(ctx: PageContext, typed: Typed = {}) {
  const listeners = ctx.engine.listenerViews();
  const chips = typed.domains ?? suspendedDomains(ctx);
  const g = ctx.engine.gauges();
  return (
    <>
      {ctx.session.pending.hasChanges ? <p class="notice">{PENDING_NOTICE} Commit or abandon them first if the maintenance depends on them.</p> : ''}
      <form method="post" action={ctx.url(PATH)} id="form">
        <Csrf ctx={ctx} />
        <dl class="box">
          <dt>
            <span>System Operations</span>
          </dt>
          <dd>
            <table class="pairs">
              <tbody>
                <tr>
                  <th>
                    <label for="halt_action">Operation:</label>
                  </th>
                  <td>
                    <select id="halt_action" name="halt_action">
                      <option value="Reboot">Reboot</option>
                      <option value="Shutdown">Shutdown</option>
                    </select>
                  </td>
                </tr>
                <tr>
                  <th>
                    <label for="delay">Delay:</label>
                  </th>
                  <td>
                    <input type="text" id="delay" name="delay" value="30" size={6} /> seconds for open connections to finish
                  </td>
                </tr>
              </tbody>
            </table>
            <div class="buttons">
              <input type="submit" id="Submit" name="Submit" value="Submit" />
              <span class="hint">Not simulated: esa-sim is stopped from its host (SIGTERM, or quit in the sandbox).</span>
            </div>
          </dd>
        </dl>
        <dl class="box">
          <dt>
            <span>Mail Operations</span>
          </dt>
          <dd>
            <table class="pairs">
              <tbody>
                <tr>
                  <th>Receiving:</th>
                  <td>
                    {listeners.length === 0 ? (
                      <span>There are no listeners configured.</span>
                    ) : (
                      <table class="cols">
                        <tbody>
                          <tr>
                            <th>Listener</th>
                            <th>Suspend</th>
                            <th>Resume</th>
                            <th>Address</th>
                            <th>Open Connections</th>
                          </tr>
                          {listeners.map((l) => (
                            <tr>
                              <td>{l.name}</td>
                              <td>
                                {l.suspended ? (
                                  'Suspended'
                                ) : (
                                  <input type="checkbox" name="suspend_listener" value={l.name} id={`suspend_${l.name}`} aria-label={`Suspend ${l.name}`} />
                                )}
                              </td>
                              <td>
                                {l.suspended ? (
                                  <input type="checkbox" name="resume_listener" value={l.name} id={`resume_${l.name}`} aria-label={`Resume ${l.name}`} />
                                ) : (
                                  'Online'
                                )}
                              </td>
                              <td>
                                {l.host}:{String(l.port)}
                              </td>
                              <td class="num">{String(l.openConnections)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </td>
                </tr>
                <tr>
                  <th>Delivery:</th>
                  <td id="delivery_state">{deliveryState(ctx)}</td>
                </tr>
                <tr>
                  <th>
                    <label for="domains_text">Suspend delivery to:</label>
                  </th>
                  <td>
                    <div class="combobox">
                      <ul class="combobox-choices" data-chips="domains" data-store="domains_store">
                        {chips.map((d) => (
                          <li class="search-choice" data-value={d}>
                            <span>{d}</span>
                            <a href="#" class="search-choice-close" role="button" aria-label={`Remove ${d}`}>
                              ×
                            </a>
                          </li>
                        ))}
                        <li class="search-field">
                          <input type="text" id="domains_text" name="domains_text" value={typed.domainsText ?? ''} autocomplete="off" />
                        </li>
                      </ul>
                    </div>
                    <div id="domains_store">
                      {chips.map((d) => (
                        <input type="hidden" name="domains" value={d} />
                      ))}
                    </div>
                    {typed.errors?.domains ? <div class="error">{typed.errors.domains}</div> : ''}
                    <div class="hint">
                      The domains whose delivery stays suspended (example.com, .example.com for its subdomains, [1.2.3.4], ALL for all delivery); a space ends
                      each one. Remove one to resume it.
                    </div>
                  </td>
                </tr>
                <tr>
                  <th>
                    <label for="delay_suspend">Close connections after:</label>
                  </th>
                  <td>
                    <input type="text" id="delay_suspend" name="delay_suspend" value={typed.delay ?? String(CLOSE_DELAY.default)} size={6} /> seconds
                    {typed.errors?.delay ? <div class="error">{typed.errors.delay}</div> : ''}
                  </td>
                </tr>
              </tbody>
            </table>
            <div class="buttons">
              <input type="submit" id="SuspendResume" name="SuspendResume" value="Apply" />
            </div>
          </dd>
        </dl>
      </form>
      <Box caption="Work Queue Status">
        <table class="pairs">
          <tbody>
            <tr>
              <th>Work Queue Processing Status:</th>
              <td>Operational</td>
            </tr>
            <tr>
              <th>Messages in Work Queue:</th>
              <td>{String(g.messagesInWorkQueue)}</td>
            </tr>
            <tr>
              <td colspan={2}>Generated: {formatApplianceDate(ctx.engine.now())} UTC</td>
            </tr>
          </tbody>
        </table>
      </Box>
    </>
  );
}

/** The delivery commands that turn the current suspensions into the chosen ones. Pure. */
export function deliveryCommands(current: readonly string[], chosen: readonly string[], delay: string): string[][] {
  const wasAll = current.includes('ALL');
  const all = chosen.includes('ALL');
  const lower = (list: readonly string[]) => list.map((d) => d.toLowerCase());
  if (all) return wasAll ? [] : [['suspenddel', 'ALL', delay]];
  const commands: string[][] = [];
  const before = wasAll ? [] : current;
  if (wasAll) commands.push(['resumedel', 'ALL']);
  const added = chosen.filter((d) => !lower(before).includes(d.toLowerCase()));
  const removed = before.filter((d) => !lower(chosen).includes(d.toLowerCase()));
  if (removed.length > 0) commands.push(['resumedel', removed.join(',')]);
  if (added.length > 0) commands.push(['suspenddel', added.join(','), delay]);
  return commands;
}

async function suspendResume(ctx: PageContext, form: FormBody) {
  if (!ctx.may('act')) return { banner: failure(ACCESS_REFUSED) };
  const typedText = form.get('domains_text') ?? '';
  const given = [...form.all('domains'), ...typedText.split(/[\s,]+/)].map((d) => d.trim()).filter((d) => d !== '');
  const delayText = (form.get('delay_suspend') ?? '').trim() || String(CLOSE_DELAY.default);
  const delay = parseInteger(delayText, CLOSE_DELAY.min, CLOSE_DELAY.max);
  const domains = given.length > 0 ? parseDomainList(given.join(',')) : ({ value: [] } as { value: string[] });
  if ('error' in delay || 'error' in domains) {
    const errors = { delay: 'error' in delay ? delay.error : undefined, domains: 'error' in domains ? domains.error : undefined };
    const typed: Typed = { delay: delayText, domainsText: typedText, domains: form.all('domains'), errors };
    return { banner: failure('Nothing was changed: correct the fields marked below.'), render: page(ctx, typed) };
  }
  const names = new Set(ctx.engine.config().listeners.map((l) => l.name));
  const suspend = form.all('suspend_listener').filter((n) => names.has(n));
  const resume = form.all('resume_listener').filter((n) => names.has(n));
  const commands: string[][] = [];
  if (suspend.length > 0) commands.push(['suspendlistener', suspend.join(','), String(delay.value)]);
  if (resume.length > 0) commands.push(['resumelistener', resume.join(',')]);
  commands.push(...deliveryCommands(suspendedDomains(ctx), domains.value, String(delay.value)));
  if (commands.length === 0)
    return { banner: { kind: 'warn', title: 'Warning', message: ['Nothing to change: tick a listener or change the domains first.'] } as Banner };
  const done: string[] = [];
  for (const words of commands) {
    const outcome = await ctx.run(words);
    if (!outcome.ok) return { banner: failure(...done, outcome.error ?? 'The action failed.') };
    done.push(...outcome.lines);
  }
  return { banner: success(...done) };
}

export const shutdownSuspendPage: GuiPage = {
  place: { tab: 'System Administration', item: 'Shutdown/Suspend' },
  path: PATH,
  render: (ctx) => page(ctx),
  actions: {
    SuspendResume: suspendResume,
    Submit: async (ctx) => {
      if (!ctx.may('act')) return { banner: failure(ACCESS_REFUSED) };
      return { banner: failure('Reboot and shutdown are not simulated: stop esa-sim from its host (SIGTERM or Ctrl-C for esa start; quit in the sandbox).') };
    },
  },
};
