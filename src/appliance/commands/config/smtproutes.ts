// `smtproutes`: the SMTP routes, domain (or ALL, the default route) -> destination hosts in
// order (a configuration command: changes go to the session's pending copy until `commit`).
// Interactive menu NEW / EDIT / DELETE / PRINT / CLEAR, or the batch form.
import type { ApplianceConfig, SmtpRoute } from '../../../model/config.js';
import { DomainPattern } from '../../../model/domain-pattern.js';
import { formatCount } from '../../../model/format-count.js';
import type { Parsed } from '../../../model/answers.js';
import { CommandError, parsedArg, type Command, type CommandIO } from '../../kit/command.js';
import { askMenu, askNumbered, askValid, askYesNo } from '../../kit/dialog.js';
import {
  addDestinations,
  checkHosts,
  formatDestinations,
  formatRouteHost,
  MAX_ROUTES,
  parseDestinations,
  parseRouteHost,
  type RouteDestinations,
} from './smtproutes-hosts.js';

export const NOT_IN_TABLE = 'That entry does not appear to be in the routing table.';
export const DEFAULT_ROUTE_SET = 'There is already a default route set.';
const ALL = 'ALL';
/** Routes listed above the menu; PRINT shows them all. */
const LISTED = 20;

const NEW_OP = { word: 'NEW', description: 'Create a new route.' };
const OPERATIONS = [
  NEW_OP,
  { word: 'EDIT', description: 'Edit destinations of an existing route.' },
  { word: 'DELETE', description: 'Remove a route.' },
  { word: 'PRINT', description: 'Display all routes.' },
  { word: 'CLEAR', description: 'Remove all routes.' },
];
const EDIT_OPERATIONS = [
  { word: 'ADD', description: 'Add new destination hosts.' },
  { word: 'REPLACE', description: 'Specify a new destination or set of destinations.' },
  { word: 'REMOVE', description: 'Remove a destination.' },
];

// ----- routes in a configuration -----

const isAll = (domain: string) => domain.toUpperCase() === ALL;
/** A route's domain as written back (`ALL`, `example.com`, `.example.com`). */
const canonical = (domain: string) => DomainPattern.fromStored(domain).toString();

/** Routes as listed and numbered: by domain, the default route last. */
function orderedRoutes(config: ApplianceConfig): SmtpRoute[] {
  const named = config.routes.filter((r) => !isAll(r.domain)).sort((a, b) => canonical(a.domain).localeCompare(canonical(b.domain)));
  return [...named, ...config.routes.filter((r) => isAll(r.domain))];
}

function findRoute(config: ApplianceConfig, domain: string): SmtpRoute | undefined {
  const want = canonical(domain);
  return config.routes.find((r) => canonical(r.domain) === want);
}

function routeLine(r: SmtpRoute): string {
  return `${canonical(r.domain)}: ${formatDestinations(r)}`;
}

/** A domain typed for a new route (or a new name), with the appliance's refusals. */
function newDomain(config: ApplianceConfig, text: string, renaming?: string): Parsed<string> {
  if (text.trim() === '') return { error: 'You must enter a domain.' };
  const p = DomainPattern.parse(text);
  if ('error' in p) return p;
  const domain = p.value.toString();
  const existing = findRoute(config, domain);
  if (existing && (renaming === undefined || canonical(existing.domain) !== canonical(renaming))) {
    return { error: isAll(domain) ? DEFAULT_ROUTE_SET : `The value ${domain} is already in the routing table.` };
  }
  if (!existing && renaming === undefined && config.routes.length >= MAX_ROUTES) return { error: `There is a maximum of ${formatCount(MAX_ROUTES)} routes.` };
  return { value: domain };
}

/** An existing route picked by its domain or its number in the listing. */
function pickRoute(config: ApplianceConfig, text: string): Parsed<SmtpRoute> {
  const t = text.trim();
  const routes = orderedRoutes(config);
  if (/^\d+$/.test(t)) {
    const r = routes[Number(t) - 1];
    return r ? { value: r } : { error: NOT_IN_TABLE };
  }
  const r = findRoute(config, t);
  return r ? { value: r } : { error: NOT_IN_TABLE };
}

const destinationsOf = (r: SmtpRoute): RouteDestinations => ({ hosts: r.hosts.map((h) => ({ ...h })), special: r.special });
const sameDestinations = (a: RouteDestinations, b: RouteDestinations) => formatDestinations(a) === formatDestinations(b) && a.special === b.special;

function setDestinations(route: SmtpRoute, d: RouteDestinations): void {
  route.hosts = d.hosts.map((h) => ({ ...h }));
  if (d.special) route.special = d.special;
  else delete route.special;
}

// ----- the changes, recorded in the session's pending configuration -----

function createRoute(io: CommandIO, domain: string, d: RouteDestinations): void {
  io.pending.edit(`Created SMTP route "${domain}": ${formatDestinations(d)}.`, (config) => {
    const p = newDomain(config, domain);
    if ('error' in p) throw new CommandError(p.error);
    const route: SmtpRoute = { domain: p.value, hosts: [] };
    setDestinations(route, d);
    config.routes.push(route);
  });
}

function editRoute(io: CommandIO, domain: string, rename: string, before: RouteDestinations, after: RouteDestinations): boolean {
  const renamed = canonical(rename) !== canonical(domain);
  const changed = !sameDestinations(before, after);
  if (!renamed && !changed) return false;
  const what = [
    ...(renamed ? [`renamed to "${rename}"`] : []),
    ...(changed ? [`destinations ${formatDestinations(before)} -> ${formatDestinations(after)}`] : []),
  ];
  io.pending.edit(`Edited SMTP route "${domain}": ${what.join(', ')}.`, (config) => {
    const route = findRoute(config, domain);
    if (!route) throw new CommandError(`the SMTP route "${domain}" no longer exists`);
    if (renamed) {
      const p = newDomain(config, rename, domain);
      if ('error' in p) throw new CommandError(p.error);
      route.domain = p.value;
    }
    if (changed) setDestinations(route, after);
  });
  return true;
}

function deleteRoute(io: CommandIO, domain: string): void {
  const description = isAll(domain) ? 'Reset the default route (ALL): other domains follow their MX records.' : `Deleted SMTP route "${domain}".`;
  io.pending.edit(description, (config) => {
    const route = findRoute(config, domain);
    if (!route) throw new CommandError(`the SMTP route "${domain}" no longer exists`);
    config.routes = config.routes.filter((r) => r !== route);
  });
}

function clearRoutes(io: CommandIO): void {
  io.pending.edit('Deleted all SMTP routes.', (config) => {
    config.routes = [];
  });
}

// ----- interactive -----

const DOMAIN_QUESTION = [
  'Enter the domain for which you want to set up a permanent route.',
  'Partial hostnames such as ".example.com" are allowed.',
  'Use "ALL" for the default route.',
].join('\n');

const destinationsQuestion = (domain: string) =>
  [
    `Enter the destination hosts, separated by commas, which you want mail for ${domain} to be delivered.`,
    'Enter USEDNS by itself to use normal DNS resolution for this route.',
    'Enter /dev/null by itself if you wish to discard the mail.',
    'Enclose in square brackets to force resolution via address (A) records, ignoring any MX records.',
    'Add :port for another port than 25, /pri=N (0-65535, 0 first) for the order hosts are tried in.',
  ].join('\n');

function printListing(io: CommandIO, config: ApplianceConfig): void {
  const routes = orderedRoutes(config);
  io.blank();
  if (routes.length === 0) {
    io.print('There are no routes configured.');
    return;
  }
  io.print('Currently configured routes:', ...routes.slice(0, LISTED).map((r, i) => `${i + 1}. ${routeLine(r)}`));
  if (routes.length > LISTED) io.print(`(${formatCount(routes.length - LISTED)} more: PRINT shows them all.)`);
}

async function printAll(io: CommandIO, config: ApplianceConfig): Promise<void> {
  const routes = orderedRoutes(config);
  io.blank();
  if (routes.length === 0) {
    io.print('There are no routes configured.');
    return;
  }
  const lines = routes.map((r, i) => `${i + 1}. ${routeLine(r)}`);
  const page = io.interactive ? LISTED : Infinity;
  io.print('Currently configured routes:');
  for (let i = 0; i < lines.length; i += page) {
    if (i > 0 && !(await io.more())) return;
    io.print(...lines.slice(i, i + page));
  }
}

async function newInteractive(io: CommandIO): Promise<void> {
  const domain = await askValid<string | undefined>(io, { label: DOMAIN_QUESTION }, (a) => (a === '' ? { value: undefined } : newDomain(io.pending.config, a)));
  if (!domain) return;
  const d = await askValid(io, { label: destinationsQuestion(domain) }, parseDestinations);
  createRoute(io, domain, d);
}

/** Asks which route; an empty answer leaves (undefined). */
function askRoute(io: CommandIO, verb: string): Promise<SmtpRoute | undefined> {
  return askValid<SmtpRoute | undefined>(io, { label: `Enter the domain you wish to ${verb}.` }, (a) => (a === '' ? { value: undefined } : pickRoute(io.pending.config, a)));
}

async function editInteractive(io: CommandIO): Promise<void> {
  const route = await askRoute(io, 'edit');
  if (!route) return;
  const domain = canonical(route.domain);
  const rename = await askValid(io, { label: 'Enter the new domain for this route (Enter keeps it).', default: domain }, (a) =>
    newDomain(io.pending.config, a, domain),
  );
  const before = destinationsOf(route);
  let current = before;
  for (;;) {
    io.blank();
    io.print(`Destinations for ${rename}: ${formatDestinations(current)}`);
    const op = await askMenu(io, 'Choose the operation you want to perform:', EDIT_OPERATIONS);
    if (op === undefined) break;
    if (op === 'ADD') {
      current = await askValid(io, { label: 'Enter the additional destination hosts, separated by commas.' }, (a) => addDestinations(current, a));
    } else if (op === 'REPLACE') {
      current = await askValid(io, { label: destinationsQuestion(rename) }, parseDestinations);
    } else if (current.special || current.hosts.length < 2) {
      io.blank();
      io.print('A route must keep at least one destination: use REPLACE, or DELETE the route.');
    } else {
      const items = current.hosts.map(formatRouteHost);
      const i = await askNumbered(io, 'Enter the destination you would like to remove.', items);
      if (i !== undefined) current = { hosts: current.hosts.filter((_, j) => j !== i) };
    }
  }
  editRoute(io, domain, rename, before, current);
}

async function deleteInteractive(io: CommandIO): Promise<void> {
  const route = await askRoute(io, 'delete');
  if (!route) return;
  const domain = canonical(route.domain);
  const question = isAll(domain) ? 'Are you sure you want to reset the default route?' : `Are you sure you want to delete the route for ${domain}?`;
  if (await askYesNo(io, question, false)) deleteRoute(io, domain);
}

async function menu(io: CommandIO): Promise<void> {
  // After PRINT the routes are on the screen already.
  let printed = false;
  for (;;) {
    const config = io.pending.config;
    if (!printed) printListing(io, config);
    printed = false;
    const op = await askMenu(io, 'Choose the operation you want to perform:', config.routes.length === 0 ? [NEW_OP] : OPERATIONS);
    if (op === undefined) return;
    if (op === 'NEW') await newInteractive(io);
    else if (op === 'EDIT') await editInteractive(io);
    else if (op === 'DELETE') await deleteInteractive(io);
    else if (op === 'PRINT') {
      await printAll(io, config);
      printed = true;
    }
    else if (await askYesNo(io, 'Are you sure you want to delete all of the configured routes?', false)) clearRoutes(io);
  }
}

// ----- batch form -----

const USAGE = [
  'smtproutes new <domain> <host>[,<host>...]',
  'smtproutes edit <domain> add|replace|remove <host>[,<host>...]',
  'smtproutes edit <domain> rename <new domain>',
  'smtproutes delete <domain>',
  'smtproutes print',
  'smtproutes clear',
];

/** REMOVE in batch: each named host must be in the route, and one must stay. */
function removeHosts(current: RouteDestinations, text: string): RouteDestinations {
  let hosts = current.hosts;
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const typed = parseRouteHost(item);
    const name = 'value' in typed ? typed.value.host : item.toLowerCase();
    const i = hosts.findIndex((h) => formatRouteHost(h).toLowerCase() === item.toLowerCase() || h.host === name);
    if (i < 0) throw new CommandError(`The destination ${item} is not in this route.`);
    hosts = hosts.filter((_, j) => j !== i);
  }
  if (hosts.length === 0) throw new CommandError('A route must keep at least one destination: use replace, or delete the route.');
  return { hosts };
}

async function batch(io: CommandIO, args: string[]): Promise<void> {
  const [op, domainArg, ...rest] = args;
  const verb = op.toLowerCase();
  const config = io.pending.config;
  const usage = () => new CommandError(`Usage: ${USAGE.find((u) => u.split(' ')[1] === verb) ?? USAGE.join(' | ')}`);
  if (verb === 'print') {
    if (domainArg) throw usage();
    await printAll(io, config);
    return;
  }
  if (verb === 'clear') {
    if (domainArg) throw usage();
    if (config.routes.length === 0) throw new CommandError('There are no routes configured.');
    clearRoutes(io);
  } else if (verb === 'new') {
    if (!domainArg || rest.length === 0) throw usage();
    const domain = parsedArg(newDomain(config, domainArg));
    createRoute(io, domain, parsedArg(parseDestinations(rest.join(','))));
  } else if (verb === 'delete') {
    if (!domainArg || rest.length) throw usage();
    deleteRoute(io, canonical(parsedArg(pickRoute(config, domainArg)).domain));
  } else if (verb === 'edit') {
    const [sub, ...values] = rest;
    if (!domainArg || !sub || values.length === 0) throw usage();
    const route = parsedArg(pickRoute(config, domainArg));
    const domain = canonical(route.domain);
    const before = destinationsOf(route);
    const text = values.join(',');
    const s = sub.toLowerCase();
    let rename = domain;
    let after = before;
    if (s === 'add') after = parsedArg(addDestinations(before, text));
    else if (s === 'replace') after = parsedArg(parseDestinations(text));
    else if (s === 'remove') {
      if (before.special) throw new CommandError(`This route uses ${before.special}: use replace.`);
      after = removeHosts(before, text);
    } else if (s === 'rename') {
      if (values.length !== 1) throw usage();
      rename = parsedArg(newDomain(config, values[0], domain));
    } else throw new CommandError(`Unknown option "${sub}": use add, replace, remove or rename.`);
    const error = after.special ? undefined : checkHosts(after.hosts);
    if (error) throw new CommandError(error);
    if (!editRoute(io, domain, rename, before, after)) {
      io.print('No changes.');
      return;
    }
  } else {
    throw new CommandError(`Unknown operation "${op}": use new, edit, delete, print or clear.`);
  }
  io.print(io.pending.lastChange!);
}

export const smtproutes: Command = {
  name: 'smtproutes',
  summary: 'Set up permanent domain redirections (SMTP routes).',
  help: `smtproutes - Set up permanent domain redirections (SMTP routes).

Lists the routes (domain: destination hosts), then NEW / EDIT / DELETE / PRINT / CLEAR
(an empty answer leaves). A route's domain is example.com, .example.com (its subdomains)
or ALL, the default route for every other domain; the most specific route wins. Without
a matching route (or with USEDNS) mail follows the domain's MX records.
Destination hosts, separated by commas, are tried in order: lowest /pri= first, equal
priorities in the order entered. The next host is tried when one refuses the connection
or answers 4xx (greeting, or the whole transaction); when none answers the mail waits for
a retry. Syntax per host: host, host:port, host/pri=N, [host] (address records only, no
MX lookup of the name); or USEDNS alone (the domain's MX records) or /dev/null alone
(mail is dropped and logged as delivered).
NEW asks for the domain and the hosts. EDIT asks for the route (its domain or number), a
new domain (Enter keeps it), then ADD / REPLACE / REMOVE destinations. DELETE asks and
confirms; deleting ALL resets the default route (other domains follow DNS). CLEAR
confirms and deletes every route. IMPORT/EXPORT (route files) and SMTP authentication
profiles are not available here.
Changes take effect with "commit": the next delivery after it uses the new route.

Batch:
${USAGE.map((u) => `  ${u}`).join('\n')}
(no confirmation in batch; hosts may also be given as several words.)`,
  argWords: () => ['new', 'edit', 'delete', 'print', 'clear'],
  async run(io, args) {
    if (args.length > 0) await batch(io, args);
    else await menu(io);
  },
};
