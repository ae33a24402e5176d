// SMTP routes: which hosts receive mail for a domain. The most specific domain pattern wins:
// the domain itself, then the nearest parent (`.example.com`), then `ALL`; with no route (or a
// USEDNS route), the domain's MX records. A route's hosts are tried lowest `/pri=` first, equal
// priorities in the order entered; a host name is looked up by MX first unless it is `[bracketed]`.
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { HostPort, RouteHost, SmtpRoute } from '../../model/config.js';
import { mostSpecific } from '../../model/domain-pattern.js';

export function matchRoute(routes: readonly SmtpRoute[], domain: string): SmtpRoute | undefined {
  return mostSpecific(routes, (r) => r.domain, domain);
}

export class NoRouteError extends Error {
  constructor(
    readonly domain: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Where a domain's mail goes: hosts to try in order, or nowhere (a `/dev/null` route: dropped as delivered). */
export type RouteTarget = { kind: 'hosts'; hosts: HostPort[] } | { kind: 'devnull' };

/** The order a route's hosts are tried in: lowest priority first; equal priorities in the order entered. */
export function trialOrder(hosts: readonly RouteHost[]): RouteHost[] {
  return hosts
    .map((h, i) => ({ h, i }))
    .sort((a, b) => (a.h.priority ?? 0) - (b.h.priority ?? 0) || a.i - b.i)
    .map(({ h }) => h);
}

/** What a route resolves to, as one string: a commit that changes it retires open connections. */
export function routeKey(routes: readonly SmtpRoute[], domain: string): string {
  const r = matchRoute(routes, domain);
  return r ? JSON.stringify([r.special ?? '', r.hosts]) : '';
}

/** Where to deliver a domain's mail. */
export async function resolveDestination(routes: readonly SmtpRoute[], domain: string): Promise<RouteTarget> {
  const route = matchRoute(routes, domain);
  if (route?.special === '/dev/null') return { kind: 'devnull' };
  if (route && route.special !== 'USEDNS' && route.hosts.length > 0) {
    const hosts: HostPort[] = [];
    for (const h of trialOrder(route.hosts)) hosts.push(...(await hostAddresses(h)));
    return { kind: 'hosts', hosts };
  }
  return { kind: 'hosts', hosts: await mxHosts(domain) };
}

/**
 * A route host by name: its MX hosts when it has MX records (the port kept), else itself.
 * An address, a `[bracketed]` name or a single-label name (localhost) is used as it is.
 */
async function hostAddresses(h: RouteHost): Promise<HostPort[]> {
  const self = [{ host: h.host, port: h.port }];
  if (h.addressOnly || isIP(h.host) || !h.host.includes('.')) return self;
  try {
    const mx = await dns.resolveMx(h.host);
    if (mx.length === 0) return self;
    return mx.sort((a, b) => a.priority - b.priority).map((m) => ({ host: m.exchange, port: h.port }));
  } catch {
    // No MX records (or no answer): the name's address records, as an MTA does.
    return self;
  }
}

/** The domain's MX hosts (RFC 5321 §5.1: without MX records, the domain itself if it resolves). */
async function mxHosts(domain: string): Promise<HostPort[]> {
  let mx: { exchange: string; priority: number }[];
  try {
    mx = await dns.resolveMx(domain);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
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
