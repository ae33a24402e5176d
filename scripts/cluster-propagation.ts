// Measures a cluster of three in-process engines on one real nats-server (loopback): the time
// from a commit on a random member to its configuration applied on every member (p50, p99 and
// max over 100 commits), and the catch-up of a member stopped while 20 commits were made (its
// start, and the part that read the cluster's configuration). Needs nats-server on the PATH.
//   node --import tsx scripts/cluster-propagation.ts [commits]
import { startClusterRig } from '../test/helpers/cluster-rig.js';

const commits = Number(process.argv[2] ?? 100);
const rig = await startClusterRig(3);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
try {
  const times: number[] = [];
  let seed = 11;
  for (let k = 1; k <= commits; k++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const i = seed % 3;
    const t0 = performance.now();
    await rig.commitOn(i, `max_retries ${k}`, (cfg) => void (cfg.bounceProfiles.Default = { ...cfg.bounceProfiles.Default, max_retries: k }));
    await rig.everywhere((cfg) => cfg.bounceProfiles.Default.max_retries === k, `commit ${k} everywhere`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`propagation over ${commits} commits from random members, commit to applied on all 3:`);
  console.log(`  p50 ${ms(percentile(times, 50))}  p99 ${ms(percentile(times, 99))}  max ${ms(times.at(-1)!)}  min ${ms(times[0])}`);

  await rig.settled();
  await rig.stopMember(2);
  for (let k = 1; k <= 20; k++) {
    await rig.commitOn(k % 2, `while C is away ${k}`, (cfg) => void (cfg.bounceProfiles.Default = { ...cfg.bounceProfiles.Default, max_retries: 5000 + k }));
  }
  const t0 = performance.now();
  const c = await rig.startMember(2);
  const started = performance.now() - t0;
  const caughtUp = c.api.config().bounceProfiles.Default.max_retries === 5020;
  console.log(`member C stopped during 20 commits, started again: caught up ${caughtUp ? 'before its listeners opened' : 'NOT'}`);
  console.log(`  start to accepting mail ${ms(started)}, of which reading the cluster's configuration ${ms(c.api.cluster.view()!.catchUpMs ?? NaN)}`);
} finally {
  await rig.close();
}
