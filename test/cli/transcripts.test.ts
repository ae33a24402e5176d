// Golden transcripts: each test/transcripts/NAME.in is piped into `esa shell` (a real child
// process, batch mode) against a fresh real engine, and the transcript, stderr and exit
// status must equal NAME.out (dates, ids and versions masked).
// Regenerate with UPDATE_TRANSCRIPTS=1 node --import tsx --test test/cli/transcripts.test.ts
// and review the diff by hand.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { engineParts } from '../../src/engine/test-seam.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { ensureFirstAdmin } from '../../src/users/first-admin.js';
import { configCopy, listenerPort, ROOT, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { shellProcess, startCliEngine } from './cli-harness.js';

const DIR = path.join(ROOT, 'test/transcripts');
const UPDATE = process.env.UPDATE_TRANSCRIPTS === '1';

/** Mail delivered to example.com; example.net routed to a closed port, so it is down. */
async function traffic(engine: Engine, backend: BackendServer): Promise<void> {
  const next = configCopy(engine);
  next.routes = [{ domain: 'example.net', hosts: [{ host: '127.0.0.1', port: 1 }] }, ...next.routes];
  await engine.api.applyConfig(next);
  const port = listenerPort(engine);
  for (let i = 0; i < 3; i++) await sendMail(port, { to: `user${i}@example.com`, text: 'x'.repeat(1500) });
  await sendMail(port, { to: ['a@example.net', 'b@example.net'], text: 'y'.repeat(1500) });
  await sendMail(port, { to: 'c@example.net', text: 'z'.repeat(1500) });
  await waitFor(() => backend.messages.length === 3, 'delivery to example.com');
  await waitFor(() => engine.api.hostStatus('example.net')?.down === true, 'example.net down');
  await waitFor(() => engine.api.outboundConnections('all') === 0, 'connections to close');
  // A few seconds of (frozen) simulated time pass, so uptime and ages are not all zero.
  engineParts(engine).clock.advance(5_000);
}

/** A profile used by the listener, which may not be deleted. */
async function profileInUse(engine: Engine): Promise<void> {
  const next = configCopy(engine);
  next.bounceProfiles.Strict = { max_retries: 3 };
  next.listeners[0].bounceProfile = 'Strict';
  await engine.api.applyConfig(next);
}

/** One message delivered to example.com, and nothing left to do: the log's last lines are known. */
async function oneDelivered(engine: Engine, backend: BackendServer): Promise<void> {
  await sendMail(listenerPort(engine), { to: 'user0@example.com' });
  await waitFor(() => backend.messages.length === 1, 'delivery to example.com');
  await engine.idle();
}

/** example.net down with three messages queued for it, of fixed content (showmessage prints their headers). */
async function queueAdmin(engine: Engine): Promise<void> {
  const next = configCopy(engine);
  next.routes = [{ domain: 'example.net', hosts: [{ host: '127.0.0.1', port: 1 }] }, ...next.routes];
  await engine.api.applyConfig(next);
  const port = listenerPort(engine);
  const raw = (from: string, to: string[], n: number) =>
    `From: ${from}\r\nTo: ${to.join(', ')}\r\nSubject: queued ${n}\r\nMessage-ID: <queued-${n}@example.org>\r\nDate: Sat, 28 Nov 2026 11:59:00 +0000\r\n\r\nhello ${n}\r\n`;
  const mails: [string, string[]][] = [
    ['alice@example.org', ['a@example.net', 'b@example.net']],
    ['bob@example.org', ['c@example.net']],
    ['alice@example.org', ['d@example.net']],
  ];
  for (const [i, [from, to]] of mails.entries()) await sendMail(port, { from, to, raw: raw(from, to, i + 1) });
  await engine.idle();
}

/** The admin has a passphrase (userconfig asks for it before each change). */
async function adminPassphrase(engine: Engine): Promise<void> {
  await ensureFirstAdmin(engine.api, 'Adm1n#Secret');
}

const SETUP: Record<string, (engine: Engine, backend: BackendServer) => Promise<void>> = {
  'queue-admin': queueAdmin,
  tophosts: traffic,
  status: traffic,
  hoststatus: traffic,
  rate: traffic,
  logs: oneDelivered,
  rollovernow: oneDelivered,
  'bounceconfig-delete': profileInUse,
  resetqueue: queueAdmin,
  archivemessage: queueAdmin,
  findevent: queueAdmin,
  userconfig: adminPassphrase,
};

function mask(text: string): string {
  return (
    text
      .replace(/\b(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d \d{4}\b/g, '<date>')
      .replace(/^(\s+(?:Message ID \(MID\)|Injection Conn\. ID \(ICID\)|Delivery Conn\. ID \(DCID\))\s+)[\d,]+$/gm, (_m, label: string) => `${label}<id>`)
      .replace(/^(Version:\s+)\S+$/m, '$1<version>')
      // Measured from the machine (status's System gauges) and ports chosen by the OS.
      .replace(/^(\s+(?:RAM Utilization|Overall CPU load average|Disk I\/O Utilization|Logging Disk Usage|Logging Disk Available))\s+\S+$/gm, '$1 <measured>')
      .replace(/(Route "[^"]*": |Ordered IP addresses: )127\.0\.0\.1:\d{2,5}\b/g, '$1127.0.0.1:<port>')
      // telnet offers the backend's port (chosen by the OS) as the default.
      .replace(/(Enter the remote port\.\n\[)\d{4,5}(\]> )/g, '$1<port>$2')
      // A delivery connection's line in the mail log names the backend's port (chosen by the OS).
      .replace(/(New SMTP DCID \d+ interface [\d.]+ address [\d.]+ port )\d{4,5}\b/g, '$1<port>')
      // A listener bound to port 0 shows the port the system chose (ephemeral: five digits).
      .replace(/(TCP Port )\d{5}\b/g, '$1<port>')
      .replace(/^(Node\.js:\s+)\S+$/m, '$1<node>')
      // version: the machine's figures, and a serial number made from the (temporary) data dir.
      .replace(/^((?:Serial #|CPUs|Memory|Hard Disk):\s+).+$/gm, '$1<machine>')
  );
}

for (const file of readdirSync(DIR)
  .filter((f) => f.endsWith('.in'))
  .sort()) {
  const name = file.slice(0, -3);
  test(`transcript ${name}`, async () => {
    const backend = await startBackend();
    const cli = await startCliEngine({ backendPort: backend.port, accept: ['example.com', 'example.net'] });
    try {
      await SETUP[name]?.(cli.engine, backend);
      const input = readFileSync(path.join(DIR, file), 'utf8');
      const r = await shellProcess(['--socket', cli.socket], input);
      const actual = `${mask(r.stdout)}=== stderr ===\n${mask(r.stderr)}=== exit status ${r.code} ===\n`;
      const outFile = path.join(DIR, `${name}.out`);
      if (process.env.TRANSCRIPTS_TO) writeFileSync(path.join(process.env.TRANSCRIPTS_TO, `${name}.out`), actual);
      if (UPDATE) writeFileSync(outFile, actual);
      assert.equal(actual, readFileSync(outFile, 'utf8'));
    } finally {
      await cli.stop();
      await backend.stop();
    }
  });
}
