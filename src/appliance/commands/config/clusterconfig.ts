// `clusterconfig`: the cluster this machine belongs to — standalone, create a cluster or join
// one (its configuration lives in a NATS JetStream server); in a cluster, the menu of its
// membership: groups, machines, its name, the list of levels and their settings, each member's
// connection. Membership changes take effect at once (no commit), as on the appliance. The
// membership's rules are src/model/tables/cluster-members.ts; the cluster itself is the engine's
// (EngineApi.cluster).
import { MACHINE_SETTINGS } from '../../../model/cluster.js';
import { checkClusterName, MAIN_GROUP } from '../../../model/tables/cluster-members.js';
import { CommandError, type Command, type CommandIO } from '../../kit/command.js';
import { configCommand, UsageError, type ConfigCommandSpec } from '../../kit/config-command.js';
import { askNumbered, askText, askYesNo } from '../../kit/dialog.js';
import { clusterListing, connectionStatus } from './cluster-report.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const TAKES_EFFECT = (what: string) => `${what} a cluster takes effect immediately, there is no need to commit.`;

const cluster = (io: CommandIO) => io.engine.cluster;
const viewOf = (io: CommandIO) => cluster(io).view() ?? refuseStandalone();

function refuseStandalone(): never {
  throw new CommandError('This machine has not been clustered: use "clusterconfig" to create or join a cluster.');
}

const nameCheck = (what: 'cluster' | 'group') => (name: string) => (name === '' ? `You must enter a ${what} name.` : checkClusterName(name, what));

async function askUrl(io: CommandIO, label: string): Promise<string> {
  return askText(io, label, {
    default: DEFAULT_NATS_URL,
    check: (a) => (/^nats:\/\/\S+$/.test(a) ? undefined : 'The value must be a URL of the form nats://HOST:PORT.'),
  });
}

// ----- standalone -----

async function createDialog(io: CommandIO): Promise<void> {
  const name = await askText(io, 'Enter the name of the new cluster.', { check: nameCheck('cluster') });
  const url = await askUrl(io, "Enter the URL of the NATS JetStream server that keeps the cluster's configuration.");
  await cluster(io).create(url, name);
  const view = viewOf(io);
  io.blank();
  io.print(`Cluster ${view.name} created at ${view.url}: this machine, ${view.machine}, is its first member, in group ${view.group ?? MAIN_GROUP}.`);
  io.blank();
  io.print(TAKES_EFFECT('Creating'));
}

async function joinDialog(io: CommandIO): Promise<boolean> {
  const url = await askUrl(io, 'Enter the URL of the NATS JetStream server of the cluster to join.');
  const found = await cluster(io).probe(url);
  if (!found) throw new CommandError(`There is no cluster at ${url}: choose "Create a new cluster." on its first machine.`);
  io.blank();
  io.print(`Cluster ${found.name}: ${found.machines.length} machine(s) in ${found.groups.length} group(s).`);
  let group = found.groups[0];
  if (found.groups.length > 1) {
    const g = await askNumbered(io, 'Choose the group this machine joins:', found.groups, { defaultIndex: 0 });
    if (g === undefined) return false;
    group = found.groups[g];
  }
  io.blank();
  io.print(
    `This machine's configuration is replaced by the cluster's, except its machine settings (${MACHINE_SETTINGS.join(', ')}); its queue, mail logs and counters stay its own.`,
  );
  if (!(await askYesNo(io, 'Do you wish to continue?', true))) return false;
  await cluster(io).join(url, group);
  io.blank();
  io.print(`This machine, ${viewOf(io).machine}, joined cluster ${viewOf(io).name} in group ${group}.`);
  io.blank();
  io.print(TAKES_EFFECT('Joining'));
  return true;
}

const STANDALONE_CHOICES = ['No, configure as standalone.', 'Create a new cluster.', 'Join an existing cluster.'];

async function standaloneDialog(io: CommandIO): Promise<void> {
  if (io.pending.hasChanges) {
    if (!(await askYesNo(io, 'You have pending changes that may be lost if you continue. Do you want to continue?', false))) return;
    io.pending.clear();
  }
  const choice = await askNumbered(io, 'Do you want to join or create a cluster?', STANDALONE_CHOICES, { defaultIndex: 0 });
  if (choice === 1) await createDialog(io);
  if (choice === 2 && (await joinDialog(io))) await runClustered(io);
}

// ----- in a cluster -----

async function pickMachine(io: CommandIO, label: string): Promise<string | undefined> {
  const names = viewOf(io).membership.machines.map((m) => m.name);
  const i = await askNumbered(io, label, names);
  return i === undefined ? undefined : names[i];
}

async function pickGroup(io: CommandIO, label: string, groups = viewOf(io).membership.groups): Promise<string | undefined> {
  const i = await askNumbered(io, label, groups);
  return i === undefined ? undefined : groups[i];
}

function done(io: CommandIO, line: string): void {
  io.blank();
  io.print(line);
}

async function removeMachine(io: CommandIO, machine: string): Promise<void> {
  const self = viewOf(io).machine === machine;
  await cluster(io).removeMachine(machine);
  done(
    io,
    self ? `Machine ${machine} removed from the cluster: it now stands alone on its last configuration.` : `Machine ${machine} removed from the cluster.`,
  );
}

const SPEC: ConfigCommandSpec = {
  name: 'clusterconfig',
  summary: 'Configure a cluster of appliances.',
  about: `Without a cluster: "Do you want to join or create a cluster?" — 1. standalone (nothing
changes), 2. create a new cluster (its name, and the URL of the NATS JetStream server that keeps
its configuration: start one with "nats-server -js"), 3. join an existing cluster (the URL; the
group when there are several; this machine's configuration is then the cluster's, but for its
machine settings: ${MACHINE_SETTINGS.join(', ')}). Both take effect at once.

In a cluster (cluster mode; see "clustermode"), the cluster's name, then the menu:
  ADDGROUP       Add a group (a new cluster has ${MAIN_GROUP}).
  SETGROUP       Move a machine to another group.
  RENAMEGROUP    Rename a group.
  DELETEGROUP    Remove a group (its machines move to another one; one group always stays).
  REMOVEMACHINE  Remove a machine from the cluster (it goes on standalone with its last configuration).
  SETNAME        Rename the cluster.
  LIST           The cluster, its groups and machines, and the settings each level defines.
  CONNSTATUS     Each member's connection, the configuration revision it runs and its hash.
Membership changes take effect at once. Queues, mail logs and counters stay each machine's own.
See docs/cluster.md.`,
  operations: [
    {
      word: 'CREATE',
      description: 'Create a new cluster.',
      batch: {
        usage: ['create <name> <nats-url>'],
        async run(io, args) {
          if (args.length !== 2) throw new UsageError();
          const why = nameCheck('cluster')(args[0]);
          if (why) throw new CommandError(why);
          await cluster(io).create(args[1], args[0]);
          const v = viewOf(io);
          io.print(`Cluster ${v.name} created at ${v.url} with ${v.machine} in group ${v.group ?? MAIN_GROUP}.`);
        },
      },
    },
    {
      word: 'JOIN',
      description: 'Join an existing cluster.',
      batch: {
        usage: ['join <nats-url> [<group>]'],
        async run(io, args) {
          if (args.length < 1 || args.length > 2) throw new UsageError();
          await cluster(io).join(args[0], args[1]);
          const v = viewOf(io);
          io.print(`${v.machine} joined cluster ${v.name} in group ${v.group ?? MAIN_GROUP}.`);
        },
      },
    },
    {
      word: 'ADDGROUP',
      description: 'Add a cluster group.',
      async dialog(io) {
        const name = await askText(io, 'Enter the name of the new group.', { check: nameCheck('group') });
        await cluster(io).addGroup(name);
        done(io, `Group ${name} added.`);
      },
      batch: {
        usage: ['addgroup <group>'],
        async run(io, args) {
          if (args.length !== 1) throw new UsageError();
          await cluster(io).addGroup(args[0]);
          io.print(`Group ${args[0]} added.`);
        },
      },
    },
    {
      word: 'SETGROUP',
      description: 'Set the group that machines are a member of.',
      async dialog(io) {
        const machine = await pickMachine(io, 'Choose the machine to move to another group.');
        if (machine === undefined) return;
        const group = await pickGroup(io, `Choose the group for ${machine}.`);
        if (group === undefined) return;
        await cluster(io).setGroup(machine, group);
        done(io, `Machine ${machine} is now in group ${group}.`);
      },
      batch: {
        usage: ['setgroup <machine> <group>'],
        async run(io, args) {
          if (args.length !== 2) throw new UsageError();
          await cluster(io).setGroup(args[0], args[1]);
          io.print(`Machine ${args[0]} is now in group ${args[1]}.`);
        },
      },
    },
    {
      word: 'RENAMEGROUP',
      description: 'Rename a cluster group.',
      async dialog(io) {
        const group = await pickGroup(io, 'Choose the group to rename.');
        if (group === undefined) return;
        const name = await askText(io, 'Enter the new name of the group.', { check: nameCheck('group') });
        await cluster(io).renameGroup(group, name);
        done(io, `Group ${group} renamed to ${name}.`);
      },
      batch: {
        usage: ['renamegroup <group> <new-name>'],
        async run(io, args) {
          if (args.length !== 2) throw new UsageError();
          await cluster(io).renameGroup(args[0], args[1]);
          io.print(`Group ${args[0]} renamed to ${args[1]}.`);
        },
      },
    },
    {
      word: 'DELETEGROUP',
      description: 'Remove a cluster group.',
      async dialog(io) {
        const v = viewOf(io);
        const group = await pickGroup(io, 'Choose which group you wish to remove.');
        if (group === undefined) return;
        let moveTo: string | undefined;
        if (v.membership.machines.some((m) => m.group === group) && v.membership.groups.length > 1) {
          moveTo = await pickGroup(
            io,
            `Choose the group that machines in ${group} should be moved to.`,
            v.membership.groups.filter((g) => g !== group),
          );
          if (moveTo === undefined) return;
        }
        await cluster(io).deleteGroup(group, moveTo);
        done(io, `Group ${group} removed.`);
      },
      batch: {
        usage: ['deletegroup <group> [<move-machines-to>]'],
        async run(io, args) {
          if (args.length < 1 || args.length > 2) throw new UsageError();
          await cluster(io).deleteGroup(args[0], args[1]);
          io.print(`Group ${args[0]} removed.`);
        },
      },
    },
    {
      word: 'REMOVEMACHINE',
      description: 'Remove a machine from the cluster.',
      async dialog(io) {
        const machine = await pickMachine(io, 'Choose the machine to remove from the cluster.');
        if (machine === undefined) return;
        if (!(await askYesNo(io, `Are you sure you want to remove ${machine} from the cluster?`, false))) return;
        await removeMachine(io, machine);
      },
      batch: {
        usage: ['removemachine <machine>'],
        async run(io, args) {
          if (args.length !== 1) throw new UsageError();
          await removeMachine(io, args[0]);
        },
      },
    },
    {
      word: 'SETNAME',
      description: 'Set the cluster name.',
      async dialog(io) {
        const name = await askText(io, 'Enter the new name of the cluster.', { default: viewOf(io).name, check: nameCheck('cluster') });
        await cluster(io).setName(name);
        done(io, `The cluster is now named ${name}.`);
      },
      batch: {
        usage: ['setname <name>'],
        async run(io, args) {
          if (args.length !== 1) throw new UsageError();
          const why = nameCheck('cluster')(args[0]);
          if (why) throw new CommandError(why);
          await cluster(io).setName(args[0]);
          io.print(`The cluster is now named ${args[0]}.`);
        },
      },
    },
    {
      word: 'LIST',
      description: 'List the machines in the cluster.',
      async dialog(io) {
        io.blank();
        io.print(...clusterListing(viewOf(io)));
      },
      batch: {
        usage: ['list'],
        run(io, args) {
          if (args.length !== 0) throw new UsageError();
          io.print(...clusterListing(viewOf(io)));
        },
      },
    },
    {
      word: 'CONNSTATUS',
      description: 'Show the status of connections between machines in the cluster.',
      async dialog(io) {
        const v = viewOf(io);
        io.blank();
        io.print(...connectionStatus(v, await cluster(io).memberStatus()));
      },
      batch: {
        usage: ['connstatus'],
        async run(io, args) {
          if (args.length !== 0) throw new UsageError();
          io.print(...connectionStatus(viewOf(io), await cluster(io).memberStatus()));
        },
      },
    },
  ],
  unmodelled: {
    words: ['COMMUNICATION', 'DISCONNECT', 'RECONNECT', 'PREPJOIN'],
    why: (word) => `${word} is not modelled: the machines of this cluster reach each other only through its NATS JetStream server.`,
  },
  banner: (io) => {
    const v = io.engine.cluster.view();
    return v ? [`Cluster ${v.name}`] : undefined;
  },
};

const KIT = configCommand(SPEC);

export const clusterconfig: Command = {
  ...KIT,
  async run(io, args) {
    if (args.length === 0 && !io.engine.cluster.view()) return standaloneDialog(io);
    if (args.length === 0) return runClustered(io);
    return KIT.run(io, args);
  },
};

/** The menu while this machine is in a cluster (it ends once it is removed). */
function runClustered(io: CommandIO): Promise<void> {
  return configCommand({ ...SPEC, while: () => io.engine.cluster.view() !== undefined }).run(io, []);
}
