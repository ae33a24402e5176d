// Delivery's TLS per destination against real TLS servers on loopback: every setting (No,
// Preferred, Required, Preferred - Verify, Required - Verify) against a backend that offers
// STARTTLS with a trusted certificate, one that does not offer it, and ones whose certificate is
// untrusted, for another name, or expired. Each cell's outcome: delivered in plain text,
// delivered encrypted (verified or not), or never sent — the mail stays queued, the host is held
// but not shown down (hoststatus and tophosts tell it from a down host), and it expires by its
// bounce profile with a DSN, never in the clear.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeliveryTls } from '../../src/model/config.js';
import { addAuthority } from '../../src/model/tables/certificates.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { listenerPort, readMailLog, sendMail, waitFor } from '../helpers/harness.js';
import { commitWith, engineCertificate, testCertificate, TlsBackend, tlsEngine, type TestCertificate } from './tls-fixtures.js';

const MODES: DeliveryTls[] = ['no', 'preferred', 'required', 'preferred_verify', 'required_verify'];
const KINDS = ['offer', 'plain', 'untrusted', 'wrongname', 'expired'] as const;
type Kind = (typeof KINDS)[number];

/** What a cell must come to: plain text, encrypted (with the certificate verified or not), or held. */
type Outcome = 'plain' | 'tls' | 'tls-unverified' | 'held';

const EXPECTED: Record<DeliveryTls, Record<Kind, Outcome>> = {
  no: { offer: 'plain', plain: 'plain', untrusted: 'plain', wrongname: 'plain', expired: 'plain' },
  preferred: { offer: 'tls', plain: 'plain', untrusted: 'tls', wrongname: 'tls', expired: 'tls' },
  required: { offer: 'tls', plain: 'held', untrusted: 'tls', wrongname: 'tls', expired: 'tls' },
  preferred_verify: { offer: 'tls', plain: 'plain', untrusted: 'tls-unverified', wrongname: 'tls-unverified', expired: 'tls-unverified' },
  required_verify: { offer: 'tls', plain: 'held', untrusted: 'held', wrongname: 'held', expired: 'held' },
};

const domainOf = (mode: DeliveryTls, kind: Kind) => `${mode.replace('_', '-')}.${kind}.test`;

let backends: Record<Kind, TlsBackend>;
let rig: Awaited<ReturnType<typeof tlsEngine>>;
const mids = new Map<string, number>();
let log = '';

before(async () => {
  const good = await testCertificate(['localhost', '127.0.0.1']);
  const untrusted = await testCertificate(['localhost', '127.0.0.1']);
  const wrongName = await testCertificate(['other.example']);
  const expired = await testCertificate(['localhost', '127.0.0.1'], { expired: true });
  const certs: Record<Kind, TestCertificate | undefined> = { offer: good, plain: undefined, untrusted, wrongname: wrongName, expired };
  backends = {} as Record<Kind, TlsBackend>;
  for (const kind of KINDS) {
    backends[kind] = new TlsBackend(certs[kind]);
    await backends[kind].start();
  }
  rig = await tlsEngine({ backendPort: backends.offer.port, accept: ['.test'] });
  const { engine } = rig;
  // Delivery presents a certificate made as certconfig makes it; the backends' own certificates
  // (all but the untrusted one) are trusted as certconfig CERTAUTHORITY adds them.
  await engineCertificate(engine, 'Outbound', 'mail.example.com', ['mail.example.com']);
  await commitWith(engine, (c) => {
    addAuthority('backend', good.certificate).apply(c);
    addAuthority('other', wrongName.certificate).apply(c);
    addAuthority('old', expired.certificate).apply(c);
    c.deliveryCertificate = 'Outbound';
    for (const kind of KINDS) c.routes.push({ domain: `.${kind}.test`, hosts: [{ host: '127.0.0.1', port: backends[kind].port }] });
    for (const mode of MODES) for (const kind of KINDS) c.destinations.push({ domain: domainOf(mode, kind), tls: mode });
  });
  for (const mode of MODES) {
    for (const kind of KINDS) {
      const r = await sendMail(listenerPort(engine), { to: `user@${domainOf(mode, kind)}` });
      assert.ok(r.ok, r.response);
      mids.set(domainOf(mode, kind), Number(/Message (\d+) accepted/.exec(r.response)![1]));
    }
  }
  const delivered = MODES.flatMap((m) => KINDS.filter((k) => EXPECTED[m][k] !== 'held')).length;
  const held = MODES.length * KINDS.length - delivered;
  const received = () => KINDS.reduce((n, k) => n + backends[k].received.length, 0);
  await waitFor(async () => {
    log = await readMailLog(engine);
    return received() === delivered && (log.match(/DCID \d+ TLS was required but could not be successfully negotiated/g) ?? []).length >= held;
  }, 'every cell delivered or held');
});

after(async () => {
  await rig.cleanup();
  for (const b of Object.values(backends)) await b.stop();
});

for (const mode of MODES) {
  for (const kind of KINDS) {
    const expected = EXPECTED[mode][kind];
    test(`destination TLS ${mode} x backend ${kind}: ${expected}`, async () => {
      const domain = domainOf(mode, kind);
      const mid = mids.get(domain)!;
      const got = backends[kind].received.filter((m) => m.to.includes(`user@${domain}`));
      const story = log.split('\n').filter((l) => new RegExp(`MID ${mid}\\b`).test(l));
      const dcids = [...new Set(story.flatMap((l) => /DCID (\d+)/.exec(l)?.[1] ?? []))];
      const dcidLines = log.split('\n').filter((l) => dcids.some((d) => new RegExp(`DCID ${d}\\b`).test(l)));
      if (expected === 'held') {
        assert.equal(got.length, 0, 'nothing reached the backend');
        assert.ok(await rig.engine.api.message(mid), 'the message stays queued');
        assert.ok(
          dcidLines.some((l) => /TLS was required but could not be successfully negotiated/.test(l)),
          `MID ${mid}: ${story.join('\n')}\n${log.slice(-4000)}`,
        );
        assert.ok(
          story.some((l) => /Delayed: .* - 4\.7\.5 - /.test(l)),
          story.join('\n'),
        );
        return;
      }
      assert.equal(got.length, 1, `delivered once (${story.join(' | ')})`);
      assert.equal(got[0].secure, expected !== 'plain', 'encrypted as the setting says');
      const success = dcidLines.some((l) => /TLS success protocol TLSv1\.[23] cipher \S+/.test(l));
      assert.equal(success, expected !== 'plain', dcidLines.join('\n'));
      assert.equal(
        dcidLines.some((l) => /TLS certificate not verified: /.test(l)),
        expected === 'tls-unverified',
        dcidLines.join('\n'),
      );
    });
  }
}

test('a host held for TLS is not a down host: hoststatus and tophosts tell them apart', async () => {
  const { engine } = rig;
  const held = engine.api.hostStatus(domainOf('required', 'plain'))!;
  assert.equal(held.down, false);
  assert.match(held.tlsFailure ?? '', /^TLS was required but could not be successfully negotiated/);
  assert.ok(held.nextHostRetry !== undefined);
  assert.equal(engine.api.hostRows().find((r) => r.domain === domainOf('required', 'plain'))!.down, false);

  // A destination whose host refuses connections is down, as before.
  await commitWith(engine, (c) => c.routes.push({ domain: 'down.test', hosts: [{ host: '127.0.0.1', port: 1 }] }));
  assert.ok((await sendMail(listenerPort(engine), { to: 'user@down.test' })).ok);
  await waitFor(() => engine.api.hostRows().find((r) => r.domain === 'down.test')?.down === true, 'down.test marked down');
  assert.equal(engine.api.hostStatus('down.test')!.tlsFailure, undefined);
});

test('delivery presents the certificate destconfig SETUP chose when the server asks', () => {
  assert.ok(backends.offer.clientCertificates.includes('mail.example.com'), backends.offer.clientCertificates.join(', '));
});

test('mail held for required TLS expires by its bounce profile with a DSN, never sent in the clear', async () => {
  const { engine } = rig;
  const mid = mids.get(domainOf('required_verify', 'plain'))!;
  const before = backends.plain.received.length;
  engineParts(engine).clock.advance(73 * 3600_000);
  engine.api.deliverNow(domainOf('required_verify', 'plain'));
  await waitFor(async () => !(await engine.api.message(mid)), 'the message left the queue');
  const text = await readMailLog(engine);
  assert.match(text, new RegExp(`Bounced: DCID 0 MID ${mid} to RID \\[0\\] - 5\\.4\\.7 - Delivery expired`));
  assert.match(text, new RegExp(`MID \\d+ was generated for bounce of MID ${mid}\\b`));
  assert.equal(backends.plain.received.length, before, 'the plain backend never got it');
});

test('a plain connection left open is not reused for mail a commit now requires TLS for', async () => {
  const backend = new TlsBackend(await testCertificate(['localhost', '127.0.0.1']));
  await backend.start();
  // The connection lingers long after each message: only the TLS setting can retire it.
  const own = await tlsEngine({ backendPort: backend.port, connectionLingerMs: 60_000 });
  try {
    const { engine } = own;
    assert.ok((await sendMail(listenerPort(engine), { to: 'first@example.com' })).ok);
    await waitFor(() => backend.received.length === 1, 'the first message');
    assert.equal(backend.received[0].secure, false);
    await commitWith(engine, (c) => c.destinations.push({ domain: 'example.com', tls: 'required' }));
    assert.ok((await sendMail(listenerPort(engine), { to: 'second@example.com' })).ok);
    await waitFor(() => backend.received.length === 2, 'the second message');
    assert.equal(backend.received[1].secure, true, 'sent over a new, encrypted connection');
  } finally {
    await own.cleanup();
    await backend.stop();
  }
});
