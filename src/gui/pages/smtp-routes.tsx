// Network > SMTP Routes: a receiving domain (or All Other Domains, the route ALL) to its
// destination hosts, each with its port and priority, or USEDNS / /dev/null alone — smtproutes'
// table and operations (src/model/tables/smtp-routes.ts) and its hosts' rules
// (src/model/route-hosts.ts). Route files (import, export) and SMTP authentication profiles do not
// exist in esa-sim.
/** @jsxImportSource hono/jsx */
import type { ApplianceConfig } from '../../model/config.js';
import type { Field } from '../../model/field.js';
import { destinationRows, formatDestinations, parseDestinationRows, type RouteDestinations } from '../../model/route-hosts.js';
import {
  clearRoutes,
  createRoute,
  deleteRoute,
  destinationsOf,
  editRoute,
  findRoute,
  isDefaultRoute,
  orderedRoutes,
  parseRouteDomain,
  routeDomain,
} from '../../model/tables/smtp-routes.js';
import type { FormField } from '../forms.js';
import { rowsField, rowsValue } from '../row-table.js';
import { tablePage, type PageChange } from '../table-page.js';

const PATH = '/network/smtp_routes';
/** The default route's name in the GUI: the route ALL. */
const ALL_OTHER_DOMAINS = 'All Other Domains';
const NOT_DEFINED = '(not defined)';
const NO_AUTH_PROFILES = 'No outgoing SMTP authentication profiles are configured.';

const shownName = (domain: string) => (isDefaultRoute(domain) ? ALL_OTHER_DOMAINS : domain);

function rows(config: ApplianceConfig) {
  const routes = orderedRoutes(config);
  const all = routes.find((r) => isDefaultRoute(r.domain));
  return [
    ...routes
      .filter((r) => !isDefaultRoute(r.domain))
      .map((r) => ({ key: routeDomain(r.domain), removable: true, cells: { 'Destination Hosts': formatDestinations(r) } })),
    { key: 'ALL', label: ALL_OTHER_DOMAINS, removable: all !== undefined, cells: { 'Destination Hosts': all ? formatDestinations(all) : NOT_DEFINED } },
  ];
}

const hostsField = rowsField({
  name: 'dest_hosts',
  label: 'Destination Hosts',
  columns: [
    { name: 'priority', label: 'Priority', size: 6, placeholder: '0' },
    { name: 'host', label: 'Destination', size: 36 },
    { name: 'port', label: 'Port', size: 6, placeholder: '25' },
  ],
  addLabel: 'Add Row',
  hint: "Lowest priority first, equal priorities in turn; [host]: its address records only, no MX. USEDNS alone: the domain's MX records; /dev/null alone: mail is dropped.",
  parse: (rows) => parseDestinationRows(rows.map(([priority, host, port]) => ({ priority, host, port }))),
});

function form(config: ApplianceConfig, key: string | undefined) {
  const route = key === undefined ? undefined : findRoute(config, key);
  const isAll = key !== undefined && isDefaultRoute(key);
  // All Other Domains opens even when not defined: its form defines it.
  if (key !== undefined && !route && !isAll) return undefined;
  const fields: FormField[] = [
    ...(isAll
      ? []
      : [
          {
            name: 'new_domain',
            label: 'Receiving Domain',
            field: { parse: (t: string) => parseRouteDomain(config, t, route ? routeDomain(route.domain) : undefined), format: String } as Field<unknown>,
            hint: 'A domain (example.com), its subdomains (.example.com), or ALL; the most specific route wins.',
          },
        ]),
    hostsField,
    { name: 'out_smtp', label: 'Outgoing SMTP Authentication', kind: 'select', options: ['None'], disabled: true, hint: NO_AUTH_PROFILES },
  ];
  return {
    fields,
    caption: isAll ? `${route ? 'Edit' : 'Add'} SMTP Route: ${ALL_OTHER_DOMAINS}` : undefined,
    values: {
      new_domain: route ? routeDomain(route.domain) : '',
      dest_hosts: rowsValue(route ? destinationRows(route).map((r) => [r.priority, r.host, r.port]) : []),
      out_smtp: 'None',
    },
  };
}

function change(values: Record<string, unknown>, config: ApplianceConfig, key: string | undefined): PageChange | undefined {
  const after = values.dest_hosts as RouteDestinations;
  const route = key === undefined ? undefined : findRoute(config, key);
  if (!route) {
    const domain = key === undefined ? (values.new_domain as string) : 'ALL';
    return { ...createRoute(domain, after), banner: `The SMTP route for ${shownName(domain)} was added.` };
  }
  const domain = routeDomain(route.domain);
  const rename = (values.new_domain as string | undefined) ?? domain;
  const edit = editRoute(domain, rename, destinationsOf(route), after);
  return edit && { ...edit, banner: `The SMTP route for ${shownName(rename)} was saved.` };
}

export const smtpRoutesPage = tablePage({
  place: { tab: 'Network', item: 'SMTP Routes' },
  path: PATH,
  caption: 'SMTP Routes',
  noun: 'SMTP Route',
  addLabel: 'Add Route...',
  columns: [{ name: 'Receiving Domain' }, { header: 'Destination Hosts' }, { delete: true }],
  deleteId: '_click',
  buttons: [
    {
      name: 'clear_all',
      value: 'Clear All Routes',
      confirm: 'Delete every SMTP route, All Other Domains included?',
      confirmLabel: 'Clear All',
      shown: (config) => config.routes.length > 0,
      change: () => ({ ...clearRoutes(), banner: 'All SMTP routes were deleted.' }),
    },
  ],
  rows,
  form,
  change: (values, config, key) => change(values, config, key),
  remove: (key) => ({
    ...deleteRoute(key),
    banner: isDefaultRoute(key)
      ? 'The route for All Other Domains was deleted: other domains follow their MX records.'
      : `The SMTP route for ${key} was deleted.`,
  }),
});
