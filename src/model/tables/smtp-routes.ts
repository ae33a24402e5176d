// The SMTP routes table: a domain (or ALL, the default route) to its destination hosts; how
// routes are found, numbered and named, and the operations on the table as changes every front
// end records the same way — `smtproutes` (dialog and batch) and the web GUI. Pure. The hosts'
// syntax is route-hosts.ts.
import type { Parsed } from '../answers.js';
import { refuse, valueOrRefuse, type ConfigChange } from '../change.js';
import type { ApplianceConfig, SmtpRoute } from '../config.js';
import { DomainPattern } from '../domain-pattern.js';
import { formatCount } from '../format-count.js';
import { checkHosts, formatDestinations, MAX_ROUTES, type RouteDestinations } from '../route-hosts.js';

export const NOT_IN_TABLE = 'That entry does not appear to be in the routing table.';
export const DEFAULT_ROUTE_SET = 'There is already a default route set.';

/** The default route's domain: every domain no other route matches. */
export const isDefaultRoute = (domain: string): boolean => domain.toUpperCase() === 'ALL';
/** A route's domain as written back (`ALL`, `example.com`, `.example.com`). */
export const routeDomain = (domain: string): string => DomainPattern.fromStored(domain).toString();

// ----- reading the table -----

/** Routes as listed and numbered: by domain, the default route last. */
export function orderedRoutes(config: ApplianceConfig): SmtpRoute[] {
  const named = config.routes.filter((r) => !isDefaultRoute(r.domain)).sort((a, b) => routeDomain(a.domain).localeCompare(routeDomain(b.domain)));
  return [...named, ...config.routes.filter((r) => isDefaultRoute(r.domain))];
}

export function findRoute(config: ApplianceConfig, domain: string): SmtpRoute | undefined {
  const want = routeDomain(domain);
  return config.routes.find((r) => routeDomain(r.domain) === want);
}

/** An existing route picked by its domain or its number in the listing. */
export function pickRoute(config: ApplianceConfig, text: string): Parsed<SmtpRoute> {
  const t = text.trim();
  const r = /^\d+$/.test(t) ? orderedRoutes(config)[Number(t) - 1] : findRoute(config, t);
  return r ? { value: r } : { error: NOT_IN_TABLE };
}

/**
 * The one rule for a route's domain, at NEW and at a rename (`renaming`: the route's own domain,
 * which it may keep): a domain pattern no other route has, within the appliance's limit.
 */
export function parseRouteDomain(config: ApplianceConfig, text: string, renaming?: string): Parsed<string> {
  if (text.trim() === '') return { error: 'You must enter a domain.' };
  const p = DomainPattern.parse(text);
  if ('error' in p) return p;
  const domain = p.value.toString();
  const existing = findRoute(config, domain);
  if (existing && (renaming === undefined || routeDomain(existing.domain) !== routeDomain(renaming))) {
    return { error: isDefaultRoute(domain) ? DEFAULT_ROUTE_SET : `The value ${domain} is already in the routing table.` };
  }
  if (!existing && renaming === undefined && config.routes.length >= MAX_ROUTES) return { error: `There is a maximum of ${formatCount(MAX_ROUTES)} routes.` };
  return { value: domain };
}

/** A route's destinations, a copy to edit. */
export const destinationsOf = (r: SmtpRoute): RouteDestinations => ({ hosts: r.hosts.map((h) => ({ ...h })), special: r.special });

// ----- the operations -----

function existing(config: ApplianceConfig, domain: string): SmtpRoute {
  return findRoute(config, domain) ?? refuse(`the SMTP route "${domain}" no longer exists`);
}

function setDestinations(route: SmtpRoute, d: RouteDestinations): void {
  const error = d.special ? undefined : checkHosts(d.hosts);
  if (error) refuse(error);
  route.hosts = d.hosts.map((h) => ({ ...h }));
  if (d.special) route.special = d.special;
  else delete route.special;
}

export function createRoute(domain: string, d: RouteDestinations): ConfigChange {
  return {
    description: `Created SMTP route "${domain}": ${formatDestinations(d)}.`,
    apply(config) {
      const route: SmtpRoute = { domain: valueOrRefuse(parseRouteDomain(config, domain)), hosts: [] };
      setDestinations(route, d);
      config.routes.push(route);
    },
  };
}

/** A new domain (`rename`, the same one to keep it) and new destinations; undefined when nothing changed. */
export function editRoute(domain: string, rename: string, before: RouteDestinations, after: RouteDestinations): ConfigChange | undefined {
  const renamed = routeDomain(rename) !== routeDomain(domain);
  const changed = formatDestinations(before) !== formatDestinations(after) || before.special !== after.special;
  if (!renamed && !changed) return undefined;
  const what = [
    ...(renamed ? [`renamed to "${rename}"`] : []),
    ...(changed ? [`destinations ${formatDestinations(before)} -> ${formatDestinations(after)}`] : []),
  ];
  return {
    description: `Edited SMTP route "${domain}": ${what.join(', ')}.`,
    apply(config) {
      const route = existing(config, domain);
      if (renamed) route.domain = valueOrRefuse(parseRouteDomain(config, rename, domain));
      if (changed) setDestinations(route, after);
    },
  };
}

/** Deleting ALL resets the default route: other domains follow their MX records. */
export function deleteRoute(domain: string): ConfigChange {
  return {
    description: isDefaultRoute(domain) ? 'Reset the default route (ALL): other domains follow their MX records.' : `Deleted SMTP route "${domain}".`,
    apply(config) {
      const route = existing(config, domain);
      config.routes = config.routes.filter((r) => r !== route);
    },
  };
}

export function clearRoutes(): ConfigChange {
  return {
    description: 'Deleted all SMTP routes.',
    apply(config) {
      config.routes = [];
    },
  };
}
