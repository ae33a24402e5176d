// What the cluster commands print: clusterconfig's LIST (the levels and the settings each one
// defines: where a value comes from) and CONNSTATUS (each member over the cluster), and the
// cluster's lines in `status`.
import type { ClusterMemberStatus, ClusterView } from '../../../api/cluster-port.js';
import { formatApplianceDate } from '../../../model/format-date.js';

const settingsText = (keys: readonly string[]) => (keys.length === 0 ? '(no settings of its own)' : keys.join(', '));

/** LIST: the cluster, its groups and their machines, each with the settings its own document defines. */
export function clusterListing(v: ClusterView): string[] {
  const lines = [`Cluster ${v.name}`, `  settings: ${settingsText(v.defined.cluster)}`];
  for (const group of v.membership.groups) {
    lines.push('', `Group ${group}:`, `  settings: ${settingsText(v.defined.groups[group] ?? [])}`);
    const machines = v.membership.machines.filter((m) => m.group === group);
    if (machines.length === 0) lines.push('  (no machines)');
    for (const m of machines) {
      lines.push(`  Machine ${m.name}${m.name === v.machine ? ' (this machine)' : ''}`, `    settings: ${settingsText(v.defined.machines[m.name] ?? [])}`);
    }
  }
  lines.push('', "A machine runs the settings of its own level first, then its group's, then the cluster's, then the defaults.");
  return lines;
}

/** CONNSTATUS: each member as it answered (its revision and configuration hash), or not connected. */
export function connectionStatus(v: ClusterView, members: readonly ClusterMemberStatus[]): string[] {
  const groupOf = (name: string) => v.membership.machines.find((m) => m.name === name)?.group ?? '';
  const rows = members.map((m) => [
    m.machine,
    groupOf(m.machine),
    m.connected ? 'Connected' : 'Not connected',
    m.revision === undefined ? '' : String(m.revision),
    m.configHash ?? '',
  ]);
  const head = ['Machine', 'Group', 'Status', 'Revision', 'Configuration'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [`Connections of cluster ${v.name} through ${v.url}:`, '', line(head), ...rows.map(line)];
}

/** `status`: the cluster, the store's connection, the revision in force. */
export function clusterStatusLines(v: ClusterView): string[] {
  const where = `Machine ${v.machine}${v.group ? ` in group ${v.group}` : ''}`;
  const lines =
    v.connected && v.unreachableSince === undefined
      ? [`Cluster: ${v.name} (${where}), connected to ${v.url}, configuration revision ${v.revision}`]
      : [
          `Cluster: ${v.name} (${where}) unreachable${v.unreachableSince === undefined ? '' : ` since ${formatApplianceDate(v.unreachableSince)}`} (${v.url}):`,
          `  commits are refused; mail flows on the last configuration (revision ${v.revision})`,
        ];
  if (v.lastError) lines.push(`  ${v.lastError}`);
  return lines;
}
