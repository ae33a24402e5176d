// The cluster's own membership (clusterconfig): its name, its groups, its machines and the group
// each is in. Kept in the cluster's store, not in any machine's configuration; each operation
// returns the new membership or refuses with one line in the appliance's wording. Pure.
import { refuse } from '../change.js';

/** The group every cluster starts with (the appliance's default). */
export const MAIN_GROUP = 'Main_Group';

export interface ClusterMachine {
  /** The machine's name in the cluster: its hostname when it joined. */
  name: string;
  group: string;
  /** When it joined (simulated epoch ms of the machine that added it). */
  joinedAt: number;
}

export interface ClusterMembership {
  /** The cluster's name (the prompt's `(Cluster <name>)`). */
  name: string;
  /** Group names, in the order they were added. */
  groups: string[];
  machines: ClusterMachine[];
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const MACHINE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Why a cluster or group name is refused, or undefined. */
export function checkClusterName(name: string, what: 'cluster' | 'group'): string | undefined {
  if (NAME.test(name)) return undefined;
  return `The ${what} name must start with a letter and contain only letters, digits, "_" and "-" (at most 63 characters).`;
}

/** Why a machine name (a hostname) cannot be a member's name, or undefined. */
export function checkMachineName(name: string): string | undefined {
  return MACHINE.test(name) && name.length <= 253 ? undefined : `A hostname is required as the machine's name in the cluster (got "${name}").`;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findGroup(m: ClusterMembership, name: string): string | undefined {
  return m.groups.find((g) => same(g, name));
}

export function findMachine(m: ClusterMembership, name: string): ClusterMachine | undefined {
  return m.machines.find((x) => same(x.name, name));
}

function groupOrRefuse(m: ClusterMembership, name: string): string {
  return findGroup(m, name) ?? refuse(`There is no group named "${name}" in the cluster.`);
}

function machineOrRefuse(m: ClusterMembership, name: string): ClusterMachine {
  return findMachine(m, name) ?? refuse(`There is no machine named "${name}" in the cluster.`);
}

function validName(name: string, what: 'cluster' | 'group'): string {
  const why = checkClusterName(name, what);
  if (why) refuse(why);
  return name;
}

/** A new cluster of one machine, in Main_Group. */
export function newMembership(clusterName: string, machine: string, at: number): ClusterMembership {
  validName(clusterName, 'cluster');
  const why = checkMachineName(machine);
  if (why) refuse(why);
  return { name: clusterName, groups: [MAIN_GROUP], machines: [{ name: machine, group: MAIN_GROUP, joinedAt: at }] };
}

export function addMachine(m: ClusterMembership, machine: string, group: string, at: number): ClusterMembership {
  const why = checkMachineName(machine);
  if (why) refuse(why);
  if (findMachine(m, machine)) refuse(`A machine named "${machine}" is already in the cluster: give this machine another hostname before it joins.`);
  return { ...m, machines: [...m.machines, { name: machine, group: groupOrRefuse(m, group), joinedAt: at }] };
}

export function removeMachine(m: ClusterMembership, machine: string): ClusterMembership {
  const gone = machineOrRefuse(m, machine);
  return { ...m, machines: m.machines.filter((x) => x !== gone) };
}

export function addGroup(m: ClusterMembership, name: string): ClusterMembership {
  validName(name, 'group');
  if (findGroup(m, name)) refuse(`A group named "${name}" already exists.`);
  return { ...m, groups: [...m.groups, name] };
}

export function renameGroup(m: ClusterMembership, from: string, to: string): ClusterMembership {
  const old = groupOrRefuse(m, from);
  validName(to, 'group');
  const taken = findGroup(m, to);
  if (taken && taken !== old) refuse(`A group named "${to}" already exists.`);
  return {
    ...m,
    groups: m.groups.map((g) => (g === old ? to : g)),
    machines: m.machines.map((x) => (x.group === old ? { ...x, group: to } : x)),
  };
}

/** Removes a group; its machines move to `moveTo`. A cluster keeps at least one group. */
export function deleteGroup(m: ClusterMembership, name: string, moveTo: string | undefined): ClusterMembership {
  const gone = groupOrRefuse(m, name);
  if (m.groups.length === 1) refuse('Since there is only 1 group defined, you cannot delete it because there must be at least 1 group in the cluster.');
  const members = m.machines.filter((x) => x.group === gone);
  const target = moveTo === undefined ? undefined : groupOrRefuse(m, moveTo);
  if (target === gone) refuse(`The machines of group "${gone}" must move to another group.`);
  if (members.length > 0 && target === undefined) refuse(`Choose the group that machines in ${gone} should be moved to.`);
  return {
    ...m,
    groups: m.groups.filter((g) => g !== gone),
    machines: m.machines.map((x) => (x.group === gone ? { ...x, group: target! } : x)),
  };
}

export function setGroup(m: ClusterMembership, machine: string, group: string): ClusterMembership {
  const who = machineOrRefuse(m, machine);
  const target = groupOrRefuse(m, group);
  return { ...m, machines: m.machines.map((x) => (x === who ? { ...x, group: target } : x)) };
}

export function setClusterName(m: ClusterMembership, name: string): ClusterMembership {
  return { ...m, name: validName(name, 'cluster') };
}

/** Whether a stored value has the membership's shape (anything else in the store is ignored). */
export function isMembership(v: unknown): v is ClusterMembership {
  const m = v as ClusterMembership | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.name === 'string' &&
    Array.isArray(m.groups) &&
    Array.isArray(m.machines) &&
    m.machines.every((x) => typeof x?.name === 'string' && typeof x.group === 'string')
  );
}
