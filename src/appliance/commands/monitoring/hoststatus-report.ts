// The `hoststatus` report as text, from the engine's view of one recipient host: pure, so
// its layout is unit-tested. Labels and section order are the appliance's (see docs/commands.md).
import { formatCount } from '../../../model/format-count.js';
import type { HostStatusView } from '../../../api/engine-api.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { formatDuration } from './status-report.js';

/** `up`, `down` or `unknown` (never tried since start), as hoststatus and hostrate print it. */
export function hostUpDown(v: Pick<HostStatusView, 'down' | 'lastActivity'> | undefined): 'up' | 'down' | 'unknown' {
  if (!v) return 'unknown';
  if (v.down) return 'down';
  return v.lastActivity === undefined ? 'unknown' : 'up';
}

/** The system lines' label column (`Status as of:` then at least 9 spaces). */
const TOP = 22;
/** Counter and gauge labels, values right-aligned after them. */
const LABEL = 38;
const VALUE = 8;

const date = (ms: number) => `${formatApplianceDate(ms)} UTC`;
const num = (label: string, n: number) => `${label.padEnd(LABEL)}${formatCount(n).padStart(VALUE)}`;
const text = (label: string, value: string) => `${label.padEnd(LABEL)}${value}`;

export function formatHostStatus(v: HostStatusView): string[] {
  const state = hostUpDown(v);
  const out = [`${'Host mail status for:'.padEnd(TOP)}'${v.domain}'`, `${'Status as of:'.padEnd(TOP)}${date(v.now)}`, `${'Host up/down:'.padEnd(TOP)}${state}`];
  if ((state === 'down' || v.tlsFailure !== undefined) && v.nextHostRetry !== undefined) {
    const wait = v.nextHostRetry - v.now;
    if (v.tlsFailure !== undefined) out.push(`${'TLS failure:'.padEnd(TOP)}${v.tlsFailure}`);
    out.push(`${'Next host retry:'.padEnd(TOP)}${wait <= 0 ? 'now' : `${date(v.nextHostRetry)} (in ${formatDuration(wait)})`}`);
  }
  const hb = v.hardBounced;
  out.push(
    '',
    'Counters:',
    '  Queue',
    num('    Soft Bounced Events', v.softBouncedEvents),
    '  Completion',
    num('    Completed Recipients', v.completedRecipients),
    num('      Hard Bounced Recipients', v.hardBouncedRecipients),
    num('        DNS Hard Bounces', hb.dns),
    num('        5XX Hard Bounces', hb['5xx']),
    num('        Expired Hard Bounces', hb.expired),
    num('        Filter Hard Bounces', hb.filter),
    num('        Other Hard Bounces', hb.other),
    num('      Delivered Recipients', v.deliveredRecipients),
    num('      Deleted Recipients', v.deletedRecipients),
    '',
    'Gauges:',
    '  Queue',
    num('    Active Recipients', v.activeRecipients),
    num('      Unattempted Recipients', v.unattempted),
    num('      Attempted Recipients', v.attempted),
    '  Connections',
    num('    Current Outbound Connections', v.connectionsOut),
    num('    Pending Outbound Connections', v.pendingConnections),
    '',
    text('Oldest Message', v.oldestArrival === undefined ? 'No Messages' : `${date(v.oldestArrival)} (${formatDuration(v.now - v.oldestArrival)} ago)`),
    text('Last Activity', v.lastActivity === undefined ? 'Never' : date(v.lastActivity)),
    '',
    'SMTP routes for this host:',
  );
  if (v.route?.special) {
    out.push(`    Route "${v.route.domain}": ${v.route.special}`);
    out.push(
      v.route.special === 'USEDNS'
        ? 'Ordered IP addresses: from DNS (MX records) at each delivery'
        : 'Ordered IP addresses: none (mail for this host is discarded)',
    );
  } else if (v.route) {
    out.push(`    Route "${v.route.domain}": ${v.route.hosts.map((h) => `${h.host}:${h.port}`).join(', ')}`);
    out.push(`Ordered IP addresses: ${v.route.hosts.map((h) => `${h.host}:${h.port}`).join(' ')}`);
  } else {
    out.push('    No SMTP route matches this host.', 'Ordered IP addresses: none');
  }
  out.push('', `${'Last 4XX error:'.padEnd(TOP)}${v.lastError4xx ?? 'None'}`, `${'Last 5XX error:'.padEnd(TOP)}${v.lastError5xx ?? 'None'}`);
  return out;
}
