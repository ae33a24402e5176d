// The full-disk soak: an engine whose data dir is on an 8 MB tmpfs relays steady load to a
// backend while the disk is filled to the last byte and freed again, cycle after cycle. The
// engine must stay up, answer 452 4.3.1 while full, recover by itself each time, and in the
// end have delivered every message that got a 250. Needs `mount`; reports why when refused.
import { execFile } from 'node:child_process';
import { statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { engineParts } from '../../src/engine/test-seam.js';
import { listenerPort, removeDir, startBackend, startEngine, tempDir, waitFor } from '../helpers/harness.js';

const run = promisify(execFile);

export interface DiskFillFigures {
  skipped?: string;
  cycles: number;
  accepted: number;
  refused452: number;
  otherReplies: string[];
  storageEpisodes: number;
  delivered: number;
  lost: number;
  duplicates: number;
  unhandledRejections: number;
}

export async function diskFillCycles({ cycles, timeoutMs = 30_000 }: { cycles: number; timeoutMs?: number }): Promise<DiskFillFigures> {
  const figures: DiskFillFigures = {
    cycles: 0,
    accepted: 0,
    refused452: 0,
    otherReplies: [],
    storageEpisodes: 0,
    delivered: 0,
    lost: 0,
    duplicates: 0,
    unhandledRejections: 0,
  };
  const mnt = await tempDir('esa-soak-tmpfs-');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mnt]);
  } catch (e) {
    await removeDir(mnt);
    return { ...figures, skipped: `cannot mount a tmpfs (${((e as { stderr?: string }).stderr || (e as Error).message).trim()})` };
  }
  const unhandled = () => figures.unhandledRejections++;
  process.on('unhandledRejection', unhandled);
  const backend = await startBackend();
  // The clock runs (100x) so the host the backend was during a full disk is retried by itself.
  const engine = await startEngine({ dataDir: path.join(mnt, 'data'), backendPort: backend.port, storageProbeMs: 20, scale: 100 });
  const accepted = new Set<number>();
  let running = true;
  const sender = async (id: number) => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listenerPort(engine),
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Infinity,
    });
    let i = 0;
    while (running) {
      try {
        const info = await transport.sendMail({ from: `s${id}@example.org`, to: 'bob@example.com', subject: `d${id} ${i++}`, text: 'y'.repeat(20_000) });
        accepted.add(Number(/Message (\d+) accepted/.exec(info.response)![1]));
      } catch (e) {
        const reply = (e as { response?: string }).response ?? (e as Error).message;
        if (/^452 4\.3\.1 /.test(reply)) figures.refused452++;
        else if (figures.otherReplies.length < 10) figures.otherReplies.push(reply);
        await new Promise((r) => setTimeout(r, 5)); // a real sender backs off a little
      }
    }
    transport.close();
  };
  const senders = [1, 2, 3].map(sender);
  const filler = path.join(mnt, 'filler');
  try {
    for (let c = 0; c < cycles; c++) {
      const start = accepted.size;
      await waitFor(() => accepted.size >= start + 20, 'mail flowing', timeoutMs);
      const s = await statfs(mnt);
      // Everything that is free: the next writes meet ENOSPC.
      await writeFile(filler, Buffer.alloc(Number(s.bavail * s.bsize))).catch(() => undefined);
      await waitFor(() => engineParts(engine).storage.short !== null, 'storage-short mode', timeoutMs);
      const refusedAt = figures.refused452;
      await waitFor(() => figures.refused452 > refusedAt, 'a 452 while full', timeoutMs);
      await unlink(filler);
      await waitFor(() => engineParts(engine).storage.short === null, 'recovery', timeoutMs);
      figures.cycles++;
    }
    running = false;
    await Promise.all(senders);
    await waitFor(
      () => {
        const got = new Set(backend.messages.map((m) => Number(/with ESMTP id (\d+)/.exec(m.content.toString('latin1'))?.[1])));
        for (const mid of accepted) if (!got.has(mid)) return false;
        return true;
      },
      'every accepted message delivered',
      timeoutMs,
    ).catch(() => undefined);
    const counts = new Map<number, number>();
    for (const m of backend.messages) {
      const mid = Number(/with ESMTP id (\d+)/.exec(m.content.toString('latin1'))?.[1]);
      counts.set(mid, (counts.get(mid) ?? 0) + 1);
    }
    figures.accepted = accepted.size;
    figures.storageEpisodes = engineParts(engine).storage.episodes;
    for (const mid of accepted) {
      if (counts.has(mid)) figures.delivered++;
      else figures.lost++;
    }
    for (const n of counts.values()) if (n > 1) figures.duplicates += n - 1;
  } finally {
    running = false;
    await Promise.all(senders).catch(() => undefined);
    await unlink(filler).catch(() => undefined);
    await engine.stop();
    await backend.stop();
    process.off('unhandledRejection', unhandled);
    await run('umount', [mnt]).catch(() => run('umount', ['-l', mnt]));
    await removeDir(mnt);
  }
  return figures;
}
