// OpenSSH public key lines (`ssh-ed25519 AAAA... comment`) as users' authorized keys: checked
// when stored (the type inside the key blob must match the named one), compared by blob. Pure.

const KEY_TYPES = new Set(['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);

export interface PublicKeyLine {
  type: string;
  /** The key blob (SSH wire format), as the client presents it. */
  blob: Buffer;
  comment: string;
}

/** The key of an `authorized_keys`-style line, or the reason it is not one. */
export function parsePublicKey(line: string): PublicKeyLine | { error: string } {
  const m = /^\s*(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(line);
  const bad = { error: 'Not a valid SSH public key: expected "ssh-ed25519 AAAA... comment" (or ssh-rsa, ecdsa-sha2-nistp256/384/521).' };
  if (!m || !KEY_TYPES.has(m[1])) return bad;
  const blob = Buffer.from(m[2], 'base64');
  // The blob starts with its own type name, length-prefixed.
  if (blob.length < 4) return bad;
  const n = blob.readUInt32BE(0);
  if (n > blob.length - 4 || blob.subarray(4, 4 + n).toString('latin1') !== m[1]) return bad;
  return { type: m[1], blob, comment: (m[3] ?? '').trim() };
}

/** The stored form: type, base64 and comment, one space apart. */
export function formatPublicKey(key: PublicKeyLine): string {
  return `${key.type} ${key.blob.toString('base64')}${key.comment ? ` ${key.comment}` : ''}`;
}
