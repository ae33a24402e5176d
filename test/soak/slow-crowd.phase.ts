// The soak's crowd and burst phase: rounds of a crowd of slow clients (25 connections from each
// of 127.0.0.10 ... 127.0.0.60 trickling EHLO: every slot of the listener taken) with a real
// sender from 127.0.0.2 that must get its 250 within 5 s, then a pipelined burst of 5,000 RCPT TO
// in one write that must be answered whole; a steady sender relays meanwhile and every message
// that got a 250 must reach the backend.
import { realSender } from '../hardening/hostile-smtp.js';
import { pipelinedBurst } from '../hardening/pipelined-burst.js';
import { slowCrowd } from '../hardening/slow-crowd.js';
import { listenerPort, removeDir, startBackend, startEngine, waitFor } from '../helpers/harness.js';
import type { PhaseResult, SoakPhase } from './phase.js';
import { acceptedMid, steadySender } from './steady-sender.js';

const REAL_SENDER_BOUND_MS = 5_000;
const BURST = 5_000;

export const soakPhase: SoakPhase = {
  name: 'a crowd of slow clients and a pipelined burst',
  async run({ quick }): Promise<PhaseResult> {
    const rounds = quick ? 1 : 5;
    const backend = await startBackend();
    // The clock runs (real speed) so the listener's own timeouts apply as in production.
    const engine = await startEngine({ backendPort: backend.port, scale: 1 });
    const port = listenerPort(engine);
    const max = engine.api.config().listeners[0].maxConnections;
    const failures: string[] = [];
    const realSenderMs: number[] = [];
    const burstMs: number[] = [];
    let crowdConnections = 0;
    let evicted = 0;
    let unanswered = 0;
    // Its session may be evicted or cut while the crowd holds the listener: it reconnects.
    const steady = steadySender(port, () => {});
    const accepted = steady.accepted;
    try {
      for (let r = 0; r < rounds; r++) {
        // The real sender comes once the arriving crowd holds every slot.
        const arriving = slowCrowd(port, { first: 10, addresses: 51, perAddress: quick ? 5 : 25 });
        try {
          await waitFor(() => engine.api.inboundConnections() >= max, 'the crowd to fill the listener', 30_000).catch(() => undefined);
          const started = Date.now();
          const reply = await realSender(port, 'bob@example.com', '127.0.0.2');
          const ms = Date.now() - started;
          realSenderMs.push(ms);
          const mid = acceptedMid(reply);
          if (mid !== undefined) accepted.add(mid);
          else failures.push(`round ${r + 1}: a real sender during the crowd got ${reply}`);
          if (ms > REAL_SENDER_BOUND_MS) failures.push(`round ${r + 1}: the real sender needed ${ms} ms (bound ${REAL_SENDER_BOUND_MS})`);
        } finally {
          const crowd = await arriving;
          crowdConnections += crowd.opened;
          evicted += crowd.evicted;
          unanswered += crowd.unanswered;
          crowd.release();
        }
        await waitFor(() => engine.api.inboundConnections() <= 1, 'the crowd to be gone', 30_000).catch(() => undefined);
        const burst = await pipelinedBurst(port, BURST);
        burstMs.push(burst.ms);
        if (burst.answered !== BURST + 2) failures.push(`round ${r + 1}: the burst got ${burst.answered} of ${BURST + 2} replies`);
        const mid = acceptedMid(burst.afterwards);
        if (mid !== undefined) accepted.add(mid);
        else failures.push(`round ${r + 1}: the message after the burst got ${burst.afterwards}`);
      }
      const lost = await steady.lost(backend);
      if (lost) failures.push(`${lost} accepted message(s) lost`);
      return {
        figures: {
          rounds,
          'crowd connections opened': crowdConnections,
          'crowd sessions evicted': evicted,
          'crowd connections lost (accept q)': unanswered,
          'real sender 250 after (ms, worst)': Math.max(...realSenderMs),
          'burst: RCPT TO in one write': BURST,
          'burst answered in (ms, worst)': Math.max(...burstMs),
          'accepted (250) meanwhile': accepted.size,
          'messages lost': lost,
        },
        failures,
      };
    } finally {
      await steady.stop();
      await engine.stop();
      await removeDir(engine.api.dataDir);
      await backend.stop();
    }
  },
};
