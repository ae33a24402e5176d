// The big queue's fast filling path (`esa bench --seed`): with the engine stopped, the bench opens
// the data dir's queue with the engine's own MailQueue and admits the messages the load generator
// would have sent, so spool files and queue state are written by the listener's code.
import path from 'node:path';
import { StateFile } from '../src/engine/state/state-file.js';
import { DataDirLock } from '../src/platform/data-dir-lock.js';
import { formatRfc5322Date } from '../src/model/format-date.js';
import type { MailLog } from '../src/engine/log/mail-log.js';
import type { Envelope } from '../src/engine/queue/message.js';
import { MailQueue } from '../src/engine/queue/queue.js';
import { headerValue } from '../src/engine/smtp/headers.js';
import { buildMessage } from './load-generator.js';

export interface SeedOptions {
  dataDir: string;
  messages: number;
  size: number;
  /** Distinguishes the Message-IDs, as the load generator's tag does. */
  tag: string;
  recipient: (index: number) => string;
  /** Messages being written at once (the listener's concurrent sessions). */
  inFlight?: number;
  progress?: (done: number) => void;
}

export interface SeedResult {
  firstMid: number;
  lastMid: number;
  ms: number;
}

/**
 * Queues `messages` messages in a stopped engine's data dir. MIDs start past the reservation
 * the last run saved in config.json (never a MID that run could have used) and past every range
 * on disk; the engine's next start reserves past the spool's ranges, so none is handed out
 * twice. The queue summary in config.json (what a start expects to load) is updated as the
 * engine's own save would.
 */
export async function seedQueue(o: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  // Holding the data dir's lock: an engine started meanwhile is refused rather than racing us.
  const lock = new DataDirLock(o.dataDir);
  await lock.acquire();
  try {
    const state = new StateFile(o.dataDir);
    await state.load();
    const { config, ids } = state.data;
    const listener = config.listeners[0];
    const hostname = config.hostname;
    const listenerName = listener?.name ?? 'IncomingMail';
    const profile = listener?.bounceProfile ?? 'Default';
    // The queue's mail log is written only when a damaged spool file is set aside, which
    // admitting new messages never does: nothing is logged, as nothing was received over SMTP.
    const log = { info: () => undefined } as unknown as MailLog;
    const queue = new MailQueue(path.join(o.dataDir, 'queue'), {
      limits: () => ({ maxMessages: Infinity, maxBytes: Infinity }),
      log,
      // Nothing of this run stays in memory: a message's content is never read back here.
      cacheFor: () => false,
    });
    const { firstFreeMid } = await queue.open();
    const firstMid = Math.max(ids.mid, firstFreeMid);
    let next = 0;
    const admitOne = async (i: number): Promise<void> => {
      const mid = firstMid + i;
      const to = o.recipient(i);
      // The engine's clock: the wall clock plus the offset it saved (0 unless it ran faster).
      const now = Date.now() + state.data.clockOffsetMs;
      const body = buildMessage(o.size, i, o.tag, to);
      // The Received: line the listener puts first (src/engine/smtp/listener.ts, #spoolStart).
      const prefix = Buffer.from(
        `Received: from bench.localdomain ([127.0.0.1])\r\n by ${hostname} with ESMTP id ${mid}\r\n for <${to}>;\r\n ${formatRfc5322Date(now)}\r\n`,
      );
      const envelope: Envelope = {
        mid,
        from: 'bench@example.org',
        to: [to],
        arrival: now,
        // No connection brought it (ICIDs are the mail log's connection ids).
        icid: 0,
        listener: listenerName,
        profile,
        messageId: headerValue(body, 'Message-ID'),
        subject: headerValue(body, 'Subject'),
      };
      await queue.admit(envelope, [prefix, body]);
    };
    const worker = async (): Promise<void> => {
      while (next < o.messages) {
        const i = next++;
        await admitOne(i);
        if ((i + 1) % 10_000 === 0) {
          o.progress?.(i + 1);
          // Writes proportional to what changed: each flush writes the shards filled since the last.
          await queue.flush();
        }
      }
    };
    await Promise.all(Array.from({ length: o.inFlight ?? 64 }, worker));
    await queue.close();
    // What was queued before (not loaded here) plus what was seeded.
    const before = state.data.queueSummary ?? { messages: 0, bytes: 0 };
    state.data.queueSummary = { messages: before.messages + queue.count, bytes: before.bytes + queue.bytes };
    state.data.ids.mid = firstMid + o.messages;
    await state.save();
    return { firstMid, lastMid: firstMid + o.messages - 1, ms: performance.now() - started };
  } finally {
    await lock.release();
  }
}
