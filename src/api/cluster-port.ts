// The cluster as front ends and commands see it (EngineApi.cluster): this member's view of its
// cluster, each level's configuration for sessions to edit, commits to a level, and the
// membership operations of clusterconfig. Standalone, `view()` is undefined and the rest refuses.
import type { ApplianceConfig, CommitRecord } from '../model/config.js';
import type { ClusterLevel, SettingKey } from '../model/cluster.js';
import type { ClusterMembership } from '../model/tables/cluster-members.js';

export interface ClusterView {
  name: string;
  /** The store: `nats://host:port`. */
  url: string;
  /** This machine's name in the cluster, and its group. */
  machine: string;
  group: string | undefined;
  /** Whether the store answers now. */
  connected: boolean;
  /** Simulated ms since when the store has not answered. */
  unreachableSince?: number;
  /** Why the last change could not be taken in or applied, when it could not. */
  lastError?: string;
  membership: ClusterMembership;
  /** The newest revision of the cluster's store the running configuration reflects. */
  revision: number;
  /** What members of one group compare: the running configuration without machine settings and history. */
  configHash: string;
  /** Real ms the last start took to read the cluster's configuration. */
  catchUpMs?: number;
  /** The settings each level's document defines (where values come from). */
  defined: { cluster: SettingKey[]; groups: Record<string, SettingKey[]>; machines: Record<string, SettingKey[]> };
}

/** One member as it answers over the cluster (not connected: it did not answer in time). */
export interface ClusterMemberStatus {
  machine: string;
  connected: boolean;
  revision?: number;
  configHash?: string;
}

export interface ClusterPort {
  /** This machine's cluster, or undefined when it stands alone. */
  view(): ClusterView | undefined;
  /** The configuration a level shows (what a session in that mode edits) and the revisions it was made of. */
  levelConfig(level: ClusterLevel): { config: ApplianceConfig; stamp: string };
  /**
   * Commits to a level's document: what `next` changes from the level's configuration of
   * `stamp`. Throws ConfigurationMoved (src/model/cluster.ts) when that configuration moved
   * meanwhile, a Refusal when the cluster is unreachable or the change belongs to another level.
   * Resolves with the store's revision once this machine runs the result.
   */
  commit(level: ClusterLevel, stamp: string, next: ApplianceConfig, record: CommitRecord): Promise<number>;
  /** Where a configuration command's settings come from on this machine (one line), in a cluster. */
  originLine(command: string): string | undefined;
  /** Each member's status, asked over the cluster. */
  memberStatus(): Promise<ClusterMemberStatus[]>;
  /** The cluster at a NATS URL (its membership), or undefined when there is none; refuses when the server does not answer. */
  probe(url: string): Promise<ClusterMembership | undefined>;
  /** Makes this standalone machine the first member of a new cluster whose store is at `url`. */
  create(url: string, name: string): Promise<void>;
  /** Joins this standalone machine to the cluster at `url`: its configuration becomes the cluster's, but for its machine settings. */
  join(url: string, group?: string): Promise<void>;
  addGroup(name: string): Promise<void>;
  renameGroup(from: string, to: string): Promise<void>;
  /** Removes a group; its machines move to `moveTo`. */
  deleteGroup(name: string, moveTo?: string): Promise<void>;
  setGroup(machine: string, group: string): Promise<void>;
  setName(name: string): Promise<void>;
  /** Removes a machine from the cluster (this one: it stands alone on its last configuration). */
  removeMachine(machine: string): Promise<void>;
}
