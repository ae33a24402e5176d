// certconfig and the TLS settings of listenerconfig and destconfig, through an operator's CLI
// session on an in-process engine: the demo certificate of the first start, PASTE (a key that
// does not match is refused and nothing is recorded), NEW, PRINT without the key, DELETE refused
// while in use, keys in 0600 files that config.json and the rollback points only name (and that
// an uncommitted paste leaves to the next start to remove), the dialogs' questions in the
// reference's wording, and the refusals of bad batch values (DANE with its reason).
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { Engine } from '../../src/engine/engine.js';
import { removeDir, startEngine, tempDir } from '../helpers/harness.js';
import { operator } from '../config/config-fixtures.js';
import { testCertificate } from './tls-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(dataDir?: string): Promise<Engine> {
  const engine = await startEngine({ dataDir });
  cleanups.push(async () => {
    await engine.stop();
    if (!dataDir) await removeDir(engine.api.dataDir);
  });
  return engine;
}

const pemLines = (pem: string) => pem.trim().split('\n');
const keyFiles = async (dataDir: string) => (await readdir(path.join(dataDir, 'keys')).catch(() => [])).sort();

test('a new data dir has the demo certificate, its key in a 0600 file that config.json only names', async () => {
  const engine = await rig();
  const op = operator(engine);
  const list = await op.run('certconfig list');
  assert.match(list.output, /^Demo +mail\.example\.com +mail\.example\.com +Valid +36\d\d days$/m);
  const dir = engine.api.dataDir;
  const [keyFile] = await keyFiles(dir);
  assert.match(keyFile, /^[0-9a-f]{64}\.key$/);
  assert.equal((await stat(path.join(dir, 'keys'))).mode & 0o777, 0o700);
  assert.equal((await stat(path.join(dir, 'keys', keyFile))).mode & 0o777, 0o600);
  const stored = await readFile(path.join(dir, 'config.json'), 'utf8');
  assert.doesNotMatch(stored, /PRIVATE KEY/);
  assert.match(stored, new RegExp(keyFile));
});

test("PASTE: certificate, intermediate and key; a key that is not the certificate's is refused and nothing is recorded", async () => {
  const engine = await rig();
  const op = operator(engine);
  const cert = await testCertificate(['mail.example.com']);
  const other = await testCertificate(['mail.example.com']);
  const ca = await testCertificate(['Some CA']);
  // Wrong key first (asked again from the certificate), then the right one.
  const r = await op.run(
    'certconfig paste Pasted',
    ...pemLines(cert.certificate),
    '.',
    'N',
    ...pemLines(other.privateKey),
    '.',
    ...pemLines(cert.certificate),
    '.',
    'N',
    ...pemLines(cert.privateKey),
    '.',
  );
  assert.ok(r.ok, r.error);
  assert.match(r.output, /The private key does not match the certificate\. Nothing was recorded: paste them again\./);
  assert.match(r.output, /Certificate Pasted added/);
  // An intermediate that did not issue the certificate is refused too.
  const chain = await op.run(
    'certconfig paste Chained',
    ...pemLines(cert.certificate),
    '.',
    'Y',
    ...pemLines(ca.certificate),
    '.',
    'N',
    ...pemLines(cert.privateKey),
    '.',
  );
  assert.match(chain.output, /Intermediate certificate 1 \(Some CA\) did not issue mail\.example\.com\./);
  assert.ok((await op.run('commit "pasted"')).ok);
  assert.ok(engine.api.config().certificates!.some((c) => c.name === 'Pasted'));
  const stored = await readFile(path.join(engine.api.dataDir, 'config.json'), 'utf8');
  assert.doesNotMatch(stored, /PRIVATE KEY/);
  const printed = await op.run('certconfig print Pasted');
  assert.match(printed.output, /Private Key: +stored on the appliance \(never shown\)/);
  assert.doesNotMatch(printed.output, /PRIVATE KEY/);
  assert.ok(printed.output.includes(cert.certificate.trim()));
});

test('NEW makes a self-signed certificate; DELETE is refused while a listener uses it; a bad name is refused', async () => {
  const engine = await rig();
  const op = operator(engine);
  const r = await op.run('certconfig new Mine cn=smtp.example.com san=smtp.example.com,127.0.0.1 days=30 key=ecdsa256');
  assert.ok(r.ok, r.error);
  assert.ok((await op.run('listenerconfig edit IncomingMail certificate=Mine tls=preferred')).ok);
  const del = await op.run('certconfig delete Mine');
  assert.equal(del.ok, false);
  assert.match(del.error ?? '', /The certificate Mine is in use by listener IncomingMail: choose another one there first\./);
  assert.match((await op.run('certconfig new 1bad')).error ?? '', /A certificate name must start with a letter/);
  assert.match(
    (await op.run('listenerconfig edit IncomingMail certificate=Nope')).error ?? '',
    /Invalid "certificate" value: There is no certificate named "Nope"/,
  );
  assert.match(
    (await op.run('listenerconfig edit IncomingMail tls=maybe')).error ?? '',
    /Invalid "tls" value: Unknown option\. Use off, preferred or required\./,
  );
  const printed = (await op.run('certconfig print Mine')).output;
  assert.match(printed, /Domains: +smtp\.example\.com, 127\.0\.0\.1/);
  assert.match(printed, /Used By: +listener IncomingMail/);
});

test('destconfig: tls= on new, edit and default; DANE is refused with its reason; SETUP names a certificate', async () => {
  const engine = await rig();
  const op = operator(engine);
  assert.ok((await op.run('destconfig new example.com tls=required_verify')).ok);
  assert.match(
    (await op.run('destconfig edit example.com tls=sometimes')).error ?? '',
    /tls: Unknown option\. Use no, preferred, required, preferred_verify or required_verify\./,
  );
  assert.match((await op.run('destconfig default dane=mandatory')).error ?? '', /dane: DANE is not available here: it needs DNSSEC-signed TLSA records/);
  assert.ok((await op.run('destconfig default tls=preferred')).ok);
  assert.match((await op.run('destconfig setup certificate=Nope')).error ?? '', /There is no certificate named "Nope"/);
  assert.ok((await op.run('destconfig setup certificate=Demo alert=yes')).ok);
  const detail = (await op.run('destconfig detail all')).output;
  assert.match(detail, /TLS: +Required - Verify/);
  assert.ok((await op.run('commit "TLS out"')).ok);
  const c = engine.api.config();
  assert.equal(c.destinations.find((d) => d.domain === 'example.com')?.tls, 'required_verify');
  assert.equal(c.destinations.find((d) => d.domain === 'DEFAULT')?.tls, 'preferred');
  assert.equal(c.tlsRequiredAlert, true);
});

test("the dialogs ask TLS in the reference's words", async () => {
  const engine = await rig();
  const op = operator(engine);
  // HOSTACCESS > DEFAULT: the seven answers before the policy block keep their defaults, the five policy
  // questions (rate limit, DHAP, sender rate limit, SenderBase, host grouping) are No; Required, then yes to the demo warning.
  const hat = await op.run(
    'listenerconfig',
    'EDIT',
    '1',
    'HOSTACCESS',
    'DEFAULT',
    '',
    '',
    '',
    '',
    'N',
    'N',
    'N',
    'N',
    'N',
    'N',
    'N',
    'N',
    '3',
    'Y',
    '',
    '',
    '',
  );
  assert.ok(hat.ok, hat.output);
  assert.ok(op.asked.some((q) => q.startsWith('Do you want to allow encrypted TLS connections?\n1. No\n2. Preferred\n3. Required')));
  assert.ok(op.asked.some((q) => q.includes('You may use the demo certificate to test TLS,but this will not be secure. Do you really wish to us')));
  const changes = (await op.run('showchanges')).output;
  assert.ok(changes.includes("'listeners.IncomingMail.tls': 'required'"), changes);

  op.asked.length = 0;
  // destconfig NEW: the concurrency and messages questions answered No, a TLS setting, DANE refused then No, the demo warning, no bounce profile.
  const dest = await op.run('destconfig', 'NEW', 'example.net', 'N', 'N', 'Y', '3', 'Y', '2', '1', 'Y', 'N', '');
  assert.ok(dest.ok, dest.output);
  assert.match(dest.output, /DANE is not available here/);
  for (const words of [
    'to apply a specific TLS setting',
    'use TLS support',
    'wish to configure DANE Support',
    'choose a DANE option',
    'have not entered a certificate',
  ]) {
    assert.ok(
      op.asked.some((q) => q.includes(words)),
      `asked "${words}"`,
    );
  }
  assert.ok((await op.run('commit "dialogs"')).ok);
  assert.equal(engine.api.config().listeners[0].tls, 'required');
  assert.equal(engine.api.config().destinations.find((d) => d.domain === 'example.net')?.tls, 'required');
});

test('a key stored by a paste that was never committed is removed at the next start; committed ones stay', async () => {
  const dataDir = await tempDir();
  cleanups.push(() => removeDir(dataDir));
  const engine = await startEngine({ dataDir });
  const op = operator(engine);
  const kept = await testCertificate(['kept.example.com']);
  const dropped = await testCertificate(['dropped.example.com']);
  assert.ok((await op.run('certconfig paste Kept', ...pemLines(kept.certificate), '.', 'N', ...pemLines(kept.privateKey), '.')).ok);
  assert.ok((await op.run('commit "kept"')).ok);
  assert.ok((await op.run('certconfig paste Dropped', ...pemLines(dropped.certificate), '.', 'N', ...pemLines(dropped.privateKey), '.')).ok);
  assert.equal((await keyFiles(dataDir)).length, 3, 'the demo key, the committed one and the pending one');
  await engine.stop();
  const again = await startEngine({ dataDir });
  cleanups.push(() => again.stop());
  assert.equal((await keyFiles(dataDir)).length, 2);
  assert.deepEqual(
    again.api.config().certificates!.map((c) => c.name),
    ['Demo', 'Kept'],
  );
});
