// The soak's abuse phase: the "smtp" hardening set (test/hardening/hostile-smtp.ts: slowloris,
// a real sender during it, broken pipelining, malformed lines, oversized mail) round after
// round against one running engine, while a steady sender relays mail. Every round must give
// the real sender its 250; every message that got one must reach the backend.
import { hostileSmtpRound } from '../hardening/hostile-smtp.js';
import { listenerPort, removeDir, startBackend, startEngine } from '../helpers/harness.js';
import type { PhaseResult, SoakPhase } from './phase.js';
import { acceptedMid, steadySender } from './steady-sender.js';

export const soakPhase: SoakPhase = {
  name: 'hostile SMTP clients (the smtp hardening set, repeated)',
  async run({ quick }): Promise<PhaseResult> {
    const rounds = quick ? 1 : 8;
    const backend = await startBackend();
    // The clock runs (real speed) so the listener's own timeouts apply as in production.
    const engine = await startEngine({ backendPort: backend.port, scale: 1 });
    const port = listenerPort(engine);
    const failures: string[] = [];
    let tried = 0;
    const steady = steadySender(port, (reply) => failures.push(`steady sender refused: ${reply}`));
    const accepted = steady.accepted;
    try {
      for (let r = 0; r < rounds; r++) {
        const round = await hostileSmtpRound(port, { maxMessageSize: engine.api.config().listeners[0].maxMessageSize });
        tried += round.tried;
        const mid = acceptedMid(round.realSenderDuringSlowloris);
        if (mid !== undefined) accepted.add(mid);
        else failures.push(`round ${r + 1}: a real sender during the slowloris got ${round.realSenderDuringSlowloris}`);
        if (!round.pipelining.dataReply.startsWith('554')) failures.push(`round ${r + 1}: broken pipelining got ${round.pipelining.dataReply}`);
        if (!round.malformed.stillUsable) failures.push(`round ${r + 1}: the session was unusable after malformed lines`);
        if (!round.oversized.startsWith('552')) failures.push(`round ${r + 1}: oversized mail got ${round.oversized}`);
      }
      const lost = await steady.lost(backend);
      if (lost) failures.push(`${lost} accepted message(s) lost`);
      return {
        figures: { rounds, 'hostile inputs tried': tried, 'accepted (250) meanwhile': accepted.size, 'messages lost': lost },
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
