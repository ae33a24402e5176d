// The SSH host key: generated (Ed25519, OpenSSH format) at the first start with --ssh, kept in
// the data dir with mode 0600 and reused after restarts, so clients' known_hosts stay valid.
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ssh2 } from './ssh2-seam.js';

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

export interface HostKey {
  /** The private key as ssh2's `hostKeys` takes it. */
  privateKey: string;
  /** `SHA256:...`, as `ssh-keygen -lf` and OpenSSH's prompts show it. */
  fingerprint: string;
}

export function fingerprintOf(publicSsh: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicSsh).digest('base64').replace(/=+$/, '')}`;
}

/** Loads the data dir's host key, creating it first if there is none. */
export async function loadHostKey(ssh2: Ssh2, dataDir: string): Promise<HostKey> {
  const file = path.join(dataDir, HOST_KEY_FILE);
  let privateKey = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (privateKey === undefined) {
    privateKey = newHostKey(ssh2);
    // O_EXCL: two starts racing cannot both write; 0600 from the first byte; fsynced before use.
    const fh = await open(file, 'wx', 0o600);
    try {
      await fh.writeFile(privateKey);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`the SSH host key ${file} cannot be read: ${parsed.message} (remove it to make a new one)`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return { privateKey, fingerprint: fingerprintOf(key.getPublicSSH()) };
}

/** Generation attempts before giving up (each fails with a chance of about 1 in 256). */
const KEYGEN_TRIES = 8;

/**
 * A new Ed25519 private key that ssh2 can read back. ssh2's generator strips leading zero bytes
 * of the public key, so about 1 key in 256 is one its own `parseKey` rejects ("Malformed OpenSSH
 * private key"; mscdex/ssh2 issues 1390, 1513): such a key is made again before it is saved.
 */
export function newHostKey(ssh2: Pick<Ssh2, 'utils'>): string {
  let last = '';
  for (let i = 0; i < KEYGEN_TRIES; i++) {
    const key = ssh2.utils.generateKeyPairSync('ed25519', {}).private;
    const parsed = ssh2.utils.parseKey(key);
    if (!(parsed instanceof Error)) return key;
    last = parsed.message;
  }
  throw new Error(`cannot make an SSH host key that ssh2 reads back (${last})`);
}
