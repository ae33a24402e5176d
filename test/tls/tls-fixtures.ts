// Fixtures for the TLS tests: certificates made as certconfig makes them (src/platform/self-signed.ts),
// a backend SMTP server that offers STARTTLS or not with the certificate it is given and records
// whether each message came encrypted, an engine whose configuration a test changes and commits,
// and the external peers (swaks, openssl, Postfix) found on the PATH.
import { accessSync, constants } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import type { TLSSocket } from 'node:tls';
import type { Engine } from '../../src/engine/engine.js';
import type { ApplianceConfig, CertificateConfig } from '../../src/model/config.js';
import { addCertificate } from '../../src/model/tables/certificates.js';
import { makeSelfSigned, type KeyKind } from '../../src/platform/self-signed.js';
import { configCopy, removeDir, startEngine, type TestEngineOptions } from '../helpers/harness.js';

const DAY = 86_400_000;

export interface TestCertificate {
  certificate: string;
  privateKey: string;
}

/** A self-signed certificate for `names` (the first is its CN); `expired`: its validity ended yesterday. */
export async function testCertificate(names: string[], o: { expired?: boolean; key?: KeyKind } = {}): Promise<TestCertificate> {
  const now = Date.now();
  return makeSelfSigned({
    commonName: names[0],
    altNames: names,
    notBefore: new Date(o.expired ? now - 30 * DAY : now - 60_000),
    notAfter: new Date(o.expired ? now - DAY : now + 30 * DAY),
    key: o.key ?? 'ecdsa256',
  });
}

export interface ReceivedMail {
  to: string[];
  secure: boolean;
  protocol?: string;
}

/** A backend that offers STARTTLS with `cert` (none: it does not offer it) and records how each message came. */
export class TlsBackend {
  port = 0;
  readonly received: ReceivedMail[] = [];
  /** Client certificates presented by the appliance (their subject CN). */
  readonly clientCertificates: string[] = [];
  #server: SMTPServer;

  constructor(cert?: TestCertificate) {
    this.#server = new SMTPServer({
      disabledCommands: cert ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(cert ? { key: cert.privateKey, cert: cert.certificate, requestCert: true, rejectUnauthorized: false } : {}),
      logger: false,
      onSecure: (socket, _session, cb) => {
        const peer = (socket as TLSSocket).getPeerCertificate();
        if (peer && peer.subject) this.clientCertificates.push(String(peer.subject.CN));
        cb();
      },
      onData: (stream, session, cb) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          const secure = (session as unknown as { secure?: boolean }).secure === true;
          const cipher = session.tlsOptions as { version?: string } | false | undefined;
          this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), secure, protocol: cipher ? cipher.version : undefined });
          cb(null, 'Ok: queued');
        });
      },
    } as ConstructorParameters<typeof SMTPServer>[0]);
  }

  start(): Promise<number> {
    return new Promise((resolve) =>
      this.#server.listen(0, '127.0.0.1', () => {
        this.port = (this.#server.server.address() as { port: number }).port;
        resolve(this.port);
      }),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** An engine routing ALL to `backendPort`; stopped and its data dir removed by the returned cleanup. */
export async function tlsEngine(o: TestEngineOptions): Promise<{ engine: Engine; cleanup: () => Promise<void> }> {
  const engine = await startEngine(o);
  return {
    engine,
    cleanup: async () => {
      await engine.stop();
      await removeDir(engine.api.dataDir);
    },
  };
}

/** Changes a copy of the running configuration and commits it. */
export async function commitWith(engine: Engine, change: (config: ApplianceConfig) => void): Promise<void> {
  const next = configCopy(engine);
  change(next);
  await engine.api.applyConfig(next);
}

/** A certificate made by the engine (as certconfig NEW makes it), committed under `name`. */
export async function engineCertificate(engine: Engine, name: string, commonName: string, altNames: string[]): Promise<CertificateConfig> {
  const made = await engine.api.makeSelfSignedCertificate({ commonName, altNames, days: 30, key: 'ecdsa256' });
  const cert: CertificateConfig = { name, certificate: made.certificate, chain: [], keyFile: made.keyFile };
  await commitWith(engine, (c) => addCertificate(cert).apply(c));
  return cert;
}

/** The path of a program, or undefined when it is not installed. */
export function program(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
