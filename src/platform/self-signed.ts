// Self-signed certificates (the demo certificate of the first start, certconfig NEW): node:crypto
// makes the key pair but cannot write an X.509 certificate, so @peculiar/x509 signs it. This is
// the only file that imports it; its shape is checked before the first use.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { LibraryShapeError } from './library-shape.js';

/** The range package.json pins @peculiar/x509 to. */
export const X509_PIN = '~2.2.0';

export type KeyKind = 'rsa2048' | 'rsa4096' | 'ecdsa256';

export interface SelfSignedRequest {
  /** Subject fields: CN, and O, OU, L, ST, C when given. */
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  country?: string;
  /** Host names and IP addresses the certificate is for (subjectAltName); the common name when empty. */
  altNames?: string[];
  notBefore: Date;
  notAfter: Date;
  key: KeyKind;
}

export interface MadeCertificate {
  certificate: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

let checked = false;

function checkShape(): void {
  if (checked) return;
  const lib = x509 as unknown as Record<string, unknown>;
  for (const name of ['X509CertificateGenerator', 'SubjectAlternativeNameExtension', 'BasicConstraintsExtension', 'KeyUsagesExtension', 'cryptoProvider']) {
    if (lib[name] === undefined) throw new LibraryShapeError('@peculiar/x509', name, X509_PIN);
  }
  if (typeof (x509.X509CertificateGenerator as unknown as { createSelfSigned?: unknown }).createSelfSigned !== 'function') {
    throw new LibraryShapeError('@peculiar/x509', 'X509CertificateGenerator.createSelfSigned()', X509_PIN);
  }
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  checked = true;
}

const ALGORITHMS: Record<KeyKind, RsaHashedKeyGenParams | EcKeyGenParams> = {
  rsa2048: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
  rsa4096: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 4096 },
  ecdsa256: { name: 'ECDSA', namedCurve: 'P-256' },
};

/** `CN=x, O=y`: a distinguished name with its values escaped. */
function distinguishedName(r: SelfSignedRequest): string {
  const escape = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  const parts: [string, string | undefined][] = [
    ['CN', r.commonName],
    ['O', r.organization],
    ['OU', r.organizationalUnit],
    ['L', r.locality],
    ['ST', r.state],
    ['C', r.country],
  ];
  return parts
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${escape(v!)}`)
    .join(', ');
}

/** A new key pair and a certificate for it, signed by itself (SHA-256). */
export async function makeSelfSigned(r: SelfSignedRequest): Promise<MadeCertificate> {
  checkShape();
  const algorithm = ALGORITHMS[r.key];
  const signing = r.key === 'ecdsa256' ? { name: 'ECDSA', hash: 'SHA-256' } : algorithm;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names = r.altNames && r.altNames.length > 0 ? r.altNames : [r.commonName];
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] &= 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: distinguishedName(r),
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    keys,
    signingAlgorithm: signing,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.SubjectAlternativeNameExtension(names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificate: cert.toString('pem'), privateKey };
}
