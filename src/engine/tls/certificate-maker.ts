// Certificates the engine makes itself: the demo certificate of a new data dir (as the
// appliance ships one) and certconfig NEW's self-signed ones; their keys go to the key store.
// Validity is in real time, not the simulated clock's: peers check it against their own clocks.
import type { ApplianceConfig } from '../../model/config.js';
import { DEMO_CERTIFICATE, type SelfSignedSpec } from '../../model/tables/certificates.js';
import type { KeyStore } from './key-store.js';

const DAY = 86_400_000;

/** A new key pair and a self-signed certificate for it; the key is stored, its file named. */
export async function makeCertificate(spec: SelfSignedSpec, keys: KeyStore, now = Date.now()): Promise<{ certificate: string; keyFile: string }> {
  // Loaded only here: the X.509 writer takes a few hundred ms to load, which a start without a new certificate never pays.
  const { makeSelfSigned } = await import('../../platform/self-signed.js');
  const made = await makeSelfSigned({
    ...spec,
    // A minute back: a peer whose clock is a little behind still takes it.
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + spec.days * DAY),
  });
  return { certificate: made.certificate, keyFile: await keys.store(made.privateKey) };
}

/** The demo certificate, made once, on a data dir that has no certificates yet; true when made. */
export async function makeDemoCertificate(config: ApplianceConfig, keys: KeyStore): Promise<boolean> {
  if (config.certificates !== undefined) return false;
  const made = await makeCertificate(
    { commonName: config.hostname, organization: 'esa-sim demonstration certificate', altNames: [config.hostname], days: 3650, key: 'ecdsa256' },
    keys,
  );
  config.certificates = [{ name: DEMO_CERTIFICATE, certificate: made.certificate, chain: [], keyFile: made.keyFile }];
  return true;
}

/** The key files a configuration names (its certificates'). */
export const keyFilesOf = (config: Pick<ApplianceConfig, 'certificates'>): string[] => (config.certificates ?? []).map((c) => c.keyFile);
