// The crash soak: an engine child process under steady SMTP load is killed with SIGKILL again
// and again and restarted on the same data dir; senders reconnect and go on. At the end every
// message that got a 250 must have been delivered (lost: 0). A duplicate is explained when a
// kill fell between its two deliveries (it was in flight at the kill: delivered, not yet
// recorded); any other duplicate is counted as unexplained.
import type { ChildProcess } from 'node:child_process';
import nodemailer from 'nodemailer';
import { removeDir, startBackend, startEngineChild, tempDir, waitFor } from '../helpers/harness.js';

export interface CrashFigures {
  kills: number;
  accepted: number;
  /** Accepted messages per second of sending (restarts excluded). */
  msgPerSecond: number;
  delivered: number;
  lost: number;
  duplicates: number;
  duplicatesInFlightAtKill: number;
  duplicatesUnexplained: number;
}

const midOf = (content: Buffer) => Number(/with ESMTP id (\d+)/.exec(content.toString('latin1'))?.[1]);

export async function crashUnderLoad({
  kills,
  senders = 4,
  between = [40, 160] as [number, number],
  timeoutMs = 60_000,
}: {
  kills: number;
  senders?: number;
  between?: [number, number];
  timeoutMs?: number;
}): Promise<CrashFigures> {
  const backend = await startBackend();
  const dataDir = await tempDir('esa-soak-crash-');
  let engine: { child: ChildProcess; port: number } = await startEngineChild(dataDir, backend.port);
  let generation = 0;
  let running = true;
  const accepted = new Set<number>();
  /** backend.messages.length at each kill: deliveries before it happened before the kill. */
  const killMarks: number[] = [];
  let sendingMs = 0;
  let sendingSince = Date.now();

  const sender = async (id: number) => {
    let i = 0;
    while (running) {
      const gen = generation;
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: engine.port,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
        maxMessages: Infinity,
      });
      while (running && gen === generation) {
        try {
          const info = await transport.sendMail({ from: `sender${id}@example.org`, to: 'bob@example.com', subject: `s${id} m${i++}`, text: 'x'.repeat(2_000) });
          accepted.add(Number(/Message (\d+) accepted/.exec(info.response)![1]));
        } catch {
          break; // no 250: the sender keeps the message (the engine died or is restarting)
        }
      }
      transport.close();
      // Wait for the next engine before sending again.
      await waitFor(() => !running || generation !== gen, 'the engine to come back', timeoutMs);
    }
  };

  const workers = Array.from({ length: senders }, (_, id) => sender(id));
  try {
    for (let k = 0; k < kills; k++) {
      const target = accepted.size + between[0] + Math.floor(Math.random() * (between[1] - between[0]));
      await waitFor(() => accepted.size >= target, `${target} accepted messages`, timeoutMs);
      engine.child.kill('SIGKILL');
      await new Promise((r) => engine.child.once('exit', r));
      killMarks.push(backend.messages.length);
      sendingMs += Date.now() - sendingSince;
      engine = await startEngineChild(dataDir, backend.port);
      sendingSince = Date.now();
      generation++;
    }
    running = false;
    sendingMs += Date.now() - sendingSince;
    await Promise.all(workers);
    await waitFor(
      () => {
        const got = new Set(backend.messages.map((m) => midOf(m.content)));
        for (const mid of accepted) if (!got.has(mid)) return false;
        return true;
      },
      'every accepted message to be delivered',
      timeoutMs,
    ).catch(() => undefined); // counted as lost below
    const positions = new Map<number, number[]>();
    backend.messages.forEach((m, at) => {
      const mid = midOf(m.content);
      positions.set(mid, [...(positions.get(mid) ?? []), at]);
    });
    let lost = 0;
    let inFlight = 0;
    let unexplained = 0;
    for (const mid of accepted) if (!positions.has(mid)) lost++;
    for (const at of positions.values()) {
      for (let j = 1; j < at.length; j++) {
        if (killMarks.some((mark) => at[j - 1] < mark && mark <= at[j])) inFlight++;
        else unexplained++;
      }
    }
    return {
      kills: killMarks.length,
      accepted: accepted.size,
      msgPerSecond: Math.round((accepted.size / Math.max(1, sendingMs)) * 1000),
      delivered: [...accepted].filter((mid) => positions.has(mid)).length,
      lost,
      duplicates: inFlight + unexplained,
      duplicatesInFlightAtKill: inFlight,
      duplicatesUnexplained: unexplained,
    };
  } finally {
    running = false;
    if (engine.child.exitCode === null) {
      engine.child.kill('SIGTERM');
      await new Promise((r) => engine.child.once('exit', r));
    }
    await Promise.all(workers).catch(() => undefined);
    await backend.stop();
    await removeDir(dataDir);
  }
}
