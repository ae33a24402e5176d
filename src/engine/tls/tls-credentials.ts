// What TLS needs of the configuration, ready to use: a certificate's key and chain (listeners'
// STARTTLS, the web GUI), and one client context for delivery holding the certificate delivery
// presents and the authorities it trusts (Node's bundled roots, the system's store, certconfig's
// own), built once per configuration: a context per connection would parse hundreds of roots
// each time. Keys are read before a configuration runs (prepare), so a missing key file fails
// the start or the commit, never a handshake.
import { readFile } from 'node:fs/promises';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { ApplianceConfig, ListenerConfig } from '../../model/config.js';
import { authoritiesOf, certificateName, certificatesInUse, findCertificate } from '../../model/tables/certificates.js';
import type { KeyStore } from './key-store.js';

/** Where Debian (and most Linux systems) keep the system's trusted authorities. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface CertificateCredentials {
  key: string;
  /** The certificate followed by its chain. */
  cert: string;
}

/** The lowest TLS version the appliance speaks, either way. */
export const MIN_TLS_VERSION = 'TLSv1.2';

export class TlsCredentials {
  #systemAuthorities: string[] | undefined;
  #delivery: { of: ApplianceConfig | null; context: SecureContext | null } = { of: null, context: null };

  constructor(
    readonly keys: KeyStore,
    readonly config: () => ApplianceConfig,
    readonly systemBundle = SYSTEM_CA_BUNDLE,
  ) {}

  /**
   * Reads every key the configuration uses (its listeners', delivery's, the GUI's certificate)
   * and the system's authorities; throws one line naming the certificate whose key is missing.
   */
  async prepare(config: ApplianceConfig): Promise<void> {
    for (const name of new Set([...certificatesInUse(config), certificateName(config.deliveryCertificate)])) {
      const cert = findCertificate(config, name);
      if (!cert) continue;
      try {
        await this.keys.load(cert.keyFile);
      } catch (e) {
        throw new Error(`certificate ${cert.name}: ${(e as Error).message}`);
      }
    }
    this.#systemAuthorities ??= await readFile(this.systemBundle, 'utf8').then(
      (text) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [],
      () => [],
    );
  }

  /** A certificate's key and chain (the demo certificate when `name` is undefined); undefined when its key was not read. */
  credentials(name: string | undefined, config = this.config()): CertificateCredentials | undefined {
    const cert = findCertificate(config, certificateName(name));
    const key = cert && this.keys.pem(cert.keyFile);
    return cert && key ? { key, cert: cert.certificate + cert.chain.join('') } : undefined;
  }

  /** What a listener's STARTTLS presents under a configuration: nothing while its TLS is off. */
  forListener(lc: ListenerConfig, config: ApplianceConfig): CertificateCredentials | undefined {
    return (lc.tls ?? 'off') === 'off' ? undefined : this.credentials(lc.certificate, config);
  }

  /** Delivery's client context for the running configuration: its certificate, the trusted authorities. */
  deliveryContext(): SecureContext {
    const config = this.config();
    if (this.#delivery.of === config && this.#delivery.context) return this.#delivery.context;
    const own = this.credentials(config.deliveryCertificate, config);
    const ca = [...rootCertificates, ...(this.#systemAuthorities ?? []), ...authoritiesOf(config).map((a) => a.certificate)];
    const context = createSecureContext({ ca, minVersion: MIN_TLS_VERSION, ...(own ? { key: own.key, cert: own.cert } : {}) });
    this.#delivery = { of: config, context };
    return context;
  }
}
