// The NATS clients as the cluster's store uses them (src/engine/cluster/nats-seam.ts), against
// the installed versions and a real nats-server: the pinned range, the shape check, compare-and-
// swap refusing a stale revision, a watch from a revision, request/reply, and a server gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  checkNatsShape,
  NATS_PIN,
  openStore,
  parseNatsUrl,
  requireMethods,
  StoreConflict,
  StoreUnavailable,
  type ClusterStore,
  type StoredEntry,
} from '../../src/engine/cluster/nats-seam.js';
import { LibraryShapeError } from '../../src/platform/library-shape.js';
import { ROOT } from '../helpers/harness.js';
import { NatsServer } from '../helpers/nats-server.js';

let nats: NatsServer;
let store: ClusterStore;

before(async () => {
  nats = await NatsServer.start();
  store = await openStore(nats.url, { name: 'contract test' });
});

after(async () => {
  await store?.close();
  await nats?.stop();
});

test('package.json pins both clients to the range the seam names', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(pkg.dependencies['@nats-io/kv'], NATS_PIN);
  assert.equal(pkg.dependencies['@nats-io/transport-node'], NATS_PIN);
});

test('the installed clients have the shape; a fake fails with one line naming the package and the pin', () => {
  checkNatsShape();
  assert.throws(
    () => requireMethods('KV', '@nats-io/kv', { get() {} }, ['get', 'update']),
    (e: unknown) =>
      e instanceof LibraryShapeError && /^@nats-io\/kv \S+ no longer has KV\.update\(\); this build needs @nats-io\/kv ~3\.4\.0 \(npm ci\)$/.test(e.message),
  );
});

test('compare-and-swap: a write on a stale revision, or a create of an existing key, is a StoreConflict', async () => {
  const r1 = await store.create('k', { n: 1 });
  const r2 = await store.update('k', { n: 2 }, r1);
  assert.ok(r2 > r1);
  await assert.rejects(store.update('k', { n: 3 }, r1), StoreConflict);
  await assert.rejects(store.create('k', { n: 4 }), StoreConflict);
  assert.deepEqual(await store.get('k'), { key: 'k', value: { n: 2 }, revision: r2 });
  assert.equal(await store.get('absent'), undefined);
});

test('a snapshot, then a watch from the revision after it, sees every later write in order', async () => {
  const { entries, lastRevision } = await store.snapshot();
  assert.ok(entries.some((e) => e.key === 'k'));
  const seen: StoredEntry[] = [];
  let stop = () => {};
  const both = new Promise<void>((resolve) => {
    stop = store.watch(lastRevision + 1, (e) => {
      if (seen.push(e) === 2) resolve();
    });
  });
  await store.put('w', 'one');
  await store.delete('w');
  await both;
  stop();
  assert.deepEqual(
    seen.map((e) => [e.key, e.value]),
    [
      ['w', 'one'],
      ['w', undefined],
    ],
  );
});

test('request/reply: a served subject answers; nobody there is undefined', async () => {
  store.serve('esa.test.status', () => ({ ok: true }));
  assert.deepEqual(await store.request('esa.test.status', 1_000), { ok: true });
  assert.equal(await store.request('esa.test.nobody', 200), undefined);
});

test('URLs: nats://HOST:PORT, the default port; anything else in one line', () => {
  assert.deepEqual(parseNatsUrl('nats://127.0.0.1:4333'), { url: 'nats://127.0.0.1:4333' });
  assert.deepEqual(parseNatsUrl('nats://localhost'), { url: 'nats://localhost:4222' });
  assert.deepEqual(parseNatsUrl('http://x:1'), { error: 'The URL must be nats://HOST:PORT (got "http://x:1").' });
});

test('a server that is gone: writes fail as StoreUnavailable, and the store reconnects when it is back', async () => {
  const changes: boolean[] = [];
  const waiters: (() => void)[] = [];
  store.onConnection((c) => {
    changes.push(c);
    waiters.shift()?.();
  });
  const next = () => new Promise<void>((resolve) => waiters.push(resolve));
  const lost = next();
  await nats.kill();
  await lost;
  await assert.rejects(store.put('x', 1), StoreUnavailable);
  await assert.rejects(openStore(nats.url, { name: 'late' }), StoreUnavailable);
  const back = next();
  await nats.restart();
  await back;
  assert.deepEqual(changes, [false, true]);
  assert.equal((await store.get('k'))?.revision !== undefined, true, 'the store kept its data');
});
