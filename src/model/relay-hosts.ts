// The clients a Private listener relays for: IPv4 addresses, IPv4 CIDR ranges (`10.0.0.0/8`),
// IPv6 addresses, or `ALL`. Pure.
import { isIP } from 'node:net';

export const RELAY_HOST_ERROR = 'Invalid IP or IP range: use an address (10.0.0.5), a CIDR range (10.0.0.0/8) or ALL.';

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** A relay host entry as typed, in its stored form; or why it is refused. */
export function parseRelayHost(text: string): { value: string } | { error: string } {
  const t = text.trim();
  if (t.toUpperCase() === 'ALL') return { value: 'ALL' };
  const [addr, bits, extra] = t.split('/');
  if (extra === undefined && ipv4(addr) !== undefined) {
    if (bits === undefined) return { value: addr };
    if (/^\d{1,2}$/.test(bits) && Number(bits) <= 32) return { value: `${addr}/${Number(bits)}` };
  }
  if (bits === undefined && isIP(addr) === 6) return { value: addr.toLowerCase() };
  return { error: RELAY_HOST_ERROR };
}

/** Whether a client address (as the socket reports it; `::ffff:1.2.3.4` included) is in the list. */
export function relayAllowed(list: readonly string[], remote: string): boolean {
  const addr = remote.toLowerCase().startsWith('::ffff:') && ipv4(remote.slice(7)) !== undefined ? remote.slice(7) : remote.toLowerCase();
  const v4 = ipv4(addr);
  for (const entry of list) {
    if (entry === 'ALL') return true;
    const [net, bits] = entry.split('/');
    if (bits === undefined) {
      if (net.toLowerCase() === addr) return true;
      continue;
    }
    const base = ipv4(net);
    if (v4 === undefined || base === undefined) continue;
    const size = 2 ** (32 - Number(bits));
    if (Math.floor(v4 / size) === Math.floor(base / size)) return true;
  }
  return false;
}
