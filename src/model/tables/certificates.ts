// The certificates table (certconfig): the appliance's certificates with their chains (the
// private key stays in its own file, named here), the certificate authorities delivery trusts,
// the one rule for a certificate's name, reading PEM text, what uses a certificate, and the
// operations as changes every front end records (certconfig, the web GUI). Pure: node:crypto
// only parses.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { Parsed } from '../answers.js';
import { refuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig, CertificateAuthorityConfig, CertificateConfig } from '../config.js';

/** The certificate made at the first start, used wherever no other is chosen. */
export const DEMO_CERTIFICATE = 'Demo';

export const CERTIFICATE_NAME_IN_USE = 'Certificate name already in use';
const NAME_CHARACTERS = 'A certificate name must start with a letter and contain only letters, digits, "_", "." and "-" (at most 64).';

/** A self-signed certificate as certconfig NEW asks for it (the engine makes the key and signs it). */
export interface SelfSignedSpec {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  /** Two letters. */
  country?: string;
  /** Host names and addresses (subjectAltName); the common name when empty. */
  altNames: string[];
  /** Valid from now for this many days. */
  days: number;
  key: 'rsa2048' | 'rsa4096' | 'ecdsa256';
}

/** The key sizes NEW offers, in its list's order (2048-bit RSA, as the appliance's default). */
export const KEY_CHOICES: readonly { label: string; value: SelfSignedSpec['key'] }[] = [
  { label: '2048-bit RSA', value: 'rsa2048' },
  { label: '4096-bit RSA', value: 'rsa4096' },
  { label: 'ECDSA P-256', value: 'ecdsa256' },
];

// ----- reading the table -----

export const certificatesOf = (config: ApplianceConfig): CertificateConfig[] => config.certificates ?? [];
export const authoritiesOf = (config: ApplianceConfig): CertificateAuthorityConfig[] => config.certificateAuthorities ?? [];

export function findCertificate(config: ApplianceConfig, name: string): CertificateConfig | undefined {
  return certificatesOf(config).find((c) => c.name.toLowerCase() === name.toLowerCase());
}

export function findAuthority(config: ApplianceConfig, name: string): CertificateAuthorityConfig | undefined {
  return authoritiesOf(config).find((c) => c.name.toLowerCase() === name.toLowerCase());
}

export const certificateNames = (config: ApplianceConfig): string[] => certificatesOf(config).map((c) => c.name);

/** The one rule for the name of a certificate or a certificate authority (each unique in its own list). */
export function nameRefusal(names: readonly string[], name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) return NAME_CHARACTERS;
  return names.some((n) => n.toLowerCase() === name.toLowerCase()) ? CERTIFICATE_NAME_IN_USE : undefined;
}

/** A certificate name that exists, as stored, or the refusal. */
export function parseCertificateName(config: ApplianceConfig, text: string): Parsed<string> {
  const c = findCertificate(config, text.trim());
  return c ? { value: c.name } : { error: `There is no certificate named "${text.trim()}": see certconfig.` };
}

/** The certificate a use names, or the demo one when it names none. */
export const certificateName = (name: string | undefined): string => name ?? DEMO_CERTIFICATE;

// ----- PEM text -----

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, with their labels (`CERTIFICATE`, `PRIVATE KEY`, ...). */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ label: m[1], pem: `${m[0]}\n` }));
}

/** One certificate in PEM, checked by parsing it. */
export function parseCertificatePem(text: string): Parsed<string> {
  const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length !== 1) return { error: 'Not a valid certificate: paste one PEM block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.' };
  try {
    new X509Certificate(blocks[0].pem);
    return { value: blocks[0].pem };
  } catch (e) {
    return { error: `Not a valid certificate: ${(e as Error).message}.` };
  }
}

/** A private key in PEM (PKCS#8, PKCS#1 or SEC1, unencrypted). */
export function parsePrivateKeyPem(text: string): Parsed<{ pem: string; key: KeyObject }> {
  const block = pemBlocks(text).find((b) => /PRIVATE KEY$/.test(b.label));
  if (!block) return { error: 'Not a valid private key: paste one PEM block from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.' };
  if (block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block.pem)) {
    return { error: 'The private key is encrypted: paste it without a passphrase (openssl pkey -in key.pem).' };
  }
  try {
    return { value: { pem: block.pem, key: createPrivateKey(block.pem) } };
  } catch (e) {
    return { error: `Not a valid private key: ${(e as Error).message}.` };
  }
}

/** Why a key is not the certificate's, or undefined when it is. */
export function keyMismatch(certificatePem: string, key: KeyObject): string | undefined {
  return new X509Certificate(certificatePem).checkPrivateKey(key) ? undefined : 'The private key does not match the certificate.';
}

/** Why an intermediate certificate does not follow the one before it (its issuer), or undefined. */
export function chainRefusal(certificatePem: string, chain: readonly string[]): string | undefined {
  let previous = new X509Certificate(certificatePem);
  for (const [i, pem] of chain.entries()) {
    const issuer = new X509Certificate(pem);
    if (!previous.checkIssued(issuer) || !previous.verify(issuer.publicKey)) {
      return `Intermediate certificate ${i + 1} (${cn(issuer.subject)}) did not issue ${cn(previous.subject)}.`;
    }
    previous = issuer;
  }
  return undefined;
}

// ----- what a certificate says -----

export interface CertificateSummary {
  commonName: string;
  issuer: string;
  /** subjectAltName's host names and addresses. */
  domains: string[];
  validFrom: number;
  validTo: number;
  fingerprint256: string;
  serialNumber: string;
  selfSigned: boolean;
}

/** `CN=x\nO=y` → x (the whole subject when it has no CN). */
function cn(dn: string): string {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(dn);
  return m ? m[1] : dn.replaceAll('\n', ', ');
}

export function summarize(pem: string): CertificateSummary {
  const c = new X509Certificate(pem);
  const domains = (c.subjectAltName ?? '')
    .split(', ')
    .map((n) => /^(?:DNS|IP Address):(.*)$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined);
  return {
    commonName: cn(c.subject),
    issuer: cn(c.issuer),
    domains,
    validFrom: Date.parse(c.validFrom),
    validTo: Date.parse(c.validTo),
    fingerprint256: c.fingerprint256,
    serialNumber: c.serialNumber,
    selfSigned: c.subject === c.issuer,
  };
}

/** `Valid`, `Expired` or `Not yet valid` at `now`. */
export function certificateStatus(s: Pick<CertificateSummary, 'validFrom' | 'validTo'>, now: number): string {
  if (now > s.validTo) return 'Expired';
  if (now < s.validFrom) return 'Not yet valid';
  return 'Valid';
}

/** Whole days left at `now` (0 once expired). */
export const daysRemaining = (s: Pick<CertificateSummary, 'validTo'>, now: number): number => Math.max(0, Math.floor((s.validTo - now) / 86_400_000));

// ----- what uses a certificate -----

/** Where a certificate is used: `listener IncomingMail`, `delivery`, `the web GUI`. */
export function certificateUses(config: ApplianceConfig, name: string): string[] {
  const is = (chosen: string | undefined) => certificateName(chosen).toLowerCase() === name.toLowerCase();
  const uses = config.listeners
    .filter((l) => is(l.certificate) && (l.certificate !== undefined || (l.tls ?? 'off') !== 'off'))
    .map((l) => `listener ${l.name}`);
  if (is(config.deliveryCertificate)) uses.push('delivery');
  if (config.guiCertificate !== undefined && is(config.guiCertificate)) uses.push('the web GUI');
  return uses;
}

/** Every certificate a configuration needs: what its listeners, delivery and the GUI name (the demo one when they name none). */
export function certificatesInUse(config: ApplianceConfig): string[] {
  return certificatesOf(config)
    .filter((c) => certificateUses(config, c.name).length > 0)
    .map((c) => c.name);
}

/** A certificate the configuration names must exist (a commit from an old rollback point, say). */
export function missingCertificate(config: ApplianceConfig): string | undefined {
  const named = [...config.listeners.map((l) => l.certificate), config.deliveryCertificate, config.guiCertificate];
  for (const name of named) if (name !== undefined && !findCertificate(config, name)) return `There is no certificate named "${name}".`;
  return undefined;
}

// ----- the operations -----

/** A certificate whose key was stored (its file named in `keyFile`). */
export function addCertificate(cert: CertificateConfig): ConfigChange {
  const made = structuredClone(cert);
  const s = summarize(made.certificate);
  return {
    description: `Added certificate "${made.name}" (CN ${s.commonName}, issued by ${s.issuer}${made.chain.length ? `, ${made.chain.length} intermediate` : ''}).`,
    apply(config) {
      const refusal = nameRefusal(certificateNames(config), made.name);
      if (refusal) refuse(refusal);
      config.certificates = [...certificatesOf(config), structuredClone(made)];
    },
  };
}

/** Refused while a listener, delivery or the GUI uses it. */
export function deleteCertificate(name: string): ConfigChange {
  return {
    description: `Deleted certificate "${name}".`,
    apply(config) {
      const cert = findCertificate(config, name) ?? refuse(`There is no certificate named "${name}".`);
      const uses = certificateUses(config, cert.name);
      if (uses.length > 0) refuse(`The certificate ${cert.name} is in use by ${uses.join(', ')}: choose another one there first.`);
      config.certificates = certificatesOf(config).filter((c) => c !== cert);
    },
  };
}

/** The certificate the web GUI serves HTTPS with; undefined: plain HTTP. Undefined when unchanged. */
export function setGuiCertificate(config: ApplianceConfig, name: string | undefined): ConfigChange | undefined {
  if (name === config.guiCertificate) return undefined;
  return {
    description: name === undefined ? 'The web GUI serves plain HTTP.' : `The web GUI serves HTTPS with certificate "${name}".`,
    apply(c) {
      if (name !== undefined && !findCertificate(c, name)) refuse(`There is no certificate named "${name}".`);
      if (name === undefined) delete c.guiCertificate;
      else c.guiCertificate = findCertificate(c, name)!.name;
    },
  };
}

export function addAuthority(name: string, certificatePem: string): ConfigChange {
  const s = summarize(certificatePem);
  return {
    description: `Added certificate authority "${name}" (CN ${s.commonName}).`,
    apply(config) {
      const refusal = nameRefusal(
        authoritiesOf(config).map((a) => a.name),
        name,
      );
      if (refusal) refuse(refusal);
      config.certificateAuthorities = [...authoritiesOf(config), { name, certificate: certificatePem }];
    },
  };
}

export function deleteAuthority(name: string): ConfigChange {
  return {
    description: `Deleted certificate authority "${name}".`,
    apply(config) {
      const ca = findAuthority(config, name) ?? refuse(`There is no certificate authority named "${name}".`);
      config.certificateAuthorities = authoritiesOf(config).filter((a) => a !== ca);
    },
  };
}
