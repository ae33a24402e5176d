// Monitor > System Status: the figures of `status detail` (the system's state, counters, rates,
// gauges, current ids) in the reference's tables, following the engine live; "Reset Counters"
// runs `resetcounters`.
/** @jsxImportSource hono/jsx */
import type { StatusSnapshot } from '../../api/engine-api.js';
import { COUNTER_ROWS, formatBytesShort, formatDuration, RATE_ROWS, resourceConservation } from '../../appliance/commands/monitoring/status-report.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { bannerOf, type GuiPage, type PageContext } from '../page.js';
import { Box, DashboardTable, PostForm, SummaryTable, type SummaryRow } from '../widgets.js';

const PATH = '/monitor/system_status';

const date = (ms: number) => `${formatApplianceDate(ms)} UTC`;
/** The CLI indents 4, 6 and 8 blanks under a group; the GUI indents one to three steps. */
const indent = (blanks: number) => Math.max(1, (blanks - 2) / 2);

function rowsOf(table: typeof COUNTER_ROWS, values: (name: NonNullable<(typeof COUNTER_ROWS)[number][2]>) => number[]): SummaryRow[] {
  return table.map(([blanks, label, name]) => (name ? { label, indent: indent(blanks), values: values(name) } : { group: label }));
}

function statusRows(s: StatusSnapshot): [string, string][] {
  const rows: [string, string][] = [
    ['Status as of:', date(s.now)],
    ['Up since:', `${date(s.startedAt)} (${formatDuration(s.now - s.startedAt)})`],
    ['Last counter reset:', s.lastReset === undefined ? 'Never' : date(s.lastReset)],
    ['System status:', s.systemStatus],
    ['Oldest Message:', s.oldestArrival === undefined ? 'No Messages' : formatDuration(s.now - s.oldestArrival)],
  ];
  if ((s.corruptFilesKept ?? 0) > 0) rows.push(['Corrupt files kept:', `${s.corruptFilesKept} (*.corrupt-* in the data dir)`]);
  if ((s.damagedSpoolFiles ?? 0) > 0) rows.push(['Damaged messages:', `${s.damagedSpoolFiles} (in queue/corrupt, not delivered)`]);
  if (s.queueLoading) {
    const l = s.queueLoading;
    rows.push([
      'Queue:',
      `${l.stopped ? `loading stopped (${l.stopped})` : 'still loading after the start'}: ${l.messages.toLocaleString('en-US')} of about ${l.expectedMessages.toLocaleString('en-US')} messages`,
    ]);
  }
  if (s.storageShort) rows.push(['Storage:', `cannot write ${s.storageShort.what}: ${s.storageShort.reason}; receiving refused (452 4.3.1)`]);
  return rows;
}

function gaugeRows(s: StatusSnapshot): SummaryRow[] {
  const g = s.gauges;
  const conservation = resourceConservation(s.storageShort ? 100 : g.storageUsedPercent);
  const system: SummaryRow[] = s.system
    ? [
        { label: 'RAM Utilization', indent: 1, values: [`${s.system.ramPercent}%`] },
        { label: 'Overall CPU load average', indent: 1, values: [`${s.system.cpuPercent}%`] },
        { label: 'Disk I/O Utilization', indent: 1, values: [`${s.system.diskIoPercent}%`] },
        { label: 'Resource Conservation', indent: 1, values: [conservation] },
        { label: 'Logging Disk Usage', indent: 1, values: [`${s.system.loggingDiskPercent}%`] },
        { label: 'Logging Disk Available', indent: 1, values: [formatBytesShort(s.system.loggingDiskAvailable)] },
      ]
    : [{ label: 'Resource Conservation', indent: 1, values: [conservation] }];
  return [
    { group: 'System' },
    ...system,
    { group: 'Connections' },
    { label: 'Current Inbound Conn.', indent: 1, values: [g.connectionsIn] },
    { label: 'Current Outbound Conn.', indent: 1, values: [g.connectionsOut] },
    { group: 'Queue' },
    { label: 'Active Recipients', indent: 1, values: [g.activeRecipients] },
    { label: 'Unattempted Recipients', indent: 2, values: [g.unattempted] },
    { label: 'Attempted Recipients', indent: 2, values: [g.attempted] },
    { label: 'Messages In Work Queue', indent: 1, values: [g.messagesInWorkQueue] },
    { label: 'Destinations In Memory', indent: 1, values: [g.destinations] },
    { label: 'Kilobytes Used', indent: 1, values: [g.kilobytesUsed] },
    { label: 'Kilobytes Free', indent: 1, values: [g.kilobytesFree] },
  ];
}

async function figures(ctx: PageContext) {
  const s: StatusSnapshot = { ...ctx.engine.statusSnapshot(true), system: await ctx.engine.systemGauges() };
  return (
    <div class="columns">
      <div>
        <Box caption="System Status">
          <DashboardTable sections={[{ name: 'Mail System Status', rows: statusRows(s) }]} />
        </Box>
        <Box caption="Counters">
          <SummaryTable
            columns={['Reset', 'Uptime', 'Lifetime']}
            rows={rowsOf(COUNTER_ROWS, (n) => [s.counters[n].reset, s.counters[n].uptime, s.counters[n].lifetime])}
          />
        </Box>
      </div>
      <div>
        <Box caption="Gauges">
          <SummaryTable columns={['Current']} rows={gaugeRows(s)} />
        </Box>
        <Box caption="Rates (Events per Hour)">
          <SummaryTable columns={['1 Minute', '5 Minutes', '15 Minutes']} rows={rowsOf(RATE_ROWS, (n) => [...(s.rates?.[n] ?? [0, 0, 0])])} />
        </Box>
        <Box caption="Current IDs">
          <SummaryTable
            rows={[
              { label: 'Message ID (MID)', values: [s.ids.mid] },
              { label: 'Injection Conn. ID (ICID)', values: [s.ids.icid] },
              { label: 'Delivery Conn. ID (DCID)', values: [s.ids.dcid] },
            ]}
          />
        </Box>
      </div>
    </div>
  );
}

export const systemStatusPage: GuiPage = {
  place: { tab: 'Monitor', item: 'System Status' },
  path: PATH,
  async render(ctx) {
    return (
      <>
        <PostForm ctx={ctx} action={ctx.url(PATH)}>
          <div class="buttons">
            <input type="submit" name="action:ResetCounters" id="action:ResetCounters" value="Reset Counters" />
            <span class="hint">Zeroes the Reset column here and the per-host counters of Delivery Status (resetcounters).</span>
          </div>
        </PostForm>
        <div id="live" data-live={ctx.liveUrl}>
          {await figures(ctx)}
        </div>
      </>
    );
  },
  live: figures,
  actions: {
    'action:ResetCounters': async (ctx) => ({ banner: bannerOf(await ctx.run(['resetcounters'])) }),
  },
};
