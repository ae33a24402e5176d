// The configuration of a cluster: one document per level (the cluster, each group, each
// machine), each holding the settings that level defines, merged into the configuration a
// machine runs — a machine's setting overrides its group's, a group's the cluster's. A
// setting is a top-level part of the configuration (the bounce profiles, the SMTP routes, the
// listeners...): a level that defines it replaces the whole part. Machine settings (the
// hostname, the listeners with their addresses, the certificates whose keys live in one
// machine's data dir) are kept in machine documents only. Also: the levels a session edits
// (clustermode), where a value comes from, the commands bound to one mode, the hash members
// compare, and the prompt. Pure.
import { createHash } from 'node:crypto';
import { defaultConfig, type ApplianceConfig, type CommitRecord } from './config.js';
import { refuse } from './change.js';
import { findGroup, findMachine, type ClusterMembership } from './tables/cluster-members.js';

/** The level a session edits (clustermode), or a commit writes. */
export type ClusterLevel = { kind: 'cluster' } | { kind: 'group'; name: string } | { kind: 'machine'; name: string };

export type SettingKey = Exclude<keyof ApplianceConfig, 'commits'>;

/** Settings that belong to one machine: kept in machine documents only. */
export const MACHINE_SETTINGS: readonly SettingKey[] = ['hostname', 'listeners', 'gui', 'certificates', 'deliveryCertificate', 'guiCertificate'];

export const isMachineSetting = (key: string): boolean => (MACHINE_SETTINGS as readonly string[]).includes(key);

/** The commits a document keeps (commitdetail reads the newest). */
const COMMITS_KEPT = 100;

/** One level's configuration document, as stored. */
export interface ConfigDocument {
  /** The settings this level defines, each whole; null: this level removes an optional setting. */
  settings: Partial<Record<SettingKey, unknown>>;
  /** The commits written to this document, oldest first. */
  commits: CommitRecord[];
}

/** Every level's document, as a member holds them. */
export interface ClusterDocuments {
  cluster?: ConfigDocument;
  groups: Record<string, ConfigDocument>;
  machines: Record<string, ConfigDocument>;
}

export const emptyDocument = (): ConfigDocument => ({ settings: {}, commits: [] });

export function isConfigDocument(v: unknown): v is ConfigDocument {
  const d = v as ConfigDocument | null;
  return typeof d === 'object' && d !== null && typeof d.settings === 'object' && d.settings !== null && Array.isArray(d.commits);
}

/** The key of a level's document in the cluster's store. */
export function documentKey(level: ClusterLevel): string {
  return level.kind === 'cluster' ? 'cluster' : `${level.kind}.${level.name}`;
}

/** The level a document key names, or undefined for another key. */
export function levelOfKey(key: string): ClusterLevel | undefined {
  if (key === 'cluster') return { kind: 'cluster' };
  const m = /^(group|machine)\.(.+)$/.exec(key);
  return m ? { kind: m[1] as 'group' | 'machine', name: m[2] } : undefined;
}

export function documentOf(docs: ClusterDocuments, level: ClusterLevel): ConfigDocument | undefined {
  if (level.kind === 'cluster') return docs.cluster;
  return level.kind === 'group' ? docs.groups[level.name] : docs.machines[level.name];
}

type Writable = Record<string, unknown>;

/** Lays a document's settings over a configuration (machine settings only from a machine's own). */
function layOver(config: ApplianceConfig, doc: ConfigDocument | undefined, keys: 'shared' | 'machine' | 'all'): void {
  if (!doc) return;
  const target = config as unknown as Writable;
  for (const [key, value] of Object.entries(doc.settings)) {
    if (key === 'commits') continue;
    const machineKey = isMachineSetting(key);
    if ((keys === 'shared' && machineKey) || (keys === 'machine' && !machineKey)) continue;
    if (value === null || value === undefined) delete target[key];
    else target[key] = structuredClone(value);
  }
}

/** The group a machine is in (its first group when the membership does not name it). */
function groupOfMachine(m: ClusterMembership, machine: string): string | undefined {
  return findMachine(m, machine)?.group ?? m.groups[0];
}

/**
 * The commits of these documents, oldest first, the newest COMMITS_KEPT: a commit's rollback
 * point is a file of the machine that made it, so other machines' records lose its number.
 */
function mergedCommits(docs: readonly (ConfigDocument | undefined)[], machine: string): CommitRecord[] {
  const all = docs.flatMap((d) => d?.commits ?? []);
  return all
    .map((c) => {
      if (c.rollback === undefined || c.machine === undefined || c.machine === machine) return c;
      const { rollback: _rollback, ...rest } = c;
      return rest;
    })
    .sort((a, b) => a.at - b.at)
    .slice(-COMMITS_KEPT);
}

/**
 * The configuration a level shows and edits for a session on `machine`: the defaults, then the
 * cluster's settings, the group's (group and machine levels), the machine's (machine level);
 * machine settings are always the machine's own (a machine level of another machine: that one's).
 */
export function levelView(docs: ClusterDocuments, m: ClusterMembership, level: ClusterLevel, machine: string): ApplianceConfig {
  const config = defaultConfig();
  const owner = level.kind === 'machine' ? level.name : machine;
  const group = level.kind === 'group' ? level.name : level.kind === 'machine' ? groupOfMachine(m, owner) : undefined;
  layOver(config, docs.cluster, 'shared');
  if (group !== undefined) layOver(config, docs.groups[group], 'shared');
  if (level.kind === 'machine') layOver(config, docs.machines[owner], 'shared');
  layOver(config, docs.machines[owner], 'machine');
  config.commits = mergedCommits([docs.cluster, group === undefined ? undefined : docs.groups[group], docs.machines[owner]], owner);
  return config;
}

/** The configuration a machine runs: its level's view. */
export function machineConfig(docs: ClusterDocuments, m: ClusterMembership, machine: string): ApplianceConfig {
  return levelView(docs, m, { kind: 'machine', name: machine }, machine);
}

/** The settings whose value differs between two configurations (removed ones too). */
export function changedSettings(before: Readonly<ApplianceConfig>, after: Readonly<ApplianceConfig>): SettingKey[] {
  const b = before as unknown as Writable;
  const a = after as unknown as Writable;
  const keys = new Set([...Object.keys(b), ...Object.keys(a)].filter((k) => k !== 'commits'));
  return [...keys].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])) as SettingKey[];
}

/**
 * A level's document after a commit: the changed settings set (whole) or removed, the commit
 * recorded. Machine settings change at machine level only.
 */
export function committedDocument(
  doc: ConfigDocument | undefined,
  level: ClusterLevel,
  keys: readonly SettingKey[],
  next: Readonly<ApplianceConfig>,
  record: CommitRecord,
): ConfigDocument {
  const machineKeys = keys.filter(isMachineSetting);
  if (level.kind !== 'machine' && machineKeys.length > 0) {
    refuse(
      `${machineKeys.join(', ')} ${machineKeys.length === 1 ? 'is a machine setting' : 'are machine settings'}: switch to machine mode ("clustermode machine") to change ${machineKeys.length === 1 ? 'it' : 'them'}.`,
    );
  }
  const settings = { ...(doc?.settings ?? {}) };
  const source = next as unknown as Writable;
  for (const key of keys) settings[key] = key in source && source[key] !== undefined ? structuredClone(source[key]) : null;
  return { settings, commits: [...(doc?.commits ?? []), record].slice(-COMMITS_KEPT) };
}

/** The settings a document defines (for listings), in the configuration's order. */
export function definedSettings(doc: ConfigDocument | undefined): SettingKey[] {
  return Object.keys(doc?.settings ?? {}) as SettingKey[];
}

/** The most specific level whose document defines a setting for a machine; undefined: the built-in default. */
export function originOf(docs: ClusterDocuments, m: ClusterMembership, key: SettingKey, machine: string): ClusterLevel | undefined {
  const has = (d: ConfigDocument | undefined) => d !== undefined && key in d.settings;
  if (has(docs.machines[machine])) return { kind: 'machine', name: machine };
  if (isMachineSetting(key)) return undefined;
  const group = groupOfMachine(m, machine);
  if (group !== undefined && has(docs.groups[group])) return { kind: 'group', name: group };
  if (has(docs.cluster)) return { kind: 'cluster' };
  return undefined;
}

export function levelName(level: ClusterLevel, clusterName: string): string {
  if (level.kind === 'cluster') return `Cluster ${clusterName}`;
  return `${level.kind === 'group' ? 'Group' : 'Machine'} ${level.name}`;
}

/** The prompt of a session in a cluster: `(Cluster Americas)> `, `(Group Main_Group)> `, `(Machine esa1.example.com)> `. */
export function clusterPrompt(level: ClusterLevel, clusterName: string): string {
  return `(${levelName(level, clusterName)})> `;
}

/** The settings each configuration command edits (for where their values come from). */
export const COMMAND_SETTINGS: Readonly<Record<string, readonly SettingKey[]>> = {
  bounceconfig: ['bounceProfiles', 'bounceAllWhenHostDown', 'bounceProfileRenames'],
  smtproutes: ['routes'],
  destconfig: ['destinations', 'tlsRequiredAlert'],
  listenerconfig: ['listeners'],
  alertconfig: ['alerts'],
  userconfig: ['users'],
  logconfig: ['mailLog'],
  deliveryconfig: ['delivery'],
  rollbackconfig: ['rollbackEnabled'],
  certconfig: ['certificates', 'certificateAuthorities', 'deliveryCertificate', 'guiCertificate'],
};

/**
 * Commands bound to one mode: the cluster's own (clusterconfig), the one user database
 * (userconfig, passwd) at cluster level; the listeners and certificates, whose addresses and
 * keys are one machine's, at machine level.
 */
export const COMMAND_MODES: Readonly<Record<string, 'cluster' | 'machine'>> = {
  clusterconfig: 'cluster',
  userconfig: 'cluster',
  passwd: 'cluster',
  listenerconfig: 'machine',
  certconfig: 'machine',
};

/** One line on where a command's settings come from for a machine, e.g. for bounceconfig in cluster mode. */
export function originLine(docs: ClusterDocuments, m: ClusterMembership, command: string, machine: string): string | undefined {
  const keys = COMMAND_SETTINGS[command];
  if (!keys) return undefined;
  const origins = new Map<string, SettingKey[]>();
  for (const key of keys) {
    const level = originOf(docs, m, key, machine);
    // A setting no level defines is left out (unless none is defined: the defaults).
    if (level) origins.set(levelName(level, m.name), [...(origins.get(levelName(level, m.name)) ?? []), key]);
  }
  if (origins.size === 0) origins.set('the defaults', [...keys]);
  const parts = [...origins].map(([name, ks]) => (origins.size === 1 ? name : `${ks.join(', ')}: ${name}`));
  return `The ${command} settings in force on ${machine} come from ${parts.join('; ')}.`;
}

/** A value with every object's keys in order: two configurations compare by content, not by how they were built. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .filter((k) => (v as Writable)[k] !== undefined)
      .sort()
      .map((k) => [k, canonical((v as Writable)[k])]),
  );
}

/** Whether two configurations hold the same settings and history. */
export function sameConfig(a: Readonly<ApplianceConfig>, b: Readonly<ApplianceConfig>): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * A hash of what the members of a group share: every setting but the machine settings, without
 * the commit history. Members that applied the same commits show the same hash.
 */
export function sharedConfigHash(config: Readonly<ApplianceConfig>): string {
  const c = config as unknown as Writable;
  const shared = Object.fromEntries(
    Object.keys(c)
      .filter((k) => k !== 'commits' && !isMachineSetting(k))
      .map((k) => [k, c[k]]),
  );
  return createHash('sha256')
    .update(JSON.stringify(canonical(shared)))
    .digest('hex')
    .slice(0, 16);
}

/** The level a typed mode names: `cluster`, `group [NAME]`, `machine [NAME]` (a group or machine of the cluster). */
export function resolveLevel(m: ClusterMembership, kind: string, name: string | undefined, machine: string): ClusterLevel {
  const k = kind.toLowerCase();
  if (k === 'cluster') return { kind: 'cluster' };
  if (k === 'group') {
    const group = name === undefined ? groupOfMachine(m, machine) : findGroup(m, name);
    if (group === undefined) refuse(`There is no group named "${name}" in the cluster.`);
    return { kind: 'group', name: group };
  }
  if (k === 'machine') {
    const found = findMachine(m, name ?? machine);
    if (!found) refuse(`There is no machine named "${name ?? machine}" in the cluster.`);
    return { kind: 'machine', name: found.name };
  }
  return refuse(`Unknown mode "${kind}": use cluster, group or machine.`);
}

/** Whether a session's level still names a group or machine of the cluster. */
export function levelExists(m: ClusterMembership, level: ClusterLevel): boolean {
  if (level.kind === 'cluster') return true;
  return level.kind === 'group' ? findGroup(m, level.name) === level.name : findMachine(m, level.name)?.name === level.name;
}

/**
 * A commit that found the configuration moved: another commit changed the level's document (or
 * the levels above it) since the session's changes were made. The session replays its changes
 * on the new configuration and commits again.
 */
export class ConfigurationMoved extends Error {
  constructor() {
    super('the cluster configuration changed since these changes were made');
    this.name = 'ConfigurationMoved';
  }
}
