// `destconfig`: per-destination delivery settings (concurrency limit, messages per connection,
// bounce profile) and the DEFAULT entry (a configuration command: changes go to the session's
// pending copy until `commit`). Interactive menu or batch form.
import { DEFAULT_PROFILE_NAME, validProfileName } from '../../../model/bounce-profile.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MESSAGES_PER_CONNECTION,
  type ApplianceConfig,
  type DestinationConfig,
} from '../../../model/config.js';
import { DomainPattern } from '../../../model/domain-pattern.js';
import { formatCount } from '../../../model/format-count.js';
import { parseInteger, type Parsed } from '../../../model/answers.js';
import { CommandError, parsedArg, type Command, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { askInteger, askMenu, askNumbered, askValid, askYesNo } from '../../kit/dialog.js';

const DEFAULT = 'DEFAULT';
export const LIMITS = { concurrency: { min: 1, max: 1_000 }, messages: { min: 1, max: 1_000 } } as const;
const NEW_PROFILE = 'New Profile';

const OPERATIONS = [
  { word: 'NEW', description: 'Create a new entry.' },
  { word: 'EDIT', description: 'Modify an entry.' },
  { word: 'DELETE', description: 'Remove an entry.' },
  { word: 'DEFAULT', description: 'Change the default.' },
  { word: 'LIST', description: 'Display a summary list of all entries.' },
  { word: 'DETAIL', description: 'Display details for one destination or all entries.' },
  { word: 'CLEAR', description: 'Remove all entries.' },
];

/** One entry's own settings (unset: inherited from DEFAULT), plus a bounce profile to create with it. */
interface EntrySettings {
  concurrency?: number;
  maxMessagesPerConnection?: number;
  bounceProfile?: string;
  /** `New Profile`: the bounce profile is created (every value from Default) with the entry. */
  createProfile?: boolean;
}

// ----- entries in a configuration -----

const canonical = (domain: string) => DomainPattern.fromStored(domain).toString();
const isDefault = (d: DestinationConfig) => d.domain === DEFAULT;

function entries(config: ApplianceConfig): DestinationConfig[] {
  return config.destinations.filter((d) => !isDefault(d)).sort((a, b) => canonical(a.domain).localeCompare(canonical(b.domain)));
}

function findEntry(config: ApplianceConfig, domain: string): DestinationConfig | undefined {
  const want = canonical(domain);
  return config.destinations.find((d) => !isDefault(d) && canonical(d.domain) === want);
}

function defaults(config: ApplianceConfig): { concurrency: number; maxMessagesPerConnection: number } {
  const d = config.destinations.find(isDefault);
  return {
    concurrency: d?.concurrency ?? DEFAULT_CONCURRENCY,
    maxMessagesPerConnection: d?.maxMessagesPerConnection ?? DEFAULT_MESSAGES_PER_CONNECTION,
  };
}

const notFound = (domain: string) => `The domain ${domain} was not found in the destination control table.`;

function parseDomain(text: string): Parsed<string> {
  const p = DomainPattern.parse(text);
  if ('error' in p) return p;
  if (p.value === DomainPattern.ALL) return { error: 'Use DEFAULT to change the settings of every other domain.' };
  return { value: p.value.toString() };
}

function newDomain(config: ApplianceConfig, text: string): Parsed<string> {
  if (text.trim() === '') return { error: 'You must enter a domain.' };
  const p = parseDomain(text);
  if ('error' in p) return p;
  if (findEntry(config, p.value)) return { error: `The domain ${p.value} is already in the destination control table: use EDIT.` };
  return p;
}

function existingDomain(config: ApplianceConfig, text: string): Parsed<string> {
  const p = parseDomain(text);
  if ('error' in p) return p;
  const e = findEntry(config, p.value);
  return e ? { value: canonical(e.domain) } : { error: notFound(p.value) };
}

function profileRefusal(config: ApplianceConfig, s: EntrySettings): string | undefined {
  if (s.bounceProfile === undefined) return undefined;
  if (s.createProfile) {
    const bad = validProfileName(s.bounceProfile);
    if (bad) return bad;
    return Object.keys(config.bounceProfiles).some((n) => n.toLowerCase() === s.bounceProfile!.toLowerCase()) ? 'Profile name already in use' : undefined;
  }
  return config.bounceProfiles[s.bounceProfile] ? undefined : `Invalid profile name "${s.bounceProfile}": there is no such bounce profile.`;
}

const shown = (v: number | undefined, inherited: number) => (v === undefined ? `Default (${formatCount(inherited)})` : formatCount(v));

/** Each setting as a change description names it. */
function fields(s: EntrySettings): [string, string][] {
  return [
    ['concurrency', s.concurrency === undefined ? 'Default' : formatCount(s.concurrency)],
    ['messages per connection', s.maxMessagesPerConnection === undefined ? 'Default' : formatCount(s.maxMessagesPerConnection)],
    ['bounce profile', s.bounceProfile === undefined ? "the listener's" : `${s.bounceProfile}${s.createProfile ? ' (new)' : ''}`],
  ];
}

const describe = (s: EntrySettings): string => fields(s).map(([k, v]) => `${k} ${v}`).join(', ');

/** `concurrency 1 -> Default, ...`: the settings that differ. */
function describeChange(before: EntrySettings, after: EntrySettings): string {
  const b = fields(before);
  return fields(after)
    .flatMap(([k, v], i) => (v === b[i][1] ? [] : [`${k} ${b[i][1]} -> ${v}`]))
    .join(', ');
}

const ownSettings = (e: DestinationConfig): EntrySettings => ({
  concurrency: e.concurrency,
  maxMessagesPerConnection: e.maxMessagesPerConnection,
  bounceProfile: e.bounceProfile,
});

function writeEntry(config: ApplianceConfig, entry: DestinationConfig, s: EntrySettings): void {
  const refusal = profileRefusal(config, s);
  if (refusal) throw new CommandError(refusal);
  if (s.createProfile && s.bounceProfile) config.bounceProfiles[s.bounceProfile] = {};
  for (const key of ['concurrency', 'maxMessagesPerConnection', 'bounceProfile'] as const) {
    if (s[key] === undefined) delete entry[key];
    else (entry as unknown as Record<string, unknown>)[key] = s[key];
  }
}

// ----- the changes, recorded in the session's pending configuration -----

function createEntry(io: CommandIO, domain: string, s: EntrySettings): void {
  io.pending.edit(`Created destination "${domain}": ${describe(s)}.`, (config) => {
    const p = newDomain(config, domain);
    if ('error' in p) throw new CommandError(p.error);
    const entry: DestinationConfig = { domain: p.value };
    writeEntry(config, entry, s);
    config.destinations.push(entry);
  });
}

function editEntry(io: CommandIO, domain: string, before: EntrySettings, after: EntrySettings): boolean {
  const what = describeChange(before, after);
  if (what === '') return false;
  io.pending.edit(`Edited destination "${domain}": ${what}.`, (config) => {
    const entry = findEntry(config, domain);
    if (!entry) throw new CommandError(notFound(domain));
    writeEntry(config, entry, after);
  });
  return true;
}

function editDefault(io: CommandIO, before: ReturnType<typeof defaults>, after: ReturnType<typeof defaults>): boolean {
  if (before.concurrency === after.concurrency && before.maxMessagesPerConnection === after.maxMessagesPerConnection) return false;
  const what = `concurrency ${formatCount(after.concurrency)}, messages per connection ${formatCount(after.maxMessagesPerConnection)}`;
  io.pending.edit(`Edited the default destination settings: ${what}.`, (config) => {
    let entry = config.destinations.find(isDefault);
    if (!entry) {
      entry = { domain: DEFAULT };
      config.destinations.push(entry);
    }
    entry.concurrency = after.concurrency;
    entry.maxMessagesPerConnection = after.maxMessagesPerConnection;
  });
  return true;
}

function deleteEntry(io: CommandIO, domain: string): void {
  io.pending.edit(`Deleted destination "${domain}".`, (config) => {
    const entry = findEntry(config, domain);
    if (!entry) throw new CommandError(notFound(domain));
    config.destinations = config.destinations.filter((d) => d !== entry);
  });
}

function clearEntries(io: CommandIO): void {
  io.pending.edit('Deleted all destination entries (DEFAULT kept).', (config) => {
    config.destinations = config.destinations.filter(isDefault);
  });
}

// ----- reports -----

function listLines(config: ApplianceConfig): string[] {
  const def = defaults(config);
  const row = (domain: string, conc: string, msgs: string, profile: string) =>
    `${domain.padEnd(30)} ${conc.padStart(11)} ${msgs.padStart(13)}  ${profile}`;
  return [
    row('Domain', 'Concurrency', 'Messages per', 'Bounce'),
    row('', 'Limit', 'Connection', 'Profile'),
    row('(Default)', formatCount(def.concurrency), formatCount(def.maxMessagesPerConnection), '(listener)'),
    ...entries(config).map((e) =>
      row(
        canonical(e.domain),
        e.concurrency === undefined ? 'Default' : formatCount(e.concurrency),
        e.maxMessagesPerConnection === undefined ? 'Default' : formatCount(e.maxMessagesPerConnection),
        e.bounceProfile ?? '(listener)',
      ),
    ),
  ];
}

function detailLines(config: ApplianceConfig, which: DestinationConfig[] | 'default'): string[] {
  const def = defaults(config);
  const field = (label: string, value: string) => `    ${`${label}:`.padEnd(30)}${value}`;
  if (which === 'default') {
    return [
      'Default',
      field('Maximum concurrency', formatCount(def.concurrency)),
      field('Messages per connection', formatCount(def.maxMessagesPerConnection)),
      field('Bounce profile', "the listener's"),
    ];
  }
  return which.flatMap((e, i) => [
    ...(i > 0 ? [''] : []),
    canonical(e.domain),
    field('Maximum concurrency', shown(e.concurrency, def.concurrency)),
    field('Messages per connection', shown(e.maxMessagesPerConnection, def.maxMessagesPerConnection)),
    field('Bounce profile', e.bounceProfile ?? "the listener's"),
  ]);
}

function countLine(config: ApplianceConfig): string {
  const n = entries(config).length;
  return n === 1 ? 'There is currently 1 entry configured.' : `There are currently ${formatCount(n)} entries configured.`;
}

// ----- interactive -----

/** The questions of NEW and EDIT, the current values as defaults. */
async function askSettings(io: CommandIO, domain: string, current: EntrySettings, creating: boolean): Promise<EntrySettings> {
  const config = io.pending.config;
  const def = defaults(config);
  const next: EntrySettings = {};
  if (await askYesNo(io, `Do you wish to configure a concurrency limit for ${domain}?`, creating || current.concurrency !== undefined)) {
    next.concurrency = await askInteger(io, `Enter the max concurrency limit for "${domain}".`, {
      ...LIMITS.concurrency,
      default: current.concurrency ?? def.concurrency,
    });
  }
  if (await askYesNo(io, 'Do you wish to apply a messages-per-connection limit to this domain?', current.maxMessagesPerConnection !== undefined)) {
    next.maxMessagesPerConnection = await askInteger(io, `Enter the max number of messages per connection for "${domain}".`, {
      ...LIMITS.messages,
      default: current.maxMessagesPerConnection ?? def.maxMessagesPerConnection,
    });
  }
  if (await askYesNo(io, 'Do you wish to apply a specific bounce profile to this domain?', current.bounceProfile !== undefined)) {
    const others = Object.keys(config.bounceProfiles).filter((n) => n !== DEFAULT_PROFILE_NAME);
    const items = [DEFAULT_PROFILE_NAME, NEW_PROFILE, ...others];
    const at = current.bounceProfile ? items.indexOf(current.bounceProfile) : 0;
    const i = (await askNumbered(io, 'Please select the bounce profile to apply:', items, { defaultIndex: at >= 0 ? at : 0 })) ?? 0;
    if (items[i] === NEW_PROFILE) {
      next.bounceProfile = await askValid(io, { label: 'Please enter the name of a profile to create (its values come from Default).' }, (a) => {
        const refusal = profileRefusal(config, { bounceProfile: a, createProfile: true });
        return refusal ? { error: refusal } : { value: a };
      });
      next.createProfile = true;
    } else {
      next.bounceProfile = items[i];
    }
  }
  return next;
}

async function newInteractive(io: CommandIO): Promise<void> {
  const domain = await askValid<string | undefined>(io, { label: 'Enter the domain you wish to configure.' }, (a) =>
    a === '' ? { value: undefined } : newDomain(io.pending.config, a),
  );
  if (!domain) return;
  createEntry(io, domain, await askSettings(io, domain, {}, true));
}

/** Asks for an existing entry; an empty answer leaves (undefined). */
function askExisting(io: CommandIO, verb: string): Promise<string | undefined> {
  return askValid<string | undefined>(io, { label: `Enter the domain you wish to ${verb}.` }, (a) =>
    a === '' ? { value: undefined } : existingDomain(io.pending.config, a),
  );
}

async function editInteractive(io: CommandIO): Promise<void> {
  const domain = await askExisting(io, 'edit');
  if (!domain) return;
  const before = ownSettings(findEntry(io.pending.config, domain)!);
  const after = await askSettings(io, domain, before, false);
  if (!editEntry(io, domain, before, after)) {
    io.blank();
    io.print('No changes.');
  }
}

async function defaultInteractive(io: CommandIO): Promise<void> {
  const before = defaults(io.pending.config);
  const concurrency = await askInteger(io, 'Enter the default maximum concurrency limit.', { ...LIMITS.concurrency, default: before.concurrency });
  const maxMessagesPerConnection = await askInteger(io, 'Enter the maximum number of messages per connection.', {
    ...LIMITS.messages,
    default: before.maxMessagesPerConnection,
  });
  editDefault(io, before, { concurrency, maxMessagesPerConnection });
}

async function detailInteractive(io: CommandIO): Promise<void> {
  const config = io.pending.config;
  const which = await askValid<DestinationConfig[] | 'default' | undefined>(
    io,
    { label: 'Enter the domain you wish to view, "default" or "all".', default: 'all' },
    (a) => detailSelection(config, a),
  );
  if (which === undefined) return;
  io.blank();
  io.print(...detailLines(config, which));
}

function detailSelection(config: ApplianceConfig, text: string): Parsed<DestinationConfig[] | 'default'> {
  const t = text.trim().toLowerCase();
  if (t === 'all') return { value: entries(config) };
  if (t === 'default') return { value: 'default' };
  const p = existingDomain(config, text);
  return 'error' in p ? p : { value: [findEntry(config, p.value)!] };
}

async function menu(io: CommandIO): Promise<void> {
  for (;;) {
    const config = io.pending.config;
    io.blank();
    io.print(countLine(config));
    const op = await askMenu(io, 'Choose the operation you want to perform:', OPERATIONS);
    if (op === undefined) return;
    if (op === 'NEW') await newInteractive(io);
    else if (op === 'EDIT') await editInteractive(io);
    else if (op === 'DELETE') {
      const domain = await askExisting(io, 'delete');
      if (domain) deleteEntry(io, domain);
    } else if (op === 'DEFAULT') await defaultInteractive(io);
    else if (op === 'LIST') {
      io.blank();
      io.print(...listLines(config));
    } else if (op === 'DETAIL') await detailInteractive(io);
    else if (entries(config).length > 0) clearEntries(io);
  }
}

// ----- batch form -----

const KEYS = ['concurrency', 'max_messages', 'bounce_profile'] as const;
const USAGE = [
  'destconfig new <domain> [concurrency=N] [max_messages=N] [bounce_profile=NAME]',
  'destconfig edit <domain> key=value ...       (an empty value: inherit from DEFAULT)',
  'destconfig default [concurrency=N] [max_messages=N]',
  'destconfig delete <domain>',
  'destconfig clear',
  'destconfig list',
  'destconfig detail <domain|default|all>',
];

/** `key=value ...` onto an entry's own settings, with the questions' checks. */
function applyAssignments(config: ApplianceConfig, s: EntrySettings, args: readonly string[], allowed: readonly string[]): EntrySettings {
  const next = { ...s };
  for (const { key, value } of parseAssignments(args)) {
    if (!allowed.includes(key)) throw new CommandError(`Unknown setting "${key}": use ${allowed.join(', ')}.`);
    const unset = value.trim() === '';
    if (key === 'concurrency') next.concurrency = unset ? undefined : parsedArg(parseInteger(value, LIMITS.concurrency.min, LIMITS.concurrency.max), key);
    else if (key === 'max_messages') next.maxMessagesPerConnection = unset ? undefined : parsedArg(parseInteger(value, LIMITS.messages.min, LIMITS.messages.max), key);
    else {
      const stored = Object.keys(config.bounceProfiles).find((n) => n.toLowerCase() === value.trim().toLowerCase());
      if (!unset && !stored) throw new CommandError(`Invalid profile name "${value}": there is no such bounce profile (create it with bounceconfig).`);
      next.bounceProfile = unset ? undefined : stored;
    }
  }
  return next;
}

async function batch(io: CommandIO, args: string[]): Promise<void> {
  const [op, target, ...settings] = args;
  const verb = op.toLowerCase();
  const config = io.pending.config;
  const usage = () => new CommandError(`Usage: ${USAGE.find((u) => u.split(' ')[1] === verb)?.replace(/ {2,}.*$/, '') ?? USAGE.join(' | ')}`);
  switch (verb) {
    case 'list':
      if (target) throw usage();
      io.blank();
      io.print(countLine(config), '', ...listLines(config));
      return;
    case 'detail':
      if (!target || settings.length) throw usage();
      io.blank();
      io.print(...detailLines(config, parsedArg(detailSelection(config, target))));
      return;
    case 'new': {
      if (!target) throw usage();
      const domain = parsedArg(newDomain(config, target));
      createEntry(io, domain, applyAssignments(config, {}, settings, KEYS));
      break;
    }
    case 'edit': {
      if (!target) throw usage();
      if (settings.length === 0) throw new CommandError('Nothing to change: give key=value settings.');
      const domain = parsedArg(existingDomain(config, target));
      const before = ownSettings(findEntry(config, domain)!);
      if (!editEntry(io, domain, before, applyAssignments(config, before, settings, KEYS))) {
        io.print('No changes.');
        return;
      }
      break;
    }
    case 'default': {
      // `destconfig default` alone, or with settings: the target is the first setting.
      const all = [target, ...settings].filter((a): a is string => a !== undefined);
      if (all.length === 0) throw new CommandError('Nothing to change: give key=value settings.');
      const before = defaults(config);
      const s = applyAssignments(config, { ...before }, all, ['concurrency', 'max_messages']);
      const after = { concurrency: s.concurrency ?? before.concurrency, maxMessagesPerConnection: s.maxMessagesPerConnection ?? before.maxMessagesPerConnection };
      if (!editDefault(io, before, after)) {
        io.print('No changes.');
        return;
      }
      break;
    }
    case 'delete':
      if (!target || settings.length) throw usage();
      deleteEntry(io, parsedArg(existingDomain(config, target)));
      break;
    case 'clear':
      if (target) throw usage();
      if (entries(config).length === 0) throw new CommandError('There are no destination entries to clear.');
      clearEntries(io);
      break;
    default:
      throw new CommandError(`Unknown operation "${op}": use new, edit, delete, default, list, detail or clear.`);
  }
  io.print(io.pending.lastChange!);
}

export const destconfig: Command = {
  name: 'destconfig',
  summary: 'Configure options for outgoing mail delivery per destination domain.',
  help: `destconfig - Configure options for outgoing mail delivery per destination domain.

Shows how many entries there are, then NEW / EDIT / DELETE / DEFAULT / LIST / DETAIL /
CLEAR (an empty answer leaves). An entry is a recipient domain (example.com, or
.example.com for its subdomains; the most specific entry wins) with, each optional:
  - a concurrency limit (1-1,000): delivery connections open to the domain at most;
  - a messages-per-connection limit (1-1,000): a connection is closed after that many
    messages and another one opened;
  - a bounce profile: its retries, queue lifetime and DSNs replace those of the profile
    the message got from its listener ("New Profile" creates one, every value from
    Default; tune it with bounceconfig).
A setting an entry leaves out comes from DEFAULT (concurrency ${DEFAULT_CONCURRENCY}, ${DEFAULT_MESSAGES_PER_CONNECTION} messages per
connection unless changed); DEFAULT has no bounce profile of its own. DELETE and CLEAR
(every entry but DEFAULT) do not ask for confirmation. Recipient rate limits, TLS, DANE,
bounce verification, IP sort preference, SETUP, IMPORT and EXPORT are not available here.
Changes take effect with "commit".

Batch:
${USAGE.map((u) => `  ${u}`).join('\n')}`,
  argWords: () => ['new', 'edit', 'delete', 'default', 'list', 'detail', 'clear'],
  async run(io, args) {
    if (args.length > 0) await batch(io, args);
    else await menu(io);
  },
};
