// Connections per delivery host: a route that sends many domains to one backend shares that
// backend's connection limit among them (MAX_CONNECTIONS_PER_HOST), as Postfix's concurrency
// is per next hop; each domain's own destconfig concurrency still holds. Without it a queue
// for a thousand domains routed to one mail server would open ten thousand connections to it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { MAX_CONNECTIONS_PER_HOST } from '../../src/engine/delivery/scheduler.js';
import { listenerPort, removeDir, sendMail, startEngine, tempDir, waitFor } from '../helpers/harness.js';

/** A backend that holds each DATA a little and counts its connections. */
async function countingBackend(): Promise<{ port: number; open: () => number; max: () => number; received: () => number; close: () => Promise<void> }> {
  let open = 0;
  let max = 0;
  let received = 0;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxClients: 10_000,
    onConnect: (_session, cb) => {
      open++;
      max = Math.max(max, open);
      cb();
    },
    onClose: () => {
      open--;
    },
    onData: (stream, _session, cb) => {
      stream.resume();
      stream.on('end', () => {
        received++;
        setTimeout(() => cb(), 20);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    open: () => open,
    max: () => max,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('120 domains routed to one backend: at most the per-host limit of connections at once, every message delivered', async () => {
  const backend = await countingBackend();
  const dataDir = await tempDir();
  const engine = await startEngine({ dataDir, backendPort: backend.port, accept: ['example.com', '.example.com'] });
  try {
    await engine.api.suspendDelivery([]);
    const port = listenerPort(engine);
    const domains = Array.from({ length: 120 }, (_, i) => `d${i}.example.com`);
    for (const domain of domains) {
      for (let n = 0; n < 3; n++) {
        const sent = await sendMail(port, { to: `user${n}@${domain}`, subject: `${domain} ${n}` });
        assert.ok(sent.ok, sent.response);
      }
    }
    // Up to 10 connections per domain would be 360 connections at once without the host limit.
    // Counted as the engine holds them: the backend sees a closed connection go a moment later
    // than the engine, which may already have opened the next one.
    let most = 0;
    const off = engine.api.on('connections', () => {
      most = Math.max(most, engine.api.outboundConnections('all'));
    });
    await engine.api.resumeDelivery([]);
    await waitFor(() => backend.received() === 360, 'every message delivered', 60_000);
    off();
    assert.ok(most <= MAX_CONNECTIONS_PER_HOST, `at most ${MAX_CONNECTIONS_PER_HOST} connections at once, saw ${most}`);
    assert.ok(most > 10, `the engine used more than one domain's share of connections (saw ${most})`);
    assert.ok(backend.max() > 10, `the domains share the host's connections in parallel (saw ${backend.max()})`);
    await waitFor(() => engine.api.gauges().queuedMessages === 0, 'the queue to empty');
  } finally {
    await engine.stop();
    await backend.close();
    await removeDir(dataDir);
  }
});
