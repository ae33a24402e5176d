// clusterconfig and clustermode as an operator uses them: creating and joining a cluster from
// the standalone question, the menu (groups, LIST with where each setting comes from,
// CONNSTATUS), the prompts of the three modes, a group-level commit that only its group runs,
// commands bound to one mode, showchanges' mode, and one-line refusals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { operator } from '../config/config-fixtures.js';
import { removeDir, startEngine } from '../helpers/harness.js';
import { NatsServer } from '../helpers/nats-server.js';
import { untilCluster } from '../helpers/cluster-rig.js';
import type { Engine } from '../../src/engine/engine.js';

let nats: NatsServer;
let a: Engine;
let b: Engine;

before(async () => {
  nats = await NatsServer.start();
  a = await startEngine({ overrides: { hostname: 'esa1.example.com' } });
  b = await startEngine({ overrides: { hostname: 'esa2.example.com' } });
});

after(async () => {
  for (const e of [a, b]) {
    await e?.stop();
    if (e) await removeDir(e.api.dataDir);
  }
  await nats?.stop();
});

test('standalone: clustermode refuses in one line; clusterconfig asks to create or join', async () => {
  const op = operator(a);
  const mode = await op.run('clustermode');
  assert.equal(mode.ok, false);
  assert.equal(mode.output.trim(), 'This command is only available on cluster systems.');
  const list = await op.run('clusterconfig list');
  assert.equal(list.output.trim(), 'This machine has not been clustered: use "clusterconfig" to create or join a cluster.');
  const nowhere = await op.run('clusterconfig join nats://127.0.0.1:1');
  assert.equal(nowhere.ok, false);
  assert.match(nowhere.output.trim(), /^Could not connect to cluster: the NATS server at nats:\/\/127\.0\.0\.1:1 did not answer/);
  assert.equal(nowhere.output.trim().split('\n').length, 1);
  const standalone = await op.run('clusterconfig', '1');
  assert.ok(standalone.ok);
  assert.match(
    standalone.output,
    /Do you want to join or create a cluster\?\n1\. No, configure as standalone\.\n2\. Create a new cluster\.\n3\. Join an existing cluster\.\n\[1\]> 1/,
  );
  assert.equal(a.api.cluster.view(), undefined);
});

test('create on one machine, join from another: prompts name the mode, LIST and CONNSTATUS show both', async () => {
  const opA = operator(a);
  const created = await opA.run('clusterconfig', '2', 'Americas', nats.url);
  assert.ok(created.ok, created.output);
  assert.match(created.output, /Enter the name of the new cluster\./);
  assert.match(
    created.output,
    /Cluster Americas created at nats:\/\/127\.0\.0\.1:\d+: this machine, esa1\.example\.com, is its first member, in group Main_Group\./,
  );
  assert.match(created.output, /Creating a cluster takes effect immediately, there is no need to commit\./);
  assert.equal(opA.session.prompt, '(Cluster Americas)> ');

  const opB = operator(b);
  const joined = await opB.run('clusterconfig', '3', nats.url, 'Y', '');
  assert.ok(joined.ok, joined.output);
  assert.match(joined.output, /Cluster Americas: 1 machine\(s\) in 1 group\(s\)\./);
  assert.match(joined.output, /Joining a cluster takes effect immediately, there is no need to commit\./);
  // The menu follows the join, as on the appliance.
  assert.match(joined.output, /Cluster Americas\n\nChoose the operation you want to perform:\n- ADDGROUP - Add a cluster group\./);
  assert.equal(opB.session.prompt, '(Cluster Americas)> ');
  // B runs the cluster's configuration now, with its own hostname and listeners.
  assert.equal(b.api.config().hostname, 'esa2.example.com');

  await untilCluster([a], () => a.api.cluster.view()?.membership.machines.length === 2, 'A to see B join');
  const list = await opA.run('clusterconfig', 'LIST', '');
  assert.match(
    list.output,
    /Cluster Americas\n {2}settings: .*bounceProfiles.*\n\nGroup Main_Group:\n {2}settings: \(no settings of its own\)\n {2}Machine esa1\.example\.com \(this machine\)\n {4}settings: hostname, listeners/,
  );
  assert.match(list.output, /Machine esa2\.example\.com\n {4}settings: hostname, listeners/);
  const conn = await opA.run('clusterconfig connstatus');
  assert.match(conn.output, /esa1\.example\.com\s+Main_Group\s+Connected\s+\d+\s+[0-9a-f]{16}/);
  assert.match(conn.output, /esa2\.example\.com\s+Main_Group\s+Connected\s+\d+\s+[0-9a-f]{16}/);
});

test('a group-level commit is in force on its machines only; listings say where the settings come from', async () => {
  const opA = operator(a);
  assert.ok((await opA.run('clusterconfig addgroup Paris')).ok);
  assert.ok((await opA.run('clusterconfig setgroup esa2.example.com Paris')).ok);
  await untilCluster([b], () => b.api.cluster.view()?.group === 'Paris', 'B to see its new group');
  const opB = operator(b);
  const mode = await opB.run('clustermode', '2', '');
  assert.ok(mode.ok, mode.output);
  assert.match(
    mode.output,
    /Choose the configuration mode:\n1\. Cluster: configure the whole cluster\.\n2\. Group: configure a group\.\n3\. Machine: configure one machine\./,
  );
  assert.match(mode.output, /Choose the group to configure\.\n1\. Main_Group\n2\. Paris\n\[2\]> /);
  assert.equal(opB.session.prompt, '(Group Paris)> ');

  assert.ok((await opB.run('bounceconfig edit Default bounce_subject="Paris bounce"')).ok);
  const changes = await opB.run('showchanges');
  assert.equal(changes.output.trim(), "{'group': {'Paris': {'bounceProfiles.Default.bounce_subject': 'Paris bounce'}}}");
  assert.ok((await opB.run('commit "Paris only"')).ok);
  await untilCluster([a, b], () => b.api.config().bounceProfiles.Default.bounce_subject === 'Paris bounce', 'the group commit on B');
  assert.equal(a.api.config().bounceProfiles.Default.bounce_subject, 'Delivery Status Notification (Failure)', 'A is not in Paris');

  const menu = await opB.run('bounceconfig', '');
  assert.match(
    menu.output,
    /The bounceconfig settings in force on esa2\.example\.com come from bounceProfiles: Group Paris; bounceAllWhenHostDown: Cluster Americas\./,
  );
  await untilCluster([a], () => (a.api.cluster.view()?.defined.groups.Paris ?? []).length > 0, "A to see Paris's settings");
  const list = await opA.run('clusterconfig list');
  assert.match(list.output, /Group Paris:\n {2}settings: bounceProfiles\n {2}Machine esa2\.example\.com/);

  // Machine mode: the prompt names the machine.
  assert.ok((await opB.run('clustermode machine')).ok);
  assert.equal(opB.session.prompt, '(Machine esa2.example.com)> ');
});

test('commands bound to a mode offer to switch (dialog) or refuse (batch); switching with pending changes is refused', async () => {
  const op = operator(b);
  assert.ok((await op.run('clustermode machine')).ok);
  const declined = await op.run('userconfig', 'N');
  assert.match(declined.output, /This command is restricted to "cluster" mode\. {2}Would you like to switch to "cluster" mode\?\n\[Y\]> N/);
  assert.equal(op.session.prompt, '(Machine esa2.example.com)> ');
  const batch = await op.run('userconfig delete someone');
  assert.equal(batch.output.trim(), 'This command is restricted to "cluster" mode: run "clustermode cluster" first.');
  const switched = await op.run('clusterconfig', 'Y', '');
  assert.ok(switched.ok, switched.output);
  assert.equal(op.session.prompt, '(Cluster Americas)> ');

  assert.ok((await op.run('bounceconfig edit Default max_retries=7')).ok);
  const refused = await op.run('clustermode group Paris');
  assert.equal(refused.output.trim(), 'You have uncommitted changes: "commit" or "clearchanges" them before switching modes.');
  assert.ok((await op.run('clearchanges yes')).ok);
});

test('status shows the cluster; a machine removed from the cluster stands alone on its last configuration', async () => {
  const status = await operator(a).run('status');
  assert.match(
    status.output,
    /Cluster: Americas \(Machine esa1\.example\.com in group Main_Group\), connected to nats:\/\/127\.0\.0\.1:\d+, configuration revision \d+/,
  );
  const removed = await operator(a).run('clusterconfig removemachine esa2.example.com');
  assert.ok(removed.ok, removed.output);
  await untilCluster([b], () => b.api.cluster.view() === undefined, 'B to leave');
  assert.equal(b.api.config().bounceProfiles.Default.bounce_subject, 'Paris bounce', 'B keeps its last configuration');
  assert.equal(operator(b).session.prompt, 'esa2.example.com> ');
  const gone = await operator(a).run('clusterconfig setgroup esa2.example.com Paris');
  assert.equal(gone.output.trim(), 'There is no machine named "esa2.example.com" in the cluster.');
});
