// The soak's abuse phase: the "smtp" hardening set (test/hardening/hostile-smtp.ts: slowloris,
// a real sender during it, broken pipelining, malformed lines, oversized mail) round after
// round against one running engine, while a steady sender relays mail. Every round must give
// the real sender its 250; every message that got one must reach the backend.
import nodemailer from 'nodemailer';
import { hostileSmtpRound } from '../hardening/hostile-smtp.js';
import { listenerPort, removeDir, startBackend, startEngine, waitFor } from '../helpers/harness.js';
import type { PhaseResult, SoakPhase } from './phase.js';

const midOf = (content: Buffer) => Number(/with ESMTP id (\d+)/.exec(content.toString('latin1'))?.[1]);

export const soakPhase: SoakPhase = {
  name: 'hostile SMTP clients (the smtp hardening set, repeated)',
  async run({ quick }): Promise<PhaseResult> {
    const rounds = quick ? 1 : 8;
    const backend = await startBackend();
    // The clock runs (real speed) so the listener's own timeouts apply as in production.
    const engine = await startEngine({ backendPort: backend.port, scale: 1 });
    const port = listenerPort(engine);
    const accepted = new Set<number>();
    const failures: string[] = [];
    let tried = 0;
    let steadyRunning = true;
    const steady = (async () => {
      const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity });
      let i = 0;
      while (steadyRunning) {
        try {
          const info = await t.sendMail({ from: 'steady@example.org', to: 'bob@example.com', subject: `steady ${i++}`, text: 'z'.repeat(1_000) });
          accepted.add(Number(/Message (\d+) accepted/.exec(info.response)![1]));
        } catch (e) {
          failures.push(`steady sender refused: ${(e as { response?: string }).response ?? (e as Error).message}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      t.close();
    })();
    try {
      for (let r = 0; r < rounds; r++) {
        const round = await hostileSmtpRound(port, { maxMessageSize: engine.api.config().listeners[0].maxMessageSize });
        tried += round.tried;
        const mid = /Message (\d+) accepted/.exec(round.realSenderDuringSlowloris);
        if (mid) accepted.add(Number(mid[1]));
        else failures.push(`round ${r + 1}: a real sender during the slowloris got ${round.realSenderDuringSlowloris}`);
        if (!round.pipelining.dataReply.startsWith('554')) failures.push(`round ${r + 1}: broken pipelining got ${round.pipelining.dataReply}`);
        if (!round.malformed.stillUsable) failures.push(`round ${r + 1}: the session was unusable after malformed lines`);
        if (!round.oversized.startsWith('552')) failures.push(`round ${r + 1}: oversized mail got ${round.oversized}`);
      }
      steadyRunning = false;
      await steady;
      await waitFor(
        () => {
          const got = new Set(backend.messages.map((m) => midOf(m.content)));
          for (const mid of accepted) if (!got.has(mid)) return false;
          return true;
        },
        'every accepted message delivered',
        60_000,
      ).catch(() => undefined);
      const got = new Set(backend.messages.map((m) => midOf(m.content)));
      const lost = [...accepted].filter((mid) => !got.has(mid)).length;
      if (lost) failures.push(`${lost} accepted message(s) lost`);
      return {
        figures: { rounds, 'hostile inputs tried': tried, 'accepted (250) meanwhile': accepted.size, 'messages lost': lost },
        failures,
      };
    } finally {
      steadyRunning = false;
      await steady.catch(() => undefined);
      await engine.stop();
      await removeDir(engine.api.dataDir);
      await backend.stop();
    }
  },
};
