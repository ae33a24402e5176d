// TLS with a real MTA on both sides. Postfix as a sender with `smtp_tls_security_level = secure`
// (encrypt, and the certificate checked against its CA file) relays into a listener whose TLS is
// Required, presenting the certificate certconfig NEW made (the CA file is what certconfig PRINT
// shows). Postfix as the backend with `smtpd_tls_security_level = encrypt`, a server that
// refuses plain mail: delivery under Required - Verify trusts its certificate once certconfig
// CERTAUTHORITY has it (pasted in the dialog), presents certconfig's certificate as its client
// certificate, and delivers; delivery without TLS is refused by Postfix (`530 5.7.0`). Postfix is
// installed by .ci/run; the test needs root (a private Postfix instance's master runs as root).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../../bench/proc.js';
import { PostfixInstance, postfixUnavailable } from '../../bench/postfix-instance.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { listenerPort, readMailLog, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { operator, type Operator } from '../config/config-fixtures.js';
import { testCertificate, tlsEngine } from './tls-fixtures.js';

const unavailable = await postfixUnavailable();
const skip = unavailable ?? false;

let sink: BackendServer;
let rig: Awaited<ReturnType<typeof tlsEngine>>;
let op: Operator;
const postfixes: PostfixInstance[] = [];

async function must(line: string, ...answers: string[]): Promise<string> {
  const r = await op.run(line, ...answers);
  assert.ok(r.ok, `${line}: ${r.error}\n${r.output}`);
  return r.output;
}

before(async () => {
  if (skip) return;
  sink = await startBackend();
  rig = await tlsEngine({ backendPort: sink.port, accept: ['example.com'] });
  op = operator(rig.engine);
});

after(async () => {
  if (skip) return;
  for (const p of postfixes) await p.dispose();
  await rig.cleanup();
  await sink.stop();
});

test('Postfix (smtp_tls_security_level=secure) relays into a listener that requires TLS, with the certificate certconfig made', { skip }, async () => {
  await must('certconfig new Inbound cn=mail.example.com san=mail.example.com,127.0.0.1 key=rsa2048');
  await must('listenerconfig edit IncomingMail tls=required certificate=Inbound');
  await must('commit "inbound TLS"');
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(await must('certconfig print Inbound'))![0];

  const postfix = new PostfixInstance(
    await freePort(),
    listenerPort(rig.engine),
    [
      'smtp_tls_security_level = secure',
      'smtp_tls_CAfile = $DIR/appliance-ca.pem',
      'smtp_tls_secure_cert_match = nexthop, mail.example.com',
      'smtp_tls_loglevel = 1',
      // The appliance's banner names mail.example.com; the relayhost is an address.
      'smtp_tls_servername = mail.example.com',
    ],
    { 'appliance-ca.pem': `${pem}\n` },
  );
  postfixes.push(postfix);
  await postfix.start();
  const r = await sendMail(postfix.port, { to: 'viapostfix@example.com' });
  assert.ok(r.ok, r.response);
  await waitFor(() => sink.messages.some((m) => m.to.includes('viapostfix@example.com')), 'relayed through Postfix and the appliance', 30_000).catch(
    async (e: Error) => assert.fail(`${e.message}\n${await postfix.maillog()}\n${(await readMailLog(rig.engine)).slice(-2000)}`),
  );
  const maillog = await postfix.maillog();
  assert.match(maillog, /Verified TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:\d+: TLSv1\.[23]/, maillog.slice(-2000));
  const log = await readMailLog(rig.engine);
  assert.match(log, /ICID \d+ TLS success protocol TLSv1\.[23] cipher \S+/);
  assert.doesNotMatch(log, /TLS was required but remote host did not initiate it/);
  await must('listenerconfig edit IncomingMail tls=off');
  await must('commit "inbound TLS off again"');
});

test('Postfix as a backend that refuses plain mail (smtpd_tls_security_level=encrypt): Required - Verify delivers, No is refused', { skip }, async () => {
  const backendCert = await testCertificate(['backend.example.net', '127.0.0.1'], { key: 'rsa2048' });
  const postfix = new PostfixInstance(
    await freePort(),
    sink.port,
    [
      'smtpd_tls_security_level = encrypt',
      'smtpd_tls_cert_file = $DIR/backend.pem',
      'smtpd_tls_key_file = $DIR/backend.key',
      'smtpd_tls_ask_ccert = yes',
      'smtpd_tls_loglevel = 1',
    ],
    { 'backend.pem': backendCert.certificate, 'backend.key': backendCert.privateKey },
  );
  postfixes.push(postfix);
  await postfix.start();

  // The backend's authority, pasted in certconfig CERTAUTHORITY; delivery presents a certificate certconfig made.
  await must('certconfig', 'CERTAUTHORITY', 'PASTE', 'backendca', ...backendCert.certificate.trim().split('\n'), '.', '', '');
  await must('certconfig new Outbound cn=mail.example.com key=ecdsa256');
  await must('destconfig setup certificate=Outbound alert=no');
  await must(`smtproutes new example.com 127.0.0.1:${postfix.port}`);
  await must('destconfig new example.com tls=required_verify');
  await must('commit "deliver to Postfix over verified TLS"');

  assert.ok((await sendMail(listenerPort(rig.engine), { to: 'verified@example.com' })).ok);
  await waitFor(() => sink.messages.some((m) => m.to.includes('verified@example.com')), 'delivered through Postfix', 30_000);
  const log = await readMailLog(rig.engine);
  assert.match(log, /DCID \d+ TLS success protocol TLSv1\.[23] cipher \S+/);
  assert.doesNotMatch(log, /TLS certificate not verified/);
  const maillog = await postfix.maillog();
  assert.match(maillog, /TLS connection established from \S+\[127\.0\.0\.1\]: TLSv1\.[23] .*client-signature/, maillog.slice(-2000));

  // Without TLS the real MTA refuses the mail: the appliance never falls back to plain text on
  // its own, and an administrator's "No" meets Postfix's 530.
  await must('destconfig edit example.com tls=no');
  await must('commit "no TLS"');
  const r = await sendMail(listenerPort(rig.engine), { to: 'plain@example.com' });
  assert.ok(r.ok);
  const mid = Number(/Message (\d+) accepted/.exec(r.response)![1]);
  await waitFor(
    async () => new RegExp(`MID ${mid} .*530.*STARTTLS|Bounced: DCID \\d+ MID ${mid} .*530`).test(await readMailLog(rig.engine)),
    'refused by Postfix',
  ).catch(async (e: Error) => assert.fail(`${e.message}\n${(await postfix.maillog()).slice(-1500)}\n${(await readMailLog(rig.engine)).slice(-2500)}`));
  assert.ok(!sink.messages.some((m) => m.to.includes('plain@example.com')));
});
