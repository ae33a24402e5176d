// Monitor > Delivery Status: the `tophosts` table of every recipient host (down hosts marked `*`),
// sorted and paged, following the engine live; a host's detail as `hoststatus` shows it; "Retry
// All Delivery" runs `delivernow ALL`, a host's "Retry Delivery" `delivernow <domain>`.
/** @jsxImportSource hono/jsx */
import type { HostRow, HostStatusView } from '../../api/engine-api.js';
import { hostUpDown } from '../../appliance/commands/monitoring/hoststatus-report.js';
import { formatDuration } from '../../appliance/commands/monitoring/status-report.js';
import { SORT_COLUMNS, topHosts } from '../../appliance/commands/monitoring/tophosts-table.js';
import { sortColumnArg } from '../../appliance/commands/monitoring/tophosts.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { bannerOf, type GuiPage, type PageContext } from '../page.js';
import { Box, DashboardTable, DetailsTable, PostForm, SummaryTable } from '../widgets.js';

export const DELIVERY_PATH = '/monitor/delivery_status';
export const HOST_PATH = '/monitor/delivery_status/host';

/** Rows per page offered (the reference's `rows_ss_` select). */
const PAGE_SIZES = [10, 20, 50, 100] as const;
const DEFAULT_ROWS = 50;

const date = (ms: number) => `${formatApplianceDate(ms)} UTC`;

/**
 * The state cell: `*` marks a host down at its last delivery attempt, as tophosts marks it; a
 * host with no delivery outcome counted yet is Unknown (hoststatus's word).
 */
function hostState(r: HostRow): string {
  if (r.down) return '* Down';
  return r.deliveredRecipients + r.softBouncedEvents + r.hardBouncedRecipients > 0 ? 'Up' : 'Unknown';
}

interface View {
  sort: string;
  rows: number;
  page: number;
}

function viewOf(ctx: PageContext): View {
  const sort = sortColumnArg(ctx.query.get('sort') ?? '')?.word ?? 'active';
  const asked = Number(ctx.query.get('rows'));
  const rows = (PAGE_SIZES as readonly number[]).includes(asked) ? asked : DEFAULT_ROWS;
  const page = Math.max(1, Math.floor(Number(ctx.query.get('page')) || 1));
  return { sort, rows, page };
}

const COLUMN_HEADERS: [string, string | undefined][] = [
  ['Destination Domain', undefined],
  ['Latest Host Status', undefined],
  ['Active Recipients', 'active'],
  ['Connections Out', 'connections'],
  ['Delivered Recipients', 'delivered'],
  ['Soft Bounced Events', 'soft'],
  ['Hard Bounced Recipients', 'hard'],
];

function hostsTable(ctx: PageContext) {
  const view = viewOf(ctx);
  const all = ctx.engine.hostRows();
  const column = sortColumnArg(view.sort) ?? SORT_COLUMNS[0];
  const pages = Math.max(1, Math.ceil(all.length / view.rows));
  const page = Math.min(view.page, pages);
  const sorted = topHosts(all, column, Infinity).slice((page - 1) * view.rows, page * view.rows);
  const link = (q: Partial<View>) => ctx.url(DELIVERY_PATH, { ...view, page, ...q });
  return (
    <Box caption="Outgoing Destinations Status">
      <div class="hint">Status as of: {date(ctx.engine.now())}. Hosts marked with '*' were down as of the last delivery attempt.</div>
      {all.length === 0 ? (
        <p>There are no hosts.</p>
      ) : (
        <>
          <DetailsTable
            summary="Outgoing Destinations Status"
            id="delivery_status"
            headers={COLUMN_HEADERS.map(([label, word]) =>
              word === undefined || word === column.word ? (
                label
              ) : (
                <a href={link({ sort: word, page: 1 })} title={`Sort by ${label}`}>
                  {label}
                </a>
              ),
            )}
            rows={sorted.map((r) => [
              <a href={ctx.url(HOST_PATH, { domain: r.domain })}>{r.domain}</a>,
              <span class={r.down ? 'host-down' : undefined}>{hostState(r)}</span>,
              r.activeRecipients,
              r.connectionsOut,
              r.deliveredRecipients,
              r.softBouncedEvents,
              r.hardBouncedRecipients,
            ])}
          />
          <div class="pager">
            <span>
              Hosts {((page - 1) * view.rows + 1).toLocaleString('en-US')}–{Math.min(page * view.rows, all.length).toLocaleString('en-US')} of{' '}
              {all.length.toLocaleString('en-US')}, sorted by {column.label}
            </span>
            {page > 1 ? <a href={link({ page: page - 1 })}>« Previous</a> : ''}
            {page < pages ? <a href={link({ page: page + 1 })}>Next »</a> : ''}
          </div>
        </>
      )}
    </Box>
  );
}

export const deliveryStatusPage: GuiPage = {
  place: { tab: 'Monitor', item: 'Delivery Status' },
  path: DELIVERY_PATH,
  render(ctx) {
    const view = viewOf(ctx);
    return (
      <>
        <div class="buttons">
          <PostForm ctx={ctx} action={ctx.here}>
            <input type="submit" name="action:RetryAll" id="action:RetryAll" value="Retry All Delivery" />
          </PostForm>
          <form method="get" action={ctx.url(DELIVERY_PATH)} class="buttons">
            <input type="hidden" name="sort" value={view.sort} />
            <label for="rows_ss_delivery">Items displayed</label>
            <select id="rows_ss_delivery" name="rows">
              {PAGE_SIZES.map((n) => (
                <option value={String(n)} selected={n === view.rows}>
                  {String(n)}
                </option>
              ))}
            </select>
            <input type="submit" value="Show" />
          </form>
        </div>
        <div id="live" data-live={ctx.liveUrl}>
          {hostsTable(ctx)}
        </div>
      </>
    );
  },
  live: hostsTable,
  actions: {
    'action:RetryAll': async (ctx) => ({ banner: bannerOf(await ctx.run(['delivernow', 'ALL'])) }),
  },
};

// ----- one host -----

function hostSections(v: HostStatusView) {
  const state = hostUpDown(v);
  const status: [string, string][] = [
    ['Status as of:', date(v.now)],
    ['Host up/down:', state],
  ];
  if (state === 'down' && v.nextHostRetry !== undefined) {
    const wait = v.nextHostRetry - v.now;
    status.push(['Next host retry:', wait <= 0 ? 'now' : `${date(v.nextHostRetry)} (in ${formatDuration(wait)})`]);
  }
  status.push(
    ['Oldest Message:', v.oldestArrival === undefined ? 'No Messages' : `${date(v.oldestArrival)} (${formatDuration(v.now - v.oldestArrival)} ago)`],
    ['Last Activity:', v.lastActivity === undefined ? 'Never' : date(v.lastActivity)],
    ['Last 4XX error:', v.lastError4xx ?? 'None'],
    ['Last 5XX error:', v.lastError5xx ?? 'None'],
  );
  return status;
}

function hostDetail(ctx: PageContext) {
  const domain = (ctx.query.get('domain') ?? '').trim().toLowerCase();
  const v = domain ? ctx.engine.hostStatus(domain) : undefined;
  if (!v) return <p>There is no delivery information for {domain || 'this host'}: the appliance has queued no mail for it since it started.</p>;
  const hb = v.hardBounced;
  const route = v.route;
  const ordered = route && !route.special ? route.hosts.map((h, i) => [i + 1, h.host, String(h.port)] as const) : [];
  return (
    <>
      <Box caption={`Current Information for ${v.domain}`}>
        <DashboardTable sections={[{ name: 'Host Status', rows: hostSections(v) }]} />
      </Box>
      <div class="columns">
        <Box caption="Counters">
          <SummaryTable
            columns={['Count']}
            rows={[
              { group: 'Queue' },
              { label: 'Soft Bounced Events', indent: 1, values: [v.softBouncedEvents] },
              { group: 'Completion' },
              { label: 'Completed Recipients', indent: 1, values: [v.completedRecipients] },
              { label: 'Hard Bounced Recipients', indent: 2, values: [v.hardBouncedRecipients] },
              { label: 'DNS Hard Bounces', indent: 3, values: [hb.dns] },
              { label: '5XX Hard Bounces', indent: 3, values: [hb['5xx']] },
              { label: 'Expired Hard Bounces', indent: 3, values: [hb.expired] },
              { label: 'Filter Hard Bounces', indent: 3, values: [hb.filter] },
              { label: 'Other Hard Bounces', indent: 3, values: [hb.other] },
              { label: 'Delivered Recipients', indent: 2, values: [v.deliveredRecipients] },
              { label: 'Deleted Recipients', indent: 2, values: [v.deletedRecipients] },
            ]}
          />
        </Box>
        <Box caption="Gauges">
          <SummaryTable
            columns={['Current']}
            rows={[
              { group: 'Queue' },
              { label: 'Active Recipients', indent: 1, values: [v.activeRecipients] },
              { label: 'Unattempted Recipients', indent: 2, values: [v.unattempted] },
              { label: 'Attempted Recipients', indent: 2, values: [v.attempted] },
              { group: 'Connections' },
              { label: 'Current Outbound Connections', indent: 1, values: [v.connectionsOut] },
              { label: 'Pending Outbound Connections', indent: 1, values: [v.pendingConnections] },
            ]}
          />
        </Box>
      </div>
      <Box caption="SMTP Routes for this host">
        <DetailsTable
          summary="SMTP Routes for this host"
          headers={['Route', 'Destination Hosts']}
          rows={
            route
              ? [[route.domain === 'ALL' ? 'All Other Domains' : route.domain, route.special ?? route.hosts.map((h) => `${h.host}:${h.port}`).join(', ')]]
              : [['(none)', 'No SMTP route matches this host.']]
          }
        />
      </Box>
      <Box caption="Ordered IP Addresses">
        <DetailsTable
          summary="Ordered IP Addresses"
          headers={['Order', 'Host', 'Port']}
          rows={
            ordered.length > 0
              ? ordered.map((o) => [...o])
              : [
                  [
                    1,
                    route?.special === 'USEDNS'
                      ? 'from DNS (MX records) at each delivery'
                      : route?.special === '/dev/null'
                        ? 'none (mail for this host is discarded)'
                        : 'none',
                    '-',
                  ],
                ]
          }
        />
      </Box>
      <Box caption="MX Records">
        <DetailsTable
          summary="MX Records"
          headers={['Preference', 'Mail Exchanger']}
          rows={[['-', route?.special === 'USEDNS' ? 'looked up at each delivery (not kept)' : 'not looked up: an SMTP route gives the hosts']]}
        />
      </Box>
    </>
  );
}

export const hostDetailPage: GuiPage = {
  place: { tab: 'Monitor', item: 'Delivery Status' },
  path: HOST_PATH,
  heading: 'Delivery Status Details',
  hidden: true,
  render(ctx) {
    const domain = (ctx.query.get('domain') ?? '').trim().toLowerCase();
    return (
      <>
        <div class="buttons">
          <a href={ctx.url(DELIVERY_PATH)}>« Delivery Status</a>
          {domain && ctx.engine.hostStatus(domain) ? (
            <PostForm ctx={ctx} action={ctx.here}>
              <input type="submit" name="action:Retry" id="action:Retry" value="Retry Delivery" />
            </PostForm>
          ) : (
            ''
          )}
        </div>
        <div id="live" data-live={ctx.liveUrl}>
          {hostDetail(ctx)}
        </div>
      </>
    );
  },
  live: hostDetail,
  actions: {
    'action:Retry': async (ctx) => {
      const domain = (ctx.query.get('domain') ?? '').trim().toLowerCase();
      return { banner: bannerOf(await ctx.run(['delivernow', domain])) };
    },
  },
};
