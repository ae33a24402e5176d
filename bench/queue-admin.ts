// The queue-administration benchmark: 100,000 recipients queued over 1,000 hosts
// with the backend down, then over the control socket the time to the first page of
// `showrecipients` for one host, and the longest event-loop stall while `bouncerecipients`
// of 10,000 recipients runs. In-process engine, so the event loop measured is the engine's.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { openSession } from '../cli/front-end.js';
import type { AskParams, AskResult } from '../src/appliance/control/protocol.js';
import { startControlServer } from '../src/appliance/control/server.js';
import { Engine } from '../src/engine/engine.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface QueueAdminFigures {
  recipients: number;
  hosts: number;
  /** From `run` sent to the first table row printed, ms. */
  firstPageMs: number;
  bounced: number;
  /** Longest event-loop delay while bouncerecipients ran, ms. */
  bounceStallMaxMs: number;
  bounceMs: number;
}

const HOSTS = 1_000;
const PER_MESSAGE = 10;
const SENDERS = 10;

/** A terminal that notes when the first table row arrives and stops the pager at once. */
class TimingTerminal {
  firstRowAt = 0;
  output = '';
  print(text: string): void {
    this.output += text;
    if (!this.firstRowAt && /^\d+ +\d+ /m.test(text)) this.firstRowAt = performance.now();
  }
  async ask(q: AskParams): Promise<AskResult> {
    return q.pause ? { answer: 'q' } : { eof: true };
  }
}

export async function runQueueAdminBench(log: (line: string) => void, recipients = 100_000): Promise<QueueAdminFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'esa-bench-qa-'));
  const engine = await Engine.start({
    dataDir,
    timeScale: 0,
    warn: () => undefined,
    // The backend is down: a closed port.
    overrides: { listen: { host: '127.0.0.1', port: 0 }, route: { host: '127.0.0.1', port: 1 }, accept: ['.bench.example'] },
  });
  const socket = path.join(dataDir, 'esa.sock');
  const control = await startControlServer(engine.api, socket);
  try {
    const port = engine.api.listenerViews()[0].port;
    const messages = Math.ceil(recipients / PER_MESSAGE);
    const transport = nodemailer.createTransport({
      pool: true,
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      maxConnections: 8,
      maxMessages: Infinity,
    });
    const t0 = performance.now();
    const batchSize = 500;
    for (let start = 0; start < messages; start += batchSize) {
      await Promise.all(
        Array.from({ length: Math.min(batchSize, messages - start) }, (_, j) => {
          const i = start + j;
          // Message i goes to 10 consecutive hosts: every host gets recipients/1,000 of them.
          const to = Array.from({ length: PER_MESSAGE }, (_, k) => `u${i}@h${(i * PER_MESSAGE + k) % HOSTS}.bench.example`);
          return transport.sendMail({ from: `s${i % SENDERS}@senders.example`, to, subject: `m${i}`, text: 'x'.repeat(1_000) });
        }),
      );
    }
    transport.close();
    await engine.idle();
    const queued = engine.api.gauges().activeRecipients;
    log(`queue-admin: ${queued} recipients queued over ${engine.api.knownDomains().length} hosts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const terminal = new TimingTerminal();
    const { client } = await openSession(socket, terminal, 'bench-pager');
    const t1 = performance.now();
    await client.run('showrecipients host h7.bench.example');
    const firstPageMs = terminal.firstRowAt - t1;
    log(`queue-admin: showrecipients host h7.bench.example: first page in ${firstPageMs.toFixed(1)} ms`);

    // One sender's messages: a tenth of them, 10,000 recipients of 100,000.
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const t2 = performance.now();
    terminal.output = '';
    await client.run('bouncerecipients sender s3@senders.example');
    const bounceMs = performance.now() - t2;
    histogram.disable();
    const bounced = Number(/(\d+) recipients bounced/.exec(terminal.output)?.[1] ?? 0);
    const bounceStallMaxMs = histogram.max / 1e6;
    log(`queue-admin: bouncerecipients of ${bounced} recipients in ${bounceMs.toFixed(0)} ms, longest event-loop stall ${bounceStallMaxMs.toFixed(1)} ms`);
    client.close();
    return { recipients: queued, hosts: engine.api.knownDomains().length, firstPageMs, bounced, bounceStallMaxMs, bounceMs };
  } finally {
    await control.close();
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/queue-admin.ts [recipients]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100_000);
  runQueueAdminBench((line) => process.stderr.write(`${line}\n`), n).then(
    (f) => process.stdout.write(`${JSON.stringify(f)}\n`),
    (e: Error) => {
      process.stderr.write(`${e.stack}\n`);
      process.exit(1);
    },
  );
}
