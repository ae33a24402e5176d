// Sandbox > Trainer (only in `esa sandbox`): the `sim` commands in the browser — the backend mail
// server up or down, test traffic through the listener, the simulated clock and its speed, the
// running scenario and the queue graph. Actions run `sim ...` lines in the user's session; the
// scenario's status and the graph are printed by the same functions `sim scenario status` and
// `sim graph` use.
/** @jsxImportSource hono/jsx */
import { BACKEND_MODES } from '../../sandbox/sandbox.js';
import { graph, scenario } from '../../sandbox/scenarios/sim-scenario.js';
import { loadAll } from '../../sandbox/scenarios/loader.js';
import { DomainPattern } from '../../model/domain-pattern.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { printedBy } from '../command-view.js';
import { bannerOf, failure, type GuiPage, type PageContext } from '../page.js';
import { Box, PostForm } from '../widgets.js';

const PATH = '/sandbox/trainer';
/** Characters of the graph's lines (the `sim graph` drawing is as wide as the terminal it is given). */
const GRAPH_COLUMNS = 112;

function defaultDomain(ctx: PageContext): string {
  const listener = ctx.engine.listenerViews()[0];
  return listener?.rat.find((d) => DomainPattern.fromStored(d).kind === 'exact') ?? 'example.com';
}

const viewer = (ctx: PageContext) => ({
  engine: ctx.engine,
  pending: ctx.session.pending,
  commands: ctx.session.cli.commands,
  user: ctx.session.user,
  columns: GRAPH_COLUMNS,
});

async function state(ctx: PageContext) {
  const sandbox = ctx.engine.sandbox;
  if (!sandbox) return <p>The trainer's page exists only in the sandbox (esa sandbox).</p>;
  const mode = sandbox.backendMode();
  const g = ctx.engine.gauges();
  const running = await printedBy(viewer(ctx), (io) => scenario(io, ['status']));
  const chart = await printedBy(viewer(ctx), (io) => graph(io, []));
  return (
    <>
      <div class="columns">
        <Box caption="Now">
          <table class="pairs">
            <tbody>
              <tr>
                <th>Backend mail server:</th>
                <td id="backend_state">
                  {sandbox.backend.address} is {BACKEND_MODES[mode]}
                </td>
              </tr>
              <tr>
                <th>Received by the backend:</th>
                <td>{sandbox.backend.received.toLocaleString('en-US')}</td>
              </tr>
              <tr>
                <th>Simulated time:</th>
                <td id="sim_time">{formatApplianceDate(sandbox.clock.now())} UTC</td>
              </tr>
              <tr>
                <th>Clock speed:</th>
                <td id="sim_speed">
                  {sandbox.clock.scale.toLocaleString('en-US')}x the wall clock{sandbox.clock.scale === 0 ? ' (stopped)' : ''}
                </td>
              </tr>
              <tr>
                <th>Queued messages:</th>
                <td id="queued">{g.queuedMessages.toLocaleString('en-US')}</td>
              </tr>
              <tr>
                <th>Active recipients:</th>
                <td>{g.activeRecipients.toLocaleString('en-US')}</td>
              </tr>
            </tbody>
          </table>
        </Box>
        <Box caption="Scenario">
          <pre class="transcript" id="scenario_status">
            {running.refusal ?? running.lines.join('\n')}
          </pre>
        </Box>
      </div>
      <Box caption="Queue Graph">
        <pre class="graph" id="queue_graph" aria-label="The queue's size over simulated time">
          {chart.refusal ?? chart.lines.join('\n')}
        </pre>
      </Box>
    </>
  );
}

async function render(ctx: PageContext) {
  const scenarios = await loadAll();
  return (
    <>
      <PostForm ctx={ctx} action={ctx.url(PATH)} id="trainer">
        <div class="columns">
          <Box caption="Backend Mail Server">
            <div class="buttons">
              <input type="submit" name="action:BackendUp" value="Backend up" />
              <input type="submit" name="action:BackendDown" value="Backend down" />
              <input type="submit" name="action:BackendTempfail" value="Temporary failures (451)" />
              <input type="submit" name="action:BackendReject" value="Rejections (550)" />
            </div>
          </Box>
          <Box caption="Test Traffic">
            <table class="pairs">
              <tbody>
                <tr>
                  <th>
                    <label for="inject_count">Messages:</label>
                  </th>
                  <td>
                    <input type="number" id="inject_count" name="inject_count" value="100" min="1" max="100000" />
                  </td>
                </tr>
                <tr>
                  <th>
                    <label for="inject_domain">To the domain:</label>
                  </th>
                  <td>
                    <input type="text" id="inject_domain" name="inject_domain" value={defaultDomain(ctx)} />
                  </td>
                </tr>
              </tbody>
            </table>
            <div class="buttons">
              <input type="submit" name="action:Inject" value="Inject" />
            </div>
          </Box>
          <Box caption="Simulated Clock">
            <table class="pairs">
              <tbody>
                <tr>
                  <th>
                    <label for="clock_jump">Jump ahead:</label>
                  </th>
                  <td>
                    <input type="text" id="clock_jump" name="clock_jump" value="+1h" size={8} /> <input type="submit" name="action:Jump" value="Jump" />
                    <div class="hint">+90s, +30m, +72h, +1h30m, +2d: retries, probes and expiries due meanwhile happen.</div>
                  </td>
                </tr>
                <tr>
                  <th>
                    <label for="clock_scale">Speed:</label>
                  </th>
                  <td>
                    <input type="text" id="clock_scale" name="clock_scale" value={String(ctx.engine.sandbox?.clock.scale ?? 1)} size={8} />{' '}
                    <input type="submit" name="action:Scale" value="Set Speed" />
                    <div class="hint">1 = real time, 3600 = an hour a second, 0 stops the clock.</div>
                  </td>
                </tr>
              </tbody>
            </table>
          </Box>
          <Box caption="Scenarios">
            <label for="scenario_name">Exercise: </label>
            <select id="scenario_name" name="scenario_name">
              {scenarios.map((s) => (
                <option value={s.name}>{'scenario' in s ? `${s.name}: ${s.scenario.title}` : `${s.name} (cannot be used: ${s.error})`}</option>
              ))}
            </select>
            <div class="buttons">
              <input type="submit" name="action:ScenarioStart" value="Start" />
              <input type="submit" name="action:ScenarioHint" value="Hint" />
              <input type="submit" name="action:ScenarioCheck" value="Check" />
              <input type="submit" name="action:ScenarioStop" value="Stop" />
            </div>
          </Box>
        </div>
      </PostForm>
      <div id="live" data-live={ctx.liveUrl}>
        {await state(ctx)}
      </div>
    </>
  );
}

/** An action that runs one `sim` line in the session; its output is the banner. */
const sim =
  (words: (form: { get(name: string): string | undefined }) => string[]) => async (ctx: PageContext, form: { get(name: string): string | undefined }) => {
    if (!ctx.engine.sandbox) return { banner: failure('The sim commands exist only in the sandbox: start it with `esa sandbox`.') };
    return { banner: bannerOf(await ctx.run(['sim', ...words(form)])) };
  };

const field = (form: { get(name: string): string | undefined }, name: string) => (form.get(name) ?? '').trim();

export const trainerPage: GuiPage = {
  place: { tab: 'Sandbox', item: 'Trainer' },
  path: PATH,
  heading: 'Trainer',
  sandboxOnly: true,
  render,
  live: state,
  actions: {
    'action:BackendUp': sim(() => ['backend', 'up']),
    'action:BackendDown': sim(() => ['backend', 'down']),
    'action:BackendTempfail': sim(() => ['backend', 'tempfail']),
    'action:BackendReject': sim(() => ['backend', 'reject']),
    'action:Inject': sim((f) => ['inject', field(f, 'inject_count'), field(f, 'inject_domain')].filter((w) => w !== '')),
    'action:Jump': sim((f) => ['clock', field(f, 'clock_jump').replace(/^(?=[^+])/, '+')]),
    'action:Scale': sim((f) => ['clock', 'scale', field(f, 'clock_scale')]),
    'action:ScenarioStart': sim((f) => ['scenario', 'start', field(f, 'scenario_name')]),
    'action:ScenarioHint': sim(() => ['scenario', 'hint']),
    'action:ScenarioCheck': sim(() => ['scenario', 'check']),
    'action:ScenarioStop': sim(() => ['scenario', 'stop']),
  },
};
