// Three engines on loopback and one real nats-server with JetStream, forming one cluster: a
// commit on one member is in force on the others (mail on another member bounces by it), many
// commits from random members end in one configuration, two members committing at once never
// lose a change, a store killed mid-commit leaves the change applied everywhere or nowhere while
// mail flows, and a member stopped during commits catches up before it accepts mail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { operator } from '../config/config-fixtures.js';
import { send, dsnsAt } from '../bounce/bounce-fixtures.js';
import { readMailLog, waitFor } from '../helpers/harness.js';
import { startClusterRig, untilCluster, type ClusterRig } from '../helpers/cluster-rig.js';
import { MOVED_NOTICE } from '../../src/appliance/control/pending-changes.js';
import { refuse } from '../../src/model/change.js';
import { sharedConfigHash } from '../../src/model/cluster.js';
import type { ApplianceConfig } from '../../src/model/config.js';

let rig: ClusterRig;

before(async () => {
  rig = await startClusterRig(3);
});

after(async () => {
  await rig?.close();
});

const hashes = () => rig.members.filter((m) => m !== undefined).map((m) => sharedConfigHash(m.api.config()));

test('a bounceconfig commit on A is in force on B and C: a message on C bounces by the new profile', async () => {
  const [a, , c] = [rig.member(0), rig.member(1), rig.member(2)];
  const admin = operator(a);
  assert.equal(admin.session.prompt, '(Cluster Test)> ');
  const edited = await admin.run('bounceconfig edit Default bounce_subject="Returned by the cluster"');
  assert.ok(edited.ok, edited.output);
  const committed = await admin.run('commit "cluster-wide bounce subject"');
  assert.ok(committed.ok, committed.output);
  await rig.everywhere((cfg) => cfg.bounceProfiles.Default.bounce_subject === 'Returned by the cluster', 'the profile on every member');

  rig.backend.policy = (rcpt) => (rcpt === 'nobody@example.com' ? { code: 550, text: '5.1.1 no such user' } : undefined);
  const before = rig.backend.dsns().length;
  await send(c, { to: ['nobody@example.com'] });
  const dsns = await dsnsAt(rig.backend, before + 1, "C's DSN");
  assert.equal(dsns.at(-1)!.parsed.subject, 'Returned by the cluster', 'C bounced by the profile committed on A');
  rig.backend.policy = () => undefined;
  // commitdetail on C shows the commit A made.
  const detail = await operator(c).run('commitdetail');
  assert.match(detail.output, /cluster-wide bounce subject/);
});

test('100 commits from random members end with the same configuration hash on all three', async () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let k = 1; k <= 100; k++) {
    const i = random(3);
    const domain = `d${random(10)}.example.net`;
    if (k % 2 === 0) {
      await rig.commitOn(i, `max_retries ${k}`, (cfg) => {
        cfg.bounceProfiles.Default = { ...cfg.bounceProfiles.Default, max_retries: k };
      });
    } else {
      await rig.commitOn(i, `destination ${domain} concurrency ${k}`, (cfg) => {
        const dest = cfg.destinations.find((d) => d.domain === domain);
        if (dest) dest.concurrency = k;
        else cfg.destinations.push({ domain, concurrency: k });
      });
    }
  }
  await rig.everywhere((cfg) => cfg.bounceProfiles.Default.max_retries === 100, 'the last commit everywhere');
  await rig.settled();
  const [h0, h1, h2] = hashes();
  assert.equal(h1, h0);
  assert.equal(h2, h0);
  assert.deepEqual(rig.member(1).api.config().destinations, rig.member(0).api.config().destinations);
});

test('two members committing at once: one wins, the other replays on top, or is refused when its change no longer fits', async () => {
  const [a, b] = [rig.member(0), rig.member(1)];
  const { PendingChanges } = await import('../../src/appliance/control/pending-changes.js');
  const onA = new PendingChanges(a.api);
  const onB = new PendingChanges(b.api);
  onA.edit('profile FromA', (cfg) => void (cfg.bounceProfiles.FromA = { max_retries: 1 }));
  onB.edit('profile FromB', (cfg) => void (cfg.bounceProfiles.FromB = { max_retries: 2 }));
  await Promise.all([onA.commit('A'), onB.commit('B')]);
  assert.equal([onA.lastNotice, onB.lastNotice].filter((n) => n === MOVED_NOTICE).length, 1, 'exactly one was told the configuration moved');
  await rig.everywhere((cfg) => cfg.bounceProfiles.FromA !== undefined && cfg.bounceProfiles.FromB !== undefined, 'both profiles everywhere');

  const same = (pending: InstanceType<typeof PendingChanges>) =>
    pending.edit('profile Same', (cfg: ApplianceConfig) => {
      if (cfg.bounceProfiles.Same) refuse('Profile name already in use');
      cfg.bounceProfiles.Same = { max_retries: 3 };
    });
  same(onA);
  same(onB);
  const outcomes = await Promise.allSettled([onA.commit('A again'), onB.commit('B again')]);
  assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
  const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
  assert.match(refused.reason.message, /^Cannot commit: the configuration moved .*Profile name already in use/);
  await rig.settled();
});

test('nats-server killed mid-commit: the commit is applied everywhere or nowhere, mail keeps flowing, status says unreachable', async () => {
  const [a, b] = [rig.member(0), rig.member(1)];
  await rig.settled();
  rig.cutBeforeNextWrite(0, () => rig.nats.kill());
  const admin = operator(a);
  await admin.run('bounceconfig new Cut max_retries=4');
  const committed = await admin.run('commit "while the store dies"');
  assert.equal(committed.ok, false, 'the commit cannot be confirmed');
  assert.match(committed.output, /Commit (refused|not confirmed)/);
  assert.equal(committed.output.trim().split('\n').length, 1, `one line: ${committed.output}`);

  // Mail flows on the last configuration: each member accepts and delivers.
  await untilCluster([b], () => !b.api.cluster.view()!.connected, 'B to see the store gone');
  const status = await operator(b).run('status');
  assert.match(status.output, /Cluster: Test .*unreachable/);
  assert.match(status.output, /commits are refused; mail flows on the last configuration/);
  const onB = operator(b);
  assert.ok((await onB.run('bounceconfig new Other max_retries=1')).ok);
  const commitNow = await onB.run('commit "store down"');
  assert.equal(commitNow.ok, false);
  assert.match(
    commitNow.output,
    /^\s*Commit refused: the cluster is unreachable \(nats:\/\/127\.0\.0\.1:\d+\); nothing was changed, mail goes on with the configuration in force\.\s*$/,
  );
  const delivered = rig.backend.received;
  for (const m of rig.members) await send(m!, { to: ['user@example.com'] });
  await waitFor(() => rig.backend.received >= delivered + 3, 'the three messages delivered while the store is down');

  await rig.nats.restart();
  await rig.settled(20_000);
  const cut = rig.members.map((m) => m!.api.config().bounceProfiles.Cut !== undefined);
  assert.ok(
    cut.every((x) => x === cut[0]),
    `the cut commit is on every member or none: ${cut}`,
  );
  assert.deepEqual(new Set(hashes()).size, 1);
  assert.equal(
    rig.members.some((m) => m!.api.config().bounceProfiles.Other !== undefined),
    false,
    'the refused commit is nowhere',
  );

  // And a commit right after the store is back goes everywhere.
  await rig.commitOn(1, 'after the outage', (cfg) => void (cfg.bounceProfiles.After = { max_retries: 5 }));
  await rig.everywhere((cfg) => cfg.bounceProfiles.After !== undefined, 'the commit after the outage');
});

test('a member stopped during 20 commits catches up before it accepts mail', async () => {
  await rig.settled();
  await rig.stopMember(2);
  for (let k = 1; k <= 20; k++) {
    await rig.commitOn(k % 2, `while C is away ${k}`, (cfg) => void (cfg.bounceProfiles.Default = { ...cfg.bounceProfiles.Default, max_retries: 1000 + k }));
  }
  const expected = sharedConfigHash(rig.member(0).api.config());
  const c = await rig.startMember(2);
  // The configuration C opened its listeners with is the cluster's already.
  assert.equal(c.api.config().bounceProfiles.Default.max_retries, 1020);
  assert.equal(sharedConfigHash(c.api.config()), expected);
  const log = await readMailLog(c);
  const caughtUp = log.lastIndexOf('Cluster Test: caught up to revision');
  assert.ok(caughtUp >= 0, 'C logged its catch-up');
  assert.ok(caughtUp < log.lastIndexOf('Startup:'), 'before its queue and listeners were opened');
  assert.ok((c.api.cluster.view()!.catchUpMs ?? -1) >= 0);
  await rig.settled();
});

test('a member started while the store is down runs its last configuration, then catches up once the store answers', async () => {
  await rig.settled();
  await rig.stopMember(2);
  await rig.commitOn(0, 'while C is away and before the outage', (cfg) => void (cfg.bounceProfiles.Late = { max_retries: 9 }));
  await rig.nats.kill();
  const c = await rig.startMember(2);
  assert.equal(c.api.config().bounceProfiles.Late, undefined, 'its last configuration');
  const view = c.api.cluster.view()!;
  assert.equal(view.connected, false);
  assert.equal(view.name, 'Test', 'the cluster named from its record');
  assert.match((await operator(c).run('status')).output, /Cluster: Test .*unreachable/);
  await rig.nats.restart();
  await rig.everywhere((cfg) => cfg.bounceProfiles.Late !== undefined, 'C caught up after the outage', 20_000);
  await rig.settled(20_000);
});
