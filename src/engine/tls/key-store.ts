// The appliance's private keys: one file each in the data dir's `keys/` (directory 0700, files
// 0600, written durably), named by the SHA-256 of the key, so the configuration (and with it
// every commit and rollback point) names a key without holding it. A key is stored when certconfig
// takes or makes it, before its certificate is committed; keys no configuration names (a
// dialog abandoned, a certificate deleted) are removed at the next start.
import { createHash, createPrivateKey } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { makeDurableDir } from '../fs/durable-dir.js';
import { writeFileDurably } from '../state/durable-json-file.js';

const KEY_FILE = /^[0-9a-f]{64}\.key$/;

export class KeyStore {
  readonly dir: string;
  /** Keys read or stored, by file name. */
  readonly #pems = new Map<string, string>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'keys');
  }

  /** Stores a private key (any PEM form node:crypto reads, unencrypted) as PKCS#8; returns its file name. */
  async store(pem: string): Promise<string> {
    const key = createPrivateKey(pem);
    const der = key.export({ type: 'pkcs8', format: 'der' });
    const name = `${createHash('sha256').update(der).digest('hex')}.key`;
    const text = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    if (!this.#pems.has(name)) {
      await makeDurableDir(this.dir);
      await writeFileDurably(path.join(this.dir, name), text);
    }
    this.#pems.set(name, text);
    return name;
  }

  /** A key read before (load), or undefined. */
  pem(file: string): string | undefined {
    return this.#pems.get(file);
  }

  /** Reads a key into memory; a missing or unreadable file is one line. */
  async load(file: string): Promise<string> {
    const known = this.#pems.get(file);
    if (known) return known;
    if (!KEY_FILE.test(file)) throw new Error(`"${file}" is not the name of a key file`);
    let text: string;
    try {
      text = await readFile(path.join(this.dir, file), 'utf8');
    } catch (e) {
      throw new Error(`its key ${path.join(this.dir, file)} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.#pems.set(file, text);
    return text;
  }

  /** Removes the key files not in `keep` (at start, before any session can have stored one). */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return;
    }
    for (const f of files) if (KEY_FILE.test(f) && !keep.has(f)) await unlink(path.join(this.dir, f)).catch(() => undefined);
  }
}
