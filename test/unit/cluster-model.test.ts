// The cluster's configuration model, pure: levels merged (a machine's setting over its group's
// over the cluster's), machine settings kept at machine level, a commit's document, where a
// value comes from, the hash members compare, and the membership's rules in their wording.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changedSettings,
  clusterPrompt,
  committedDocument,
  levelView,
  machineConfig,
  originLine,
  resolveLevel,
  sameConfig,
  sharedConfigHash,
  type ClusterDocuments,
} from '../../src/model/cluster.js';
import { defaultConfig } from '../../src/model/config.js';
import { Refusal } from '../../src/model/change.js';
import * as members from '../../src/model/tables/cluster-members.js';

const m0 = members.addMachine(members.addGroup(members.newMembership('Americas', 'esa1.example.com', 0), 'Paris'), 'esa2.example.com', 'Paris', 1);

function docs(): ClusterDocuments {
  return {
    cluster: {
      settings: { queueMaxMessages: 500, routes: [{ domain: 'ALL', hosts: [{ host: '10.0.0.1', port: 25 }] }], hostname: 'ignored.example.com' },
      commits: [{ at: 1, comment: 'c', changes: [] }],
    },
    groups: { Paris: { settings: { queueMaxMessages: 600 }, commits: [{ at: 3, comment: 'g', changes: [] }] } },
    machines: {
      'esa1.example.com': { settings: { hostname: 'esa1.example.com' }, commits: [] },
      'esa2.example.com': {
        settings: { hostname: 'esa2.example.com', queueMaxMb: 7, alerts: null },
        commits: [{ at: 2, comment: 'm', changes: [], rollback: 4, machine: 'esa1.example.com' }],
      },
    },
  };
}

test("a machine runs its own settings over its group's over the cluster's over the defaults; machine settings only from its own document", () => {
  const c1 = machineConfig(docs(), m0, 'esa1.example.com');
  assert.equal(c1.queueMaxMessages, 500, "esa1 (Main_Group): the cluster's");
  assert.equal(c1.hostname, 'esa1.example.com', 'a hostname in the cluster document is ignored');
  assert.equal(c1.routes[0].hosts[0].host, '10.0.0.1');
  const c2 = machineConfig(docs(), m0, 'esa2.example.com');
  assert.equal(c2.queueMaxMessages, 600, "esa2 (Paris): its group's");
  assert.equal(c2.queueMaxMb, 7, 'its own');
  assert.equal('alerts' in c2, false, 'null removes a setting');
  assert.deepEqual(
    c2.commits.map((c) => [c.comment, c.rollback]),
    [
      ['c', undefined],
      ['m', undefined],
      ['g', undefined],
    ],
    "the history of its levels, by time; another machine's rollback number dropped",
  );
  assert.equal(defaultConfig().queueMaxMb, machineConfig({ groups: {}, machines: {} }, m0, 'esa1.example.com').queueMaxMb);
});

test("a level view: cluster mode sees the cluster over the defaults, with this machine's machine settings", () => {
  const v = levelView(docs(), m0, { kind: 'cluster' }, 'esa2.example.com');
  assert.equal(v.queueMaxMessages, 500);
  assert.equal(v.queueMaxMb, defaultConfig().queueMaxMb);
  assert.equal(v.hostname, 'esa2.example.com');
  assert.equal(levelView(docs(), m0, { kind: 'group', name: 'Paris' }, 'esa1.example.com').queueMaxMessages, 600);
});

test('a commit writes the changed settings whole into its level; machine settings only in machine mode', () => {
  const before = levelView(docs(), m0, { kind: 'cluster' }, 'esa1.example.com');
  const next = structuredClone(before);
  next.queueMaxMb = 99;
  delete next.gui;
  const keys = changedSettings(before, next);
  assert.deepEqual(keys, ['queueMaxMb']);
  const record = { at: 5, comment: 'x', changes: ['y'] };
  const doc = committedDocument(docs().cluster, { kind: 'cluster' }, keys, next, record);
  assert.equal(doc.settings.queueMaxMb, 99);
  assert.equal(doc.commits.at(-1), record);
  next.hostname = 'other.example.com';
  assert.throws(
    () => committedDocument(docs().cluster, { kind: 'cluster' }, changedSettings(before, next), next, record),
    (e: unknown) => e instanceof Refusal && e.message === 'hostname is a machine setting: switch to machine mode ("clustermode machine") to change it.',
  );
  const removed = committedDocument(undefined, { kind: 'machine', name: 'esa1.example.com' }, ['alerts'], defaultConfig(), record);
  assert.equal(removed.settings.alerts, null);
});

test("where a command's settings come from, the prompt, the modes typed, the hash", () => {
  assert.equal(originLine(docs(), m0, 'smtproutes', 'esa2.example.com'), 'The smtproutes settings in force on esa2.example.com come from Cluster Americas.');
  assert.equal(originLine(docs(), m0, 'logconfig', 'esa2.example.com'), 'The logconfig settings in force on esa2.example.com come from the defaults.');
  assert.equal(originLine(docs(), m0, 'status', 'esa2.example.com'), undefined);
  assert.equal(clusterPrompt({ kind: 'group', name: 'Paris' }, 'Americas'), '(Group Paris)> ');
  assert.deepEqual(resolveLevel(m0, 'GROUP', undefined, 'esa2.example.com'), { kind: 'group', name: 'Paris' });
  assert.deepEqual(resolveLevel(m0, 'machine', 'ESA1.example.com', 'esa2.example.com'), { kind: 'machine', name: 'esa1.example.com' });
  assert.throws(() => resolveLevel(m0, 'planet', undefined, 'x'), /Unknown mode "planet": use cluster, group or machine\./);
  const a = machineConfig(docs(), m0, 'esa1.example.com');
  const b = { ...structuredClone(a), hostname: 'elsewhere.example.com', commits: [] };
  assert.equal(sharedConfigHash(a), sharedConfigHash(b), 'machine settings and history are not compared');
  assert.ok(sameConfig(a, JSON.parse(JSON.stringify(a))));
  assert.ok(!sameConfig(a, b));
});

test("membership: groups and machines with the appliance's refusals", () => {
  const refusal = (f: () => unknown, text: string) => assert.throws(f, (e: unknown) => e instanceof Refusal && e.message === text);
  refusal(() => members.addGroup(m0, 'paris'), 'A group named "paris" already exists.');
  refusal(
    () => members.addMachine(m0, 'esa1.example.com', 'Paris', 2),
    'A machine named "esa1.example.com" is already in the cluster: give this machine another hostname before it joins.',
  );
  refusal(
    () => members.deleteGroup(members.newMembership('X', 'a.example.com', 0), 'Main_Group', undefined),
    'Since there is only 1 group defined, you cannot delete it because there must be at least 1 group in the cluster.',
  );
  refusal(() => members.deleteGroup(m0, 'Paris', undefined), 'Choose the group that machines in Paris should be moved to.');
  refusal(() => members.addGroup(m0, '1st'), 'The group name must start with a letter and contain only letters, digits, "_" and "-" (at most 63 characters).');
  const moved = members.deleteGroup(m0, 'Paris', 'Main_Group');
  assert.deepEqual(moved.groups, ['Main_Group']);
  assert.equal(members.findMachine(moved, 'esa2.example.com')?.group, 'Main_Group');
  const renamed = members.renameGroup(m0, 'Paris', 'Lyon');
  assert.equal(members.findMachine(renamed, 'esa2.example.com')?.group, 'Lyon');
  assert.deepEqual(
    members.removeMachine(m0, 'ESA2.example.com').machines.map((x) => x.name),
    ['esa1.example.com'],
  );
  assert.ok(members.isMembership(m0));
  assert.ok(!members.isMembership({ name: 'x' }));
});
