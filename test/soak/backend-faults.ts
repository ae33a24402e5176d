// The backend fault soak: mail relayed through an engine while its backend fails in every way
// we know (11 modes: the backend down, 4xx, 5xx, mixed per-recipient replies, and the proxy's
// connection faults), then healed. Every message that got a 250 must end delivered or, when
// refused with a 5xx, reported to its sender by a DSN: none lost. Duplicates are counted with
// their cause (a reply lost after the final dot is the one that may deliver twice).
import type { BackendServer } from '../../src/sandbox/backend.js';
import type { Engine } from '../../src/engine/engine.js';
import { counter, listenerPort, removeDir, sendMany, startBackend, startEngine } from '../helpers/harness.js';
import { FaultProxy, type ProxyFault } from './fault-proxy.js';

export type FaultMode = 'backend-down' | 'backend-tempfail' | 'backend-reject' | 'backend-mixed' | Exclude<ProxyFault, 'pass'>;

export const FAULT_MODES: readonly FaultMode[] = [
  'backend-down',
  'backend-tempfail',
  'backend-reject',
  'backend-mixed',
  'close-at-connect',
  'greeting-421',
  'garbage-greeting',
  'stall-greeting',
  'reset-in-data',
  'reset-after-dot',
  'slow',
];

export interface FaultFigures {
  modes: number;
  messages: number;
  faultsInjected: number;
  delivered: number;
  bouncedWithDsn: number;
  lost: number;
  duplicates: number;
  /** Duplicates in the mode where the backend's 250 is cut off after the final dot. */
  duplicatesReplyLost: number;
  perMode: { mode: FaultMode; messages: number; injected: number; lost: number; duplicates: number }[];
}

/** Soft-bounce events and hard-bounced recipients so far (what a refusing backend causes). */
const bounceEvents = (engine: Engine) => counter(engine, 'softBouncedEvents').uptime + counter(engine, 'hardBouncedRecipients').uptime;

/** Two recipients on every third message (one transaction, two replies); the rest one each. */
const recipientsOf = (i: number): string[] => (i % 3 === 0 ? ['alice@example.com', 'bob@example.com'] : [`${'abcd'[i % 4]}user${i}@example.com`]);

const midsIn = (content: Buffer): number[] => [...content.toString('latin1').matchAll(/with ESMTP id (\d+)/g)].map((m) => Number(m[1]));

async function setFault(mode: FaultMode | 'none', backend: BackendServer, proxy: FaultProxy): Promise<void> {
  proxy.fault = 'pass';
  backend.policy = () => undefined;
  await backend.setMode('up');
  if (mode === 'none') return;
  if (mode === 'backend-down') await backend.setMode('down');
  else if (mode === 'backend-tempfail') await backend.setMode('tempfail');
  else if (mode === 'backend-reject') {
    // Only the test mail: the DSNs to the senders (example.org) are delivered.
    backend.policy = (rcpt) => (rcpt.endsWith('@example.com') ? { code: 550, text: '5.1.1 Mailbox unavailable' } : undefined);
  } else if (mode === 'backend-mixed') {
    backend.policy = (rcpt) => (/^(b|d)/.test(rcpt) ? { code: 452, text: '4.2.2 Mailbox full' } : undefined);
  } else proxy.fault = mode;
}

/** Retries everything now, until nothing is queued (the clock is frozen: no timer fires). */
async function drain(engine: Engine, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  await engine.idle();
  while (engine.api.gauges().queuedMessages > 0) {
    if (Date.now() > until) throw new Error(`${engine.api.gauges().queuedMessages} message(s) still queued after the faults were healed`);
    engine.api.deliverNow();
    await engine.idle();
  }
}

export async function backendFaults({
  perMode = 20,
  modes = FAULT_MODES,
  timeoutMs = 60_000,
}: { perMode?: number; modes?: readonly FaultMode[]; timeoutMs?: number } = {}): Promise<FaultFigures> {
  const backend = await startBackend();
  const proxy = new FaultProxy(backend.port);
  await proxy.start();
  const engine = await startEngine({ backendPort: proxy.port, connectTimeoutMs: 1_000, connectionLingerMs: 50 });
  const figures: FaultFigures = {
    modes: 0,
    messages: 0,
    faultsInjected: 0,
    delivered: 0,
    bouncedWithDsn: 0,
    lost: 0,
    duplicates: 0,
    duplicatesReplyLost: 0,
    perMode: [],
  };
  try {
    for (const mode of modes) {
      const seenBefore = backend.messages.length;
      const proxyBefore = proxy.injected;
      const bouncesBefore = bounceEvents(engine);
      await setFault(mode, backend, proxy);
      // Two recipients on every third message: one transaction, two replies.
      const mids = await sendMany(listenerPort(engine), perMode, (i) => ({ from: `sender${i}@example.org`, to: recipientsOf(i) }));
      await engine.idle();
      // Faults the engine met: the proxy's acts, or the backend's refusals as the engine counted them.
      // (A backend that is down refuses connections: every message sent then met it.)
      const injected =
        mode === 'backend-down' ? mids.length : mode.startsWith('backend-') ? bounceEvents(engine) - bouncesBefore : proxy.injected - proxyBefore;
      await setFault('none', backend, proxy);
      await drain(engine, timeoutMs);
      const arrived = backend.messages.slice(seenBefore);
      // Per message and recipient: a message for two recipients may arrive once for each.
      const deliveredCount = new Map<string, number>();
      const reported = new Set<number>();
      for (const m of arrived) {
        const mid = midsIn(m.content)[0];
        if (m.from === '') for (const original of midsIn(m.content)) reported.add(original);
        else for (const rcpt of m.to) deliveredCount.set(`${mid} ${rcpt}`, (deliveredCount.get(`${mid} ${rcpt}`) ?? 0) + 1);
      }
      let lost = 0;
      let duplicates = 0;
      for (const [i, mid] of mids.entries()) {
        for (const rcpt of recipientsOf(i)) {
          const n = deliveredCount.get(`${mid} ${rcpt}`) ?? 0;
          if (n === 0 && !reported.has(mid)) lost++;
          if (n > 1) duplicates += n - 1;
          if (n > 0) figures.delivered++;
          else if (reported.has(mid)) figures.bouncedWithDsn++;
        }
      }
      figures.modes++;
      figures.messages += mids.length;
      figures.faultsInjected += injected;
      figures.lost += lost;
      figures.duplicates += duplicates;
      if (mode === 'reset-after-dot') figures.duplicatesReplyLost += duplicates;
      figures.perMode.push({ mode, messages: mids.length, injected, lost, duplicates });
    }
  } finally {
    await engine.stop();
    await removeDir(engine.api.dataDir);
    await proxy.stop();
    await backend.stop();
  }
  return figures;
}
