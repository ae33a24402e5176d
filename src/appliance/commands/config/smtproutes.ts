// `smtproutes`: the SMTP routes, domain (or ALL, the default route) -> destination hosts in
// order (a configuration command: changes go to the session's pending copy until `commit`).
// Declared on the command kit; the table's rules and operations are src/model/tables/smtp-routes.ts,
// the hosts' syntax src/model/route-hosts.ts.
import type { Parsed } from '../../../model/answers.js';
import type { ApplianceConfig, SmtpRoute } from '../../../model/config.js';
import { formatCount } from '../../../model/format-count.js';
import {
  addDestinations,
  canRemoveHost,
  formatDestinations,
  formatRouteHost,
  parseDestinations,
  removeDestinations,
  type RouteDestinations,
} from '../../../model/route-hosts.js';
import {
  clearRoutes,
  createRoute,
  deleteRoute,
  destinationsOf,
  editRoute,
  isDefaultRoute,
  orderedRoutes,
  parseRouteDomain,
  pickRoute,
  routeDomain,
} from '../../../model/tables/smtp-routes.js';
import { CommandError, parsedArg, type CommandIO } from '../../kit/command.js';
import { configCommand, recordIf, runMenu, UsageError, wordList } from '../../kit/config-command.js';
import { askNumbered, askValid, askYesNo } from '../../kit/dialog.js';

/** Routes listed above the menu; PRINT shows them all. */
const LISTED = 20;

// ----- reports -----

const numberedRoutes = (config: ApplianceConfig): string[] =>
  orderedRoutes(config).map((r, i) => `${i + 1}. ${routeDomain(r.domain)}: ${formatDestinations(r)}`);

/** The menu's banner: the first routes, or that there are none. */
function listing(config: ApplianceConfig): string[] {
  const lines = numberedRoutes(config);
  if (lines.length === 0) return ['There are no routes configured.'];
  const more = lines.length > LISTED ? [`(${formatCount(lines.length - LISTED)} more: PRINT shows them all.)`] : [];
  return ['Currently configured routes:', ...lines.slice(0, LISTED), ...more];
}

/** Every route, a page at a time at a terminal. */
async function printAll(io: CommandIO): Promise<void> {
  const lines = numberedRoutes(io.pending.config);
  io.blank();
  if (lines.length === 0) {
    io.print('There are no routes configured.');
    return;
  }
  const page = io.interactive ? LISTED : Infinity;
  io.print('Currently configured routes:');
  for (let i = 0; i < lines.length; i += page) {
    if (i > 0 && !(await io.more())) return;
    io.print(...lines.slice(i, i + page));
  }
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

const askDestinations = (io: CommandIO, domain: string) => askValid(io, { label: destinationsQuestion(domain) }, parseDestinations);

/** EDIT's sub-menu: each changes the destinations being edited, asked in the dialog or given in the batch form. */
interface HostsOperation {
  word: string;
  description: string;
  ask(io: CommandIO, current: RouteDestinations, domain: string): Promise<RouteDestinations>;
  given(current: RouteDestinations, text: string): Parsed<RouteDestinations>;
}

const HOSTS_OPERATIONS: readonly HostsOperation[] = [
  {
    word: 'ADD',
    description: 'Add new destination hosts.',
    ask: (io, current) => askValid(io, { label: 'Enter the additional destination hosts, separated by commas.' }, (a) => addDestinations(current, a)),
    given: addDestinations,
  },
  {
    word: 'REPLACE',
    description: 'Specify a new destination or set of destinations.',
    ask: (io, _current, domain) => askDestinations(io, domain),
    given: (_current, text) => parseDestinations(text),
  },
  {
    word: 'REMOVE',
    description: 'Remove a destination.',
    async ask(io, current) {
      if (!canRemoveHost(current)) {
        io.blank();
        io.print('A route must keep at least one destination: use REPLACE, or DELETE the route.');
        return current;
      }
      const i = await askNumbered(io, 'Enter the destination you would like to remove.', current.hosts.map(formatRouteHost));
      return i === undefined ? current : { hosts: current.hosts.filter((_, j) => j !== i) };
    },
    given: removeDestinations,
  },
];

async function newDialog(io: CommandIO): Promise<void> {
  const domain = await askValid<string | undefined>(io, { label: DOMAIN_QUESTION }, (a) =>
    a === '' ? { value: undefined } : parseRouteDomain(io.pending.config, a),
  );
  if (domain) io.pending.record(createRoute(domain, await askDestinations(io, domain)));
}

/** Asks which route; an empty answer leaves (undefined). */
function askRoute(io: CommandIO, verb: string): Promise<SmtpRoute | undefined> {
  return askValid<SmtpRoute | undefined>(io, { label: `Enter the domain you wish to ${verb}.` }, (a) =>
    a === '' ? { value: undefined } : pickRoute(io.pending.config, a),
  );
}

/** The route, a new domain, then the sub-menu until an empty answer: recorded as one change. */
async function editDialog(io: CommandIO): Promise<void> {
  const route = await askRoute(io, 'edit');
  if (!route) return;
  const domain = routeDomain(route.domain);
  const rename = await askValid(io, { label: 'Enter the new domain for this route (Enter keeps it).', default: domain }, (a) =>
    parseRouteDomain(io.pending.config, a, domain),
  );
  const before = destinationsOf(route);
  let current = before;
  await runMenu(io, {
    banner: () => [`Destinations for ${rename}: ${formatDestinations(current)}`],
    operations: HOSTS_OPERATIONS.map((op) => ({
      word: op.word,
      description: op.description,
      dialog: async (io: CommandIO) => {
        current = await op.ask(io, current, rename);
      },
    })),
  });
  recordIf(io, editRoute(domain, rename, before, current));
}

async function deleteDialog(io: CommandIO): Promise<void> {
  const route = await askRoute(io, 'delete');
  if (!route) return;
  const domain = routeDomain(route.domain);
  const question = isDefaultRoute(domain) ? 'Are you sure you want to reset the default route?' : `Are you sure you want to delete the route for ${domain}?`;
  if (await askYesNo(io, question, false)) io.pending.record(deleteRoute(domain));
}

// ----- batch -----

const HOSTS_WORDS = HOSTS_OPERATIONS.map((o) => o.word.toLowerCase());
/** The words after `edit <domain>`: EDIT's sub-menu, and `rename` for its new-domain question. */
const EDIT_WORDS = [...HOSTS_WORDS, 'rename'];

/** `edit <domain> <sub> <hosts>`: one of EDIT's sub-menu operations, or a rename. */
function editGiven(io: CommandIO, [target, sub, ...values]: string[]): void {
  if (!target || !sub || values.length === 0) throw new UsageError();
  const config = io.pending.config;
  const route = parsedArg(pickRoute(config, target));
  const domain = routeDomain(route.domain);
  const before = destinationsOf(route);
  const word = sub.toLowerCase();
  const op = HOSTS_OPERATIONS[HOSTS_WORDS.indexOf(word)];
  let rename = domain;
  let after = before;
  if (op) after = parsedArg(op.given(before, values.join(',')));
  else if (word === 'rename') {
    if (values.length !== 1) throw new UsageError();
    rename = parsedArg(parseRouteDomain(config, values[0], domain));
  } else {
    throw new CommandError(`Unknown option "${sub}": use ${wordList(EDIT_WORDS)}.`);
  }
  recordIf(io, editRoute(domain, rename, before, after));
}

const routeWords = (io: Pick<CommandIO, 'pending'>) => orderedRoutes(io.pending.config).map((r) => routeDomain(r.domain));

export const smtproutes = configCommand({
  name: 'smtproutes',
  summary: 'Set up permanent domain redirections (SMTP routes).',
  about: `Lists the routes (domain: destination hosts), then NEW / EDIT / DELETE / PRINT / CLEAR
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
Changes take effect with "commit": the next delivery after it uses the new route.`,
  batchNotes: ['(no confirmation in batch; hosts may also be given as several words.)'],
  banner: (io) => listing(io.pending.config),
  operations: [
    {
      word: 'NEW',
      description: 'Create a new route.',
      dialog: newDialog,
      batch: {
        usage: ['new <domain> <host>[,<host>...]'],
        changes: true,
        run(io, [target, ...hosts]) {
          if (!target || hosts.length === 0) throw new UsageError();
          const domain = parsedArg(parseRouteDomain(io.pending.config, target));
          io.pending.record(createRoute(domain, parsedArg(parseDestinations(hosts.join(',')))));
        },
      },
    },
    {
      word: 'EDIT',
      description: 'Edit destinations of an existing route.',
      offered: (config) => config.routes.length > 0,
      dialog: editDialog,
      batch: {
        usage: [`edit <domain> ${HOSTS_WORDS.join('|')} <host>[,<host>...]`, 'edit <domain> rename <new domain>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? routeWords(io) : before.length === 1 ? EDIT_WORDS : []),
        run: editGiven,
      },
    },
    {
      word: 'DELETE',
      description: 'Remove a route.',
      offered: (config) => config.routes.length > 0,
      dialog: deleteDialog,
      batch: {
        usage: ['delete <domain>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? routeWords(io) : []),
        run(io, [target, ...rest]) {
          if (!target || rest.length) throw new UsageError();
          io.pending.record(deleteRoute(routeDomain(parsedArg(pickRoute(io.pending.config, target)).domain)));
        },
      },
    },
    {
      word: 'PRINT',
      description: 'Display all routes.',
      offered: (config) => config.routes.length > 0,
      dialog: async (io) => {
        await printAll(io);
        return 'listed';
      },
      batch: {
        usage: ['print'],
        async run(io, args) {
          if (args.length) throw new UsageError();
          await printAll(io);
        },
      },
    },
    {
      word: 'CLEAR',
      description: 'Remove all routes.',
      offered: (config) => config.routes.length > 0,
      dialog: async (io) => {
        if (await askYesNo(io, 'Are you sure you want to delete all of the configured routes?', false)) io.pending.record(clearRoutes());
      },
      batch: {
        usage: ['clear'],
        changes: true,
        run(io, args) {
          if (args.length) throw new UsageError();
          if (io.pending.config.routes.length === 0) throw new CommandError('There are no routes configured.');
          io.pending.record(clearRoutes());
        },
      },
    },
  ],
});
