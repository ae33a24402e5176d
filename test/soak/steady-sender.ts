// The steady sender of the soak's abuse phases: one pooled session relaying 1 KB messages while
// the phase attacks the listener, the MID of every 250 kept (a phase adds its own senders' too),
// and, at the end, how many accepted messages never reached the backend.
import nodemailer from 'nodemailer';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { waitFor } from '../helpers/harness.js';

const midOf = (content: Buffer) => Number(/with ESMTP id (\d+)/.exec(content.toString('latin1'))?.[1]);

/** The MID in a `250 ... Message N accepted` reply, or undefined. */
export const acceptedMid = (reply: string): number | undefined => {
  const m = /Message (\d+) accepted/.exec(reply);
  return m ? Number(m[1]) : undefined;
};

export interface SteadySender {
  /** MIDs that got a 250: the steady sender's, and any the phase adds. */
  accepted: Set<number>;
  /** Stops sending (the message in flight finishes first). */
  stop(): Promise<void>;
  /** Stops, waits up to a minute for every accepted message at the backend, and counts those missing. */
  lost(backend: BackendServer): Promise<number>;
}

/** Starts relaying; `onRefused` hears each refusal (the session reconnects and goes on). */
export function steadySender(port: number, onRefused: (reply: string) => void): SteadySender {
  const accepted = new Set<number>();
  let running = true;
  const sending = (async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity });
    let i = 0;
    while (running) {
      try {
        const info = await t.sendMail({ from: 'steady@example.org', to: 'bob@example.com', subject: `steady ${i++}`, text: 'z'.repeat(1_000) });
        accepted.add(acceptedMid(info.response)!);
      } catch (e) {
        onRefused((e as { response?: string }).response ?? (e as Error).message);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    t.close();
  })();
  const stop = async () => {
    running = false;
    await sending.catch(() => undefined);
  };
  return {
    accepted,
    stop,
    async lost(backend) {
      await stop();
      const delivered = () => new Set(backend.messages.map((m) => midOf(m.content)));
      await waitFor(() => [...accepted].every((mid) => delivered().has(mid)), 'every accepted message delivered', 60_000).catch(() => undefined);
      const got = delivered();
      return [...accepted].filter((mid) => !got.has(mid)).length;
    },
  };
}
