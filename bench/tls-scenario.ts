// `esa bench --tls`: relay with TLS both ways, the engine against Postfix in one run. Clients
// STARTTLS into the server (the load generator requires it), the server STARTTLSes to a sink that
// offers it (tls-sink.ts: Postfix's smtp-sink has no TLS) and delivers only so (Required /
// `smtp_tls_security_level = encrypt`; neither checks the sink's self-signed certificate). The
// servers' inbound policy is Preferred / `may`, so the same servers also take the plain-text
// baseline of the per-connection run: the difference is what a TLS handshake costs per connection.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSelfSigned } from '../src/platform/self-signed.js';
import { EngineProcess } from './engine-process.js';
import type { MailServer } from './mta.js';
import { PostfixInstance } from './postfix-instance.js';
import { freePort } from './proc.js';
import { relayRun, warmUp, type RelayRun, type ScenarioEnv } from './scenarios.js';
import { Sink } from './sink.js';
import { spread } from './stats.js';
import type { Figure } from './table.js';

export interface TlsRuns {
  /** Reused connections, every session with STARTTLS. */
  relay: RelayRun[];
  /** One connection per message, with STARTTLS. */
  perConnection: RelayRun[];
  /** One connection per message, plain text in (delivery still by TLS): the baseline. */
  perConnectionPlain: RelayRun[];
  /** One session opening connection after connection, TLS and plain: setup with nothing else running. */
  alone: { tls: RelayRun; plain: RelayRun }[];
}

export interface TlsBenchContext {
  messages: number;
  size: number;
  sessions: number;
  connSessions: number;
  runs: number;
  warmup: number;
  withPostfix: boolean;
  log: (line: string) => void;
  /** Registers what must be stopped however the run ends. */
  track<T extends { dispose(): Promise<void> }>(item: T): T;
}

export interface TlsBenchResult {
  esa: TlsRuns;
  postfix?: TlsRuns;
  figures: Figure[];
  notes: string[];
}

const DAY = 86_400_000;
/** Connections one session opens one after another for the handshake alone. */
const ALONE = 100;

export async function tlsBench(c: TlsBenchContext): Promise<TlsBenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'esa-bench-tls-'));
  c.track({ dispose: () => rm(dir, { recursive: true, force: true }) });
  // One certificate for the sink and Postfix's smtpd (the engine's listener uses its demo one).
  const made = await makeSelfSigned({
    commonName: 'localhost',
    altNames: ['localhost', '127.0.0.1'],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + DAY),
    key: 'rsa2048',
  });
  const certFile = path.join(dir, 'sink.pem');
  const keyFile = path.join(dir, 'sink.key');
  await writeFile(certFile, made.certificate);
  await writeFile(keyFile, made.privateKey, { mode: 0o600 });
  const sinkPort = await freePort();
  const sink = new Sink('tls-sink', sinkPort, { certFile, keyFile });
  c.track({ dispose: () => sink.stop() });
  await sink.start();

  const engine = c.track(new EngineProcess({ port: await freePort(), routePort: sinkPort, timeScale: 1, flush: 'auto' }));
  const servers: MailServer[] = [engine];
  if (c.withPostfix) {
    servers.push(
      c.track(
        new PostfixInstance(
          await freePort(),
          sinkPort,
          [
            'smtpd_tls_security_level = may',
            'smtpd_tls_cert_file = $DIR/server.pem',
            'smtpd_tls_key_file = $DIR/server.key',
            'smtp_tls_security_level = encrypt',
            // Reuses TLS connections to the relayhost (through tlsproxy), as the engine does.
            'smtp_tls_connection_reuse = yes',
          ],
          { 'server.pem': made.certificate, 'server.key': made.privateKey },
        ),
      ),
    );
  }
  for (const s of servers) await s.start();
  const set = await engine.shell('listenerconfig edit IncomingMail tls=preferred; destconfig default tls=required; commit "bench: TLS both ways"');
  if (set.code !== 0) throw new Error(`turning TLS on failed (status ${set.code}): ${(set.stderr || set.stdout).trim().split('\n').pop()}`);

  const envFor = (server: MailServer): ScenarioEnv => ({ server, sink, size: c.size, tag: `tls-${server.name}-${process.pid}`, log: c.log });
  for (const s of servers) await warmUp(envFor(s), c.warmup);
  const runs = new Map<MailServer, TlsRuns>(servers.map((s) => [s, { relay: [], perConnection: [], perConnectionPlain: [], alone: [] }]));
  for (let run = 1; run <= c.runs; run++) {
    for (const s of servers) {
      const into = runs.get(s)!;
      const r = await relayRun(envFor(s), c.messages, c.sessions, 'reuse', { tls: true });
      into.relay.push(r);
      c.log(
        `T  relay TLS both ways ${s.name} run ${run}: ${Math.round(r.rate)} msg/s, 250 p50 ${r.p50Ms.toFixed(2)} ms, ${r.cpuMsPerMessage.toFixed(2)} CPU ms/msg`,
      );
      const t = await relayRun(envFor(s), c.messages, c.connSessions, 'per-message', { tls: true });
      into.perConnection.push(t);
      const p = await relayRun(envFor(s), c.messages, c.connSessions, 'per-message', { tls: false });
      into.perConnectionPlain.push(p);
      const alone = {
        tls: await relayRun(envFor(s), ALONE, 1, 'per-message', { tls: true }),
        plain: await relayRun(envFor(s), ALONE, 1, 'per-message', { tls: false }),
      };
      into.alone.push(alone);
      c.log(`Th handshake alone ${s.name} run ${run}: setup p50 TLS ${alone.tls.setupP50Ms?.toFixed(2)} ms, plain ${alone.plain.setupP50Ms?.toFixed(2)} ms`);
      c.log(
        `Tb 1 conn/msg ${s.name} run ${run}: TLS ${Math.round(t.rate)} msg/s, setup p50 ${t.setupP50Ms?.toFixed(2)} ms, ${t.cpuMsPerMessage.toFixed(2)} CPU ms/msg; ` +
          `plain ${Math.round(p.rate)} msg/s, setup p50 ${p.setupP50Ms?.toFixed(2)} ms, ${p.cpuMsPerMessage.toFixed(2)} CPU ms/msg`,
      );
    }
  }
  const esa = runs.get(engine)!;
  const postfix = c.withPostfix ? runs.get(servers[1]) : undefined;
  return {
    esa,
    postfix,
    figures: tlsFigures(c, esa, postfix),
    notes: [
      `TLS: clients STARTTLS into each server (TLSv1.3), each server delivers to the sink by STARTTLS only (the engine: destconfig default tls=required; Postfix: smtp_tls_security_level = encrypt, smtp_tls_connection_reuse = yes); the sink is tls-sink (smtp-server, RSA 2048); inbound policy Preferred / may, so the plain-text baseline runs on the same servers`,
      `TLS handshake cost per connection: setup = connect, greeting, EHLO, STARTTLS, handshake and EHLO again, at the client (under the 1-connection-per-message load, and alone: one session opening ${ALONE} connections in turn); CPU = the server CPU per message with one connection per message, TLS minus plain text (the inbound handshake; outbound connections are reused)`,
    ],
  };
}

function tlsFigures(c: TlsBenchContext, e: TlsRuns, p: TlsRuns | undefined): Figure[] {
  const fig = (id: string, label: string, unit: Figure['unit'], f: (r: TlsRuns, i: number) => number, vs?: Figure['target']): Figure => ({
    id,
    label,
    unit,
    esa: spread(e.relay.map((_, i) => f(e, i))),
    postfix: p ? spread(p.relay.map((_, i) => f(p, i))) : undefined,
    target: p ? vs : undefined,
  });
  const n = c.messages.toLocaleString('en-US');
  return [
    fig('tls.relay.rate', `T  relay TLS both ways ${n}, ${c.sessions} sessions reusing connections`, 'msg/s', (r, i) => r.relay[i].rate, {
      kind: 'ratio',
      op: '>=',
      value: 2,
    }),
    fig('tls.relay.p50', '   final 250 latency p50', 'ms', (r, i) => r.relay[i].p50Ms),
    fig('tls.relay.cpu', '   server CPU per message', 'ms', (r, i) => r.relay[i].cpuMsPerMessage),
    fig('tls.conn.rate', `Tb relay TLS both ways, 1 connection per message, ${c.connSessions} sessions`, 'msg/s', (r, i) => r.perConnection[i].rate),
    fig('tls.conn.plain.rate', '   the same, plain text in', 'msg/s', (r, i) => r.perConnectionPlain[i].rate),
    fig(
      'tls.handshake.setup',
      '   connection setup p50 under that load, TLS minus plain (client)',
      'ms',
      (r, i) => (r.perConnection[i].setupP50Ms ?? NaN) - (r.perConnectionPlain[i].setupP50Ms ?? NaN),
    ),
    fig(
      'tls.handshake.cpu',
      '   server CPU per connection, TLS minus plain',
      'ms',
      (r, i) => r.perConnection[i].cpuMsPerMessage - r.perConnectionPlain[i].cpuMsPerMessage,
    ),
    fig('tls.alone.tls', `Th connection setup p50, one session, ${ALONE} connections in turn: TLS`, 'ms', (r, i) => r.alone[i].tls.setupP50Ms ?? NaN),
    fig('tls.alone.plain', '   the same, plain text', 'ms', (r, i) => r.alone[i].plain.setupP50Ms ?? NaN),
    fig(
      'tls.alone.handshake',
      '   the handshake alone (TLS minus plain)',
      'ms',
      (r, i) => (r.alone[i].tls.setupP50Ms ?? NaN) - (r.alone[i].plain.setupP50Ms ?? NaN),
    ),
  ];
}
