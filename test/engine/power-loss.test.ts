// Power loss: the engine runs on a data dir whose writes and fsyncs a model follows (see
// test/helpers/power-loss-fs.ts); a "power cut" is the data dir rebuilt from what was fsynced
// alone, and a new engine is started on it. Nothing that got a 250 may be missing, retry and
// warning counts and owed DSNs must come back, the configuration backup must be readable.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import type { BounceSink } from '../../src/engine/bounce/bounce-sink.js';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import type { QueuedMessage } from '../../src/engine/queue/message.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { configCopy, listenerPort, removeDir, sendMail, startBackend, startEngine, tempDir, waitFor, type TestEngineOptions } from '../helpers/harness.js';
import { PowerLossModel, listImage, type Image } from '../helpers/power-loss-fs.js';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const linux = process.platform === 'linux';

/** A small seeded generator: a failing run can be repeated with POWER_LOSS_SEED. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function subdir(image: Image, ...names: string[]): Image {
  let dir = image;
  for (const name of names) {
    const next = dir.get(name);
    assert.ok(next instanceof Map, `${names.join('/')} is not in the image: ${listImage(image).join(' ')}`);
    dir = next;
  }
  return dir;
}

function fileOf(image: Image, ...names: string[]): Buffer | undefined {
  const file = subdir(image, ...names.slice(0, -1)).get(names[names.length - 1]);
  return file instanceof Map ? undefined : file;
}

interface Restarted {
  engine: Engine;
  warnings: string[];
  close(): Promise<void>;
}

/** The disk as the power cut left it, with a new engine started on it (clock frozen at T0). */
async function restart(image: Image, options: TestEngineOptions = {}, damage?: (dataDir: string) => Promise<void>): Promise<Restarted> {
  const dir = await tempDir('esa-power-after-');
  await PowerLossModel.materialize(image, dir);
  const dataDir = path.join(dir, 'data');
  await damage?.(dataDir);
  const warnings: string[] = [];
  const engine = await startEngine({ ...options, dataDir, clockStart: T0, warn: (line) => warnings.push(line) });
  return {
    engine,
    warnings,
    async close() {
      await engine.stop();
      await removeDir(dir);
    },
  };
}

/** The MID the engine gave a message, from its Received: header at the backend. */
function midOf(content: Buffer): number {
  return Number(/with ESMTP id (\d+)/.exec(content.subarray(0, 1024).toString('latin1'))?.[1]);
}

test(
  'power cuts at random points: every message that got a 250 is there after the restart, and the restart is clean',
  { skip: !linux && 'the model reads files back through /proc' },
  async () => {
    const seed = Number(process.env.POWER_LOSS_SEED ?? Date.now() % 1_000_000);
    const rand = random(seed);
    const root = await tempDir('esa-power-');
    const model = await PowerLossModel.install(root);
    const backend = await startBackend();
    // A third of the mail waits for a retry (the clock is frozen), the rest is delivered and removed.
    backend.policy = (rcpt) => (rcpt.startsWith('later') ? { code: 451, text: '4.3.0 try later' } : undefined);
    const engine = await startEngine({ dataDir: path.join(root, 'data'), backendPort: backend.port, clockStart: T0 });
    const parts = engineParts(engine);
    const acked = new Set<number>();
    const subjects = new Map<number, string>();
    const waiting = new Set<number>();
    const delivered = () => new Set(backend.messages.map((m) => midOf(m.content)));
    const cuts: { at: number; image: Image; acked: number[]; delivered: Set<number> }[] = [];
    let nextCut = 20 + Math.floor(rand() * 100);
    model.onOperation = () => {
      if (model.operations < nextCut || cuts.length >= 10) return;
      cuts.push({ at: model.operations, image: model.cut(), acked: [...acked], delivered: delivered() });
      nextCut = model.operations + 40 + Math.floor(rand() * 200);
    };
    try {
      // Four connections, a message at a time each, while deliveries finish and remove messages.
      const transport = nodemailer.createTransport({
        pool: true,
        host: '127.0.0.1',
        port: listenerPort(engine),
        secure: false,
        ignoreTLS: true,
        maxConnections: 4,
        maxMessages: Infinity,
      });
      try {
        await Promise.all(
          Array.from({ length: 160 }, async (_, i) => {
            const to = i % 3 === 0 ? `later${i}@example.com` : `bob${i % 7}@example.com`;
            const info = await transport.sendMail({ from: 'alice@example.org', to, subject: `m${i}`, text: 'x'.repeat(500 + i) });
            const mid = Number(/Message (\d+) accepted/.exec(info.response)?.[1]);
            acked.add(mid);
            subjects.set(mid, `m${i}`);
            if (i % 3 === 0) waiting.add(mid);
            // The state's flush timer (500 ms) would fire a few times in a longer run: flush now and then.
            if (rand() < 0.1) void parts.queue.store.flush();
          }),
        );
      } finally {
        transport.close();
      }
      await waitFor(
        () => engine.api.gauges().queuedMessages === waiting.size && [...waiting].every((mid) => parts.queue.messages.get(mid)?.rcpts[0].attempts === 1),
        'the rest delivered, the waiting ones tried once',
      );
      // Once the state is flushed, nothing delivered comes back and the retry counts stay; once
      // the log is synced, its lines stay.
      await parts.queue.store.flush();
      await parts.log.sync();
      model.onOperation = null;
      const final = { at: model.operations, image: model.cut(), acked: [...acked], delivered: delivered() };
      assert.ok(cuts.length >= 3, `only ${cuts.length} power cuts in ${model.operations} operations`);

      for (const cut of [...cuts, final]) {
        const what = `power cut after operation ${cut.at} of ${final.at} (POWER_LOSS_SEED=${seed})`;
        // Deliveries after the restart go nowhere (port 1 refuses): the queue stays as loaded.
        const after = await restart(cut.image);
        try {
          const { queue } = engineParts(after.engine);
          assert.deepEqual(after.warnings, [], `${what}: warnings at the restart`);
          const missing = cut.acked.filter((mid) => !cut.delivered.has(mid) && !queue.messages.has(mid));
          assert.deepEqual(missing, [], `${what}: acknowledged, never delivered, and not queued after the restart`);
          // Spool files are reused (src/engine/queue/temp-files.ts): each queued message must still be its own.
          for (const mid of queue.messages.keys()) {
            const subject = /^Subject: (.*)\r$/m.exec((await queue.spool.readContent(mid)).toString('utf8'))?.[1];
            assert.equal(subject, subjects.get(mid), `${what}: message ${mid}'s content`);
          }
        } finally {
          await after.close();
        }
      }

      const after = await restart(final.image);
      try {
        const { queue } = engineParts(after.engine);
        assert.deepEqual(
          [...queue.messages.keys()].sort(),
          [...waiting].sort(),
          'queued after the restart: the waiting mail, nothing delivered before the flush',
        );
        assert.deepEqual(new Set([...queue.messages.values()].map((m) => m.rcpts[0].attempts)), new Set([1]), 'retry counts');
      } finally {
        await after.close();
      }
      const log = fileOf(final.image, 'data', 'logs', 'mail_logs')?.toString('utf8') ?? '';
      const unlogged = [...acked].filter((mid) => !log.includes(`Start MID ${mid} `));
      assert.deepEqual(unlogged, [], 'every accepted message is in the mail log once it was synced');
    } finally {
      model.onOperation = null;
      await engine.stop();
      await backend.stop();
      model.uninstall();
      await removeDir(root);
    }
  },
);

test('retry counts, delay-warning counts and owed DSNs survive a power cut', { skip: !linux && 'the model reads files back through /proc' }, async () => {
  const root = await tempDir('esa-power-');
  const model = await PowerLossModel.install(root);
  let backend: BackendServer | undefined;
  // DSNs are never built: the one for the hard bounce is still owed when the power goes.
  const stalled: BounceSink = { hardBounced() {}, delayed() {}, holding: () => new Promise<void>(() => undefined) };
  backend = await startBackend();
  backend.policy = (rcpt) =>
    rcpt === 'later@example.com'
      ? { code: 451, text: '4.3.0 Mailbox temporarily unavailable, try later' }
      : rcpt === 'gone@example.com'
        ? { code: 550, text: '5.1.1 No such user' }
        : undefined;
  const engine = await startEngine({ dataDir: path.join(root, 'data'), backendPort: backend.port, clockStart: T0, bounces: () => stalled });
  const parts = engineParts(engine);
  try {
    const next = configCopy(engine);
    Object.assign(next.bounceProfiles.Default, {
      initial_retry: 60,
      max_retry_timeout: 60,
      send_warnings: true,
      send_warnings_interval: 60,
      send_warnings_count: 5,
    });
    await engine.api.applyConfig(next);
    const accepted = async (to: string): Promise<QueuedMessage> => {
      const r = await sendMail(listenerPort(engine), { from: 'alice@example.org', to, subject: `to ${to}` });
      const mid = Number(/Message (\d+) accepted/.exec(r.response)?.[1]);
      assert.ok(mid > 0, r.response);
      return parts.queue.messages.get(mid)!;
    };
    const later = await accepted('later@example.com');
    const rcpt = later.rcpts[0];
    await waitFor(() => rcpt.attempts === 1, 'the first attempt');
    for (let n = 2; n <= 4; n++) {
      parts.clock.advance(60_000);
      await waitFor(() => rcpt.attempts === n, `attempt ${n}`);
    }
    assert.equal(rcpt.warningsSent, 3);
    const gone = await accepted('gone@example.com');
    await waitFor(() => gone.rcpts[0].dsnPending === '5.1.1', 'the hard bounce');
    const before = { nextAt: rcpt.nextAt, lastAttemptAt: rcpt.lastAttemptAt, lastReply: rcpt.lastReply };
    await parts.queue.store.flush();
    const image = model.cut();

    await backend.stop();
    backend = await startBackend();
    const after = await restart(image, { backendPort: backend.port });
    try {
      assert.deepEqual(after.warnings, []);
      const restored = engineParts(after.engine).queue.messages.get(later.envelope.mid);
      assert.ok(restored, 'the retried message is queued');
      const { attempts, nextAt, lastAttemptAt, lastReply, warningsSent, state } = restored.rcpts[0];
      assert.deepEqual(
        { attempts, nextAt, lastAttemptAt, lastReply, warningsSent, state },
        { attempts: 4, nextAt: before.nextAt, lastAttemptAt: before.lastAttemptAt, lastReply: before.lastReply, warningsSent: 3, state: 'pending' },
      );
      // The owed DSN is sent after the restart, and the bounced message is not tried again.
      const b = backend;
      await waitFor(() => b.dsns().length === 1, 'the owed DSN at the sender');
      assert.deepEqual(b.dsns()[0].to, ['alice@example.org']);
      assert.match(b.dsns()[0].content.toString('utf8'), /gone@example\.com/);
      assert.equal(b.messages.filter((m) => m.to.includes('gone@example.com')).length, 0, 'the bounced recipient is not retried');
    } finally {
      await after.close();
    }
  } finally {
    await engine.stop();
    await backend.stop();
    model.uninstall();
    await removeDir(root);
  }
});

test(
  'the configuration backup survives a power cut and restores a damaged configuration',
  { skip: !linux && 'the model reads files back through /proc' },
  async () => {
    const root = await tempDir('esa-power-');
    const model = await PowerLossModel.install(root);
    const dataDir = path.join(root, 'data');
    try {
      const first = await startEngine({ dataDir });
      await first.api.applyConfig({ ...configCopy(first), hostname: 'mx.power.example' });
      await first.stop();
      // The backup is taken at start.
      const second = await startEngine({ dataDir });
      const image = model.cut();
      await second.stop();

      const backup = fileOf(image, 'data', 'config.json.bak');
      assert.ok(backup, `config.json.bak is in the image: ${listImage(image).join(' ')}`);
      assert.equal(JSON.parse(backup.toString('utf8')).config.hostname, 'mx.power.example');
      const after = await restart(image, {}, (dir) => writeFile(path.join(dir, 'config.json'), '{"version":1,"conf'));
      try {
        assert.equal(after.engine.api.hostname, 'mx.power.example');
        assert.equal(after.warnings.length, 1);
        assert.match(after.warnings[0], /config\.json is not valid JSON .*restored the configuration from config\.json\.bak/);
        assert.equal(engineParts(after.engine).state.corruptFilesKept(), 1);
      } finally {
        await after.close();
      }
    } finally {
      model.uninstall();
      await removeDir(root);
    }
  },
);
