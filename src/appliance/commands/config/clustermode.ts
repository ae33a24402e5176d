// `clustermode`: the level this session's configuration commands edit in a cluster — the whole
// cluster, a group, or one machine. A machine's setting overrides its group's, a group's the
// cluster's; the prompt names the level. Changes take effect with `commit`.
import type { ClusterLevel } from '../../../model/cluster.js';
import { resolveLevel } from '../../../model/cluster.js';
import { CommandError, type Command, type CommandIO } from '../../kit/command.js';
import { askNumbered } from '../../kit/dialog.js';

export const NOT_CLUSTERED = 'This command is only available on cluster systems.';

const MODES = ['Cluster: configure the whole cluster.', 'Group: configure a group.', 'Machine: configure one machine.'];

async function dialog(io: CommandIO): Promise<ClusterLevel | undefined> {
  const view = io.engine.cluster.view()!;
  const m = view.membership;
  const current = io.pending.mode?.kind ?? 'cluster';
  const i = await askNumbered(io, 'Choose the configuration mode:', MODES, { defaultIndex: ['cluster', 'group', 'machine'].indexOf(current) });
  if (i === undefined) return undefined;
  if (i === 0) return { kind: 'cluster' };
  if (i === 1) {
    if (m.groups.length === 1) return { kind: 'group', name: m.groups[0] };
    const mine = m.groups.indexOf(view.group ?? '');
    const g = await askNumbered(io, 'Choose the group to configure.', m.groups, { defaultIndex: Math.max(0, mine) });
    return g === undefined ? undefined : { kind: 'group', name: m.groups[g] };
  }
  const names = m.machines.map((x) => x.name);
  if (names.length === 1) return { kind: 'machine', name: names[0] };
  const k = await askNumbered(io, 'Choose a machine.', names, { defaultIndex: Math.max(0, names.indexOf(view.machine)) });
  return k === undefined ? undefined : { kind: 'machine', name: names[k] };
}

export const clustermode: Command = {
  name: 'clustermode',
  summary: 'Choose the cluster level configuration commands edit.',
  help: `clustermode - Choose the cluster level configuration commands edit.

In a cluster (see "clusterconfig") a configuration command edits one level: the whole
cluster, a group, or one machine, which the prompt shows: (Cluster NAME)>, (Group NAME)>,
(Machine NAME)>. A machine runs its own level's settings first, then its group's, then
the cluster's: a bounceconfig committed in machine mode applies to that machine only and
overrides the cluster's bounce profiles there. The machine settings (the hostname, the
listeners, the certificates) belong to machine mode; userconfig, passwd and clusterconfig
to cluster mode: run in another mode they offer to switch. A session starts in cluster
mode; switching is refused while it has uncommitted changes.

Asks the mode (Cluster, Group, Machine), then which group or machine when there are several.

Batch:
  clustermode cluster
  clustermode group [<group>]        (default: this machine's group)
  clustermode machine [<machine>]    (default: this machine)`,
  argWords: () => ['cluster', 'group', 'machine'],
  laterWords: (io, before) => {
    const view = io.engine.cluster.view();
    if (!view || before.length !== 1) return [];
    const kind = before[0].toLowerCase();
    if (kind === 'group') return view.membership.groups;
    return kind === 'machine' ? view.membership.machines.map((m) => m.name) : [];
  },
  async run(io, args) {
    const view = io.engine.cluster.view();
    if (!view) throw new CommandError(NOT_CLUSTERED);
    if (io.pending.hasChanges) throw new CommandError('You have uncommitted changes: "commit" or "clearchanges" them before switching modes.');
    if (args.length > 2) throw new CommandError('Usage: clustermode cluster | group [<group>] | machine [<machine>]');
    const level = args.length === 0 ? await dialog(io) : resolveLevel(view.membership, args[0], args[1], view.machine);
    if (level) io.pending.setMode(level);
  },
};
