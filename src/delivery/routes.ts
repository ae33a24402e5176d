// SMTP routes: which hosts receive mail for a domain. The most specific domain pattern wins:
// the domain itself, then the nearest parent (`.example.com`), then `ALL`; with no route, the
// domain's MX records.
import { promises as dns } from 'node:dns';
import type { HostPort, SmtpRoute } from '../config/config.js';
import { mostSpecific } from '../domain-pattern.js';

export function matchRoute(routes: readonly SmtpRoute[], domain: string): SmtpRoute | undefined {
  return mostSpecific(routes, (r) => r.domain, domain);
}

export class NoRouteError extends Error {
  constructor(readonly domain: string, reason: string) {
    super(reason);
  }
}

/** The hosts to try for a domain, in order. */
export async function resolveDestination(routes: readonly SmtpRoute[], domain: string): Promise<HostPort[]> {
  const route = matchRoute(routes, domain);
  if (route) return route.hosts;
  let mx: { exchange: string; priority: number }[];
  try {
    mx = await dns.resolveMx(domain);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
      // RFC 5321 §5.1: no MX, the domain itself is the host, if it resolves.
      try {
        await dns.lookup(domain);
        return [{ host: domain, port: 25 }];
      } catch {
        throw new NoRouteError(domain, `no MX or address record for ${domain}`);
      }
    }
    throw new NoRouteError(domain, `DNS lookup for ${domain} failed: ${code ?? (e as Error).message}`);
  }
  if (mx.length === 0) throw new NoRouteError(domain, `no MX record for ${domain}`);
  return mx.sort((a, b) => a.priority - b.priority).map((m) => ({ host: m.exchange, port: 25 }));
}
