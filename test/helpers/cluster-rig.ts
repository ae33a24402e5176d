// A cluster on loopback for the tests and the propagation measure: one real nats-server with
// JetStream, a backend mail server, and in-process engines (mail1.example.com, mail2...) that
// form one cluster (the first creates it, the others join). Commits go through the sessions'
// commit path (PendingChanges); waits follow the engines' `cluster` events, never sleeps.
import type { Engine } from '../../src/engine/engine.js';
import type { ApplianceConfig, CommitRecord } from '../../src/model/config.js';
import { PendingChanges } from '../../src/appliance/control/pending-changes.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { removeDir, startEngine, tempDir } from './harness.js';
import { NatsServer } from './nats-server.js';

export const CLUSTER_T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

export interface ClusterRig {
  nats: NatsServer;
  backend: BackendServer;
  /** The members; undefined while stopped. */
  members: (Engine | undefined)[];
  names: string[];
  member(i: number): Engine;
  /** Records `change` in a fresh session's pending changes on member i and commits it (cluster mode). */
  commitOn(i: number, description: string, change: (config: ApplianceConfig) => void): Promise<CommitRecord>;
  /** Cuts the store just before member i's next commit reaches it, once. */
  cutBeforeNextWrite(i: number, cut: () => Promise<void>): void;
  /** Resolves once every running member's configuration satisfies `holds` (or rejects after `timeoutMs`). */
  everywhere(holds: (config: Readonly<ApplianceConfig>) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Resolves once every running member shows the same revision and configuration hash. */
  settled(timeoutMs?: number): Promise<void>;
  stopMember(i: number): Promise<void>;
  /** Starts a stopped member again on its data dir; resolves once its engine runs. */
  startMember(i: number): Promise<Engine>;
  close(): Promise<void>;
}

/** Resolves once `holds()` is true, checking at each `cluster` event of the engines (the timeout only ends a hung test: generous, as in waitFor). */
export function untilCluster(engines: readonly Engine[], holds: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  if (holds()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offs = engines.map((e) => e.api.on('cluster', check));
    const timer = setTimeout(() => {
      offs.forEach((off) => off());
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    function check() {
      if (!holds()) return;
      clearTimeout(timer);
      offs.forEach((off) => off());
      resolve();
    }
  });
}

export async function startClusterRig(size = 3, clusterName = 'Test'): Promise<ClusterRig> {
  const nats = await NatsServer.start();
  const backend = new BackendServer({ port: 0, keep: true });
  await backend.start();
  const names = Array.from({ length: size }, (_, i) => `mail${i + 1}.example.com`);
  const dataDirs = await Promise.all(names.map(() => tempDir('esa-cluster-')));
  const cuts = new Map<number, () => Promise<void>>();
  const launch = (i: number) =>
    startEngine({
      dataDir: dataDirs[i],
      backendPort: backend.port,
      clockStart: CLUSTER_T0,
      overrides: { hostname: names[i] },
      beforeClusterWrite: async () => {
        const cut = cuts.get(i);
        cuts.delete(i);
        await cut?.();
      },
    });
  const members: (Engine | undefined)[] = [];
  for (let i = 0; i < size; i++) members.push(await launch(i));
  await members[0]!.api.cluster.create(nats.url, clusterName);
  for (let i = 1; i < size; i++) await members[i]!.api.cluster.join(nats.url);
  const running = () => members.filter((m): m is Engine => m !== undefined);
  const rig: ClusterRig = {
    nats,
    backend,
    members,
    names,
    member(i) {
      const m = members[i];
      if (!m) throw new Error(`member ${i} is stopped`);
      return m;
    },
    async commitOn(i, description, change) {
      const pending = new PendingChanges(rig.member(i).api);
      pending.edit(description, change);
      return pending.commit(description);
    },
    cutBeforeNextWrite(i, cut) {
      cuts.set(i, cut);
    },
    everywhere(holds, what, timeoutMs) {
      return untilCluster(running(), () => running().every((m) => holds(m.api.config())), what, timeoutMs);
    },
    settled(timeoutMs) {
      return untilCluster(
        running(),
        () => {
          const views = running().map((m) => m.api.cluster.view()!);
          return views.every((v) => v.connected && v.revision === views[0].revision && v.configHash === views[0].configHash);
        },
        'the members to settle on one revision and configuration',
        timeoutMs,
      );
    },
    async stopMember(i) {
      await members[i]?.stop();
      members[i] = undefined;
    },
    async startMember(i) {
      members[i] = await launch(i);
      return members[i]!;
    },
    async close() {
      for (const m of members) await m?.stop();
      await backend.stop();
      await nats.stop();
      for (const d of dataDirs) await removeDir(d);
    },
  };
  return rig;
}
