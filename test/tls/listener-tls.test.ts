// The listener's TLS (the HAT policy's Off / Preferred / Required) against real clients: swaks
// with and without --tls into each, and openssl s_client -starttls smtp verifying the certificate
// certconfig made (its PEM as certconfig PRINT shows it) and its host name. Each cell's outcome
// and its mail log lines: `ICID n TLS success protocol P cipher C`, or, Required without TLS,
// `530 5.7.0 Must issue a STARTTLS command first` and `ICID n TLS was required but remote host
// did not initiate it`. swaks and openssl are installed by .ci/run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { listenerPort, readMailLog, startBackend, waitFor } from '../helpers/harness.js';
import { operator, type Operator } from '../config/config-fixtures.js';
import { program, tlsEngine } from './tls-fixtures.js';

const SWAKS = program('swaks');
const OPENSSL = program('openssl');
const skip = !SWAKS || !OPENSSL ? 'swaks and openssl are not installed (apt-get install swaks openssl; .ci/run does)' : false;

const LISTENERS = { off: 'IncomingMail', preferred: 'Preferring', required: 'Requiring' } as const;
type Policy = keyof typeof LISTENERS;

let backend: BackendServer;
let rig: Awaited<ReturnType<typeof tlsEngine>>;
let op: Operator;
let caFile = '';

function run(file: string, args: string[], input = ''): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(input);
  });
}

const swaks = (port: number, tls: boolean, to: string) =>
  run(SWAKS!, [
    '--server',
    '127.0.0.1',
    '--port',
    String(port),
    '--from',
    'alice@example.org',
    '--to',
    to,
    '--helo',
    'client.example.org',
    ...(tls ? ['--tls'] : []),
  ]);

before(async () => {
  if (skip) return;
  backend = await startBackend();
  rig = await tlsEngine({ backendPort: backend.port });
  op = operator(rig.engine);
  const steps = [
    'certconfig new Inbound cn=mail.example.com san=mail.example.com,127.0.0.1 key=ecdsa256',
    'listenerconfig edit IncomingMail certificate=Inbound',
    'listenerconfig new Preferring 127.0.0.1:0 accept=example.com tls=preferred certificate=Inbound',
    'listenerconfig new Requiring 127.0.0.1:0 accept=example.com tls=required certificate=Inbound',
    'commit "TLS on the listeners"',
  ];
  for (const line of steps) {
    const r = await op.run(line);
    assert.ok(r.ok, `${line}: ${r.error}\n${r.output}`);
  }
  const printed = (await op.run('certconfig print Inbound')).output;
  assert.doesNotMatch(printed, /PRIVATE KEY/, 'PRINT never shows the key');
  caFile = path.join(rig.engine.api.dataDir, 'inbound-ca.pem');
  await writeFile(caFile, /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(printed)![0] + '\n');
});

after(async () => {
  if (skip) return;
  await rig.cleanup();
  await backend.stop();
});

/** The mail log lines of the session that carried a message to `to` (by its ICID). */
async function sessionLines(to: string): Promise<string[]> {
  const log = (await readMailLog(rig.engine)).split('\n');
  const icids = log.flatMap((l) => (l.includes(`To: <${to}>`) ? [/ICID (\d+)/.exec(l)![1]] : []));
  return log.filter((l) => icids.some((i) => new RegExp(`ICID ${i}\\b`).test(l)));
}

const CELLS: { policy: Policy; tls: boolean; outcome: 'tls' | 'plain' | 'refused' | 'no starttls' }[] = [
  { policy: 'off', tls: false, outcome: 'plain' },
  { policy: 'off', tls: true, outcome: 'no starttls' },
  { policy: 'preferred', tls: false, outcome: 'plain' },
  { policy: 'preferred', tls: true, outcome: 'tls' },
  { policy: 'required', tls: false, outcome: 'refused' },
  { policy: 'required', tls: true, outcome: 'tls' },
];

for (const [i, cell] of CELLS.entries()) {
  test(`listener TLS ${cell.policy} x client ${cell.tls ? 'with' : 'without'} TLS: ${cell.outcome}`, { skip }, async () => {
    const port = listenerPort(rig.engine, LISTENERS[cell.policy]);
    const to = `cell${i}@example.com`;
    const r = await swaks(port, cell.tls, to);
    if (cell.outcome === 'no starttls') {
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, /STARTTLS/);
      assert.doesNotMatch(r.out, /Ok: Message \d+ accepted/);
      return;
    }
    if (cell.outcome === 'refused') {
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, /<\*\* 530 5\.7\.0 Must issue a STARTTLS command first/);
      await waitFor(async () => (await readMailLog(rig.engine)).includes('TLS was required but remote host did not initiate it'), 'the log line');
      assert.equal(backend.messages.filter((m) => m.to.includes(to)).length, 0);
      return;
    }
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, cell.tls ? /<~ {2}250 2\.0\.0 Ok: Message \d+ accepted/ : /<- {2}250 2\.0\.0 Ok: Message \d+ accepted/);
    await waitFor(() => backend.messages.some((m) => m.to.includes(to)), `${to} delivered`);
    const lines = await sessionLines(to);
    const success = lines.filter((l) => /ICID \d+ TLS success protocol TLSv1\.[23] cipher \S+$/.test(l));
    assert.equal(success.length, cell.outcome === 'tls' ? 1 : 0, lines.join('\n'));
    if (cell.outcome === 'tls') {
      // The TLS line comes before the message's own lines.
      assert.ok(lines.indexOf(success[0]) < lines.findIndex((l) => /Start MID/.test(l)), lines.join('\n'));
    }
  });
}

test('openssl s_client -starttls smtp verifies the certificate certconfig made, by its host name', { skip }, async () => {
  const port = listenerPort(rig.engine, LISTENERS.required);
  const r = await run(
    OPENSSL!,
    [
      's_client',
      '-starttls',
      'smtp',
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      caFile,
      '-verify_hostname',
      'mail.example.com',
      '-verify_return_error',
      '-brief',
    ],
    'QUIT\n',
  );
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Verification: OK/);
  assert.match(r.out, /Peer certificate: CN = mail\.example\.com/);
  assert.match(r.out, /Protocol version: TLSv1\.[23]/);

  const wrongName = await run(
    OPENSSL!,
    [
      's_client',
      '-starttls',
      'smtp',
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      caFile,
      '-verify_hostname',
      'other.example',
      '-verify_return_error',
      '-brief',
    ],
    'QUIT\n',
  );
  assert.notEqual(wrongName.code, 0, 'another name does not verify');
});

test('openssl s_client finds no STARTTLS on a listener whose TLS is off', { skip }, async () => {
  const port = listenerPort(rig.engine, LISTENERS.off);
  const r = await run(OPENSSL!, ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-brief'], 'QUIT\n');
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /STARTTLS/i);
});

test('a commit that turns TLS off stops offering STARTTLS at once; the listener keeps its socket', { skip }, async () => {
  const port = listenerPort(rig.engine, LISTENERS.preferred);
  assert.ok((await op.run('listenerconfig edit Preferring tls=off')).ok);
  assert.ok((await op.run('commit "no more TLS"')).ok);
  assert.equal(listenerPort(rig.engine, LISTENERS.preferred), port);
  const r = await swaks(port, true, 'after-off@example.com');
  assert.notEqual(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /Ok: Message/);
  assert.ok((await op.run('listenerconfig edit Preferring tls=preferred')).ok);
  assert.ok((await op.run('commit "TLS again"')).ok);
  assert.equal((await swaks(port, true, 'after-on@example.com')).code, 0);
});
