// The `tophosts` report as text: pure, so its layout (which scripts written for the real
// appliance parse) is unit-tested. Four lines separate `Status as of:` from the first row.
import { formatCount } from '../../../model/format-count.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { field } from '../../kit/report-field.js';
import type { HostRow } from '../../../api/engine-api.js';

export type { HostRow } from '../../../api/engine-api.js';

export interface SortColumn {
  word: string;
  label: string;
  value: (row: HostRow) => number;
}

/** The sort menu, in the appliance's order. */
export const SORT_COLUMNS: readonly SortColumn[] = [
  { word: 'active', label: 'Active Recipients', value: (r) => r.activeRecipients },
  { word: 'connections', label: 'Connections Out', value: (r) => r.connectionsOut },
  { word: 'delivered', label: 'Delivered Recipients', value: (r) => r.deliveredRecipients },
  { word: 'hard', label: 'Hard Bounced Recipients', value: (r) => r.hardBouncedRecipients },
  { word: 'soft', label: 'Soft Bounced Events', value: (r) => r.softBouncedEvents },
];

export const TOP_HOSTS = 20;

const HEADER = [
  '                                   Active    Conn.   Deliv.     Soft     Hard',
  ' #   Recipient Host                Recip.     Out    Recip.   Bounced  Bounced',
];

/** Right edges of the numeric columns (Active, Conn. Out, Deliv., Soft, Hard), as in HEADER. */
const COLUMN_ENDS = [41, 49, 59, 69, 78];

/** The top rows by a column, largest first; ties by active recipients, then by name. */
export function topHosts(rows: Iterable<HostRow>, column: SortColumn, limit = TOP_HOSTS): HostRow[] {
  return [...rows]
    .sort((a, b) => column.value(b) - column.value(a) || b.activeRecipients - a.activeRecipients || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0))
    .slice(0, limit);
}

function row(rank: number, r: HostRow): string {
  let line = `${String(rank).padStart(2)}${r.down ? '*' : ' '}  ${r.domain}`;
  const values = [r.activeRecipients, r.connectionsOut, r.deliveredRecipients, r.softBouncedEvents, r.hardBouncedRecipients];
  values.forEach((v, i) => {
    const text = formatCount(v);
    // At least one blank between columns, even when a long name or number pushes them right.
    line += ' '.repeat(Math.max(1, COLUMN_ENDS[i] - line.length - text.length)) + text;
  });
  return line;
}

/** The whole report: rows already chosen and sorted. */
export function formatTopHosts(now: number, rows: readonly HostRow[]): string[] {
  if (rows.length === 0) return ['There are no hosts.'];
  return [
    `${field('Status as of:')}${formatApplianceDate(now)} UTC`,
    "Hosts marked with '*' were down as of the last delivery attempt.",
    '',
    ...HEADER,
    ...rows.map((r, i) => row(i + 1, r)),
  ];
}
