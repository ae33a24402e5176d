// `listenerconfig`: list, create, edit and delete listeners (a configuration command: changes go
// to the session's pending copy until `commit`, which rebinds the running listeners at once).
import { DEFAULT_PROFILE_NAME, validProfileName } from '../../../model/bounce-profile.js';
import type { ApplianceConfig, ListenerConfig, ListenerType, RatEntry } from '../../../model/config.js';
import { parseChoice } from '../../../model/answers.js';
import type { Command, CommandIO } from '../../kit/command.js';
import { askInteger, askMenu, askNumbered, askValid, askYesNo, numberedLines } from '../../kit/dialog.js';
import { listenerBatch, BATCH_HELP } from './listenerconfig-batch.js';
import { listLines, newListener, recordCreate, recordDelete, recordEdit, shownPort } from './listenerconfig-changes.js';
import { askHatParams, hostAccessMenu, pickHat, RANGES } from './listenerconfig-hat.js';
import { parsePatterns, rcptAccessMenu } from './listenerconfig-rat.js';
import {
  findListener,
  interfaceChoices,
  interfaceLabel,
  interfaceName,
  nameRefusal,
  parseAddress,
  parsePort,
  parseRelayHosts,
  portRefusal,
} from './listenerconfig-values.js';
import { formatCount } from '../../../model/format-count.js';

const TYPES: readonly ListenerType[] = ['Private', 'Public'];

// ----- the list -----

// ----- shared questions -----

async function askInterface(io: CommandIO, current: string): Promise<string> {
  const choices = interfaceChoices(io.pending.config);
  const items = choices.map(interfaceLabel);
  const i = choices.findIndex((c) => c.address === current);
  const label = ['Please choose an IP interface for this Listener (or type an address).', ...numberedLines(items)].join('\n');
  return askValid<string>(io, { label, default: String((i < 0 ? 0 : i) + 1), choices: items }, (a) => {
    const pick = parseChoice(a, [...choices.map((c) => [interfaceLabel(c), c.name])]);
    if ('value' in pick) return { value: choices[pick.value].address };
    return /^\d+$/.test(a.trim()) ? { error: 'Unknown option.' } : parseAddress(a);
  });
}

function askPort(io: CommandIO, label: string, host: string, current: number, self?: string): Promise<number> {
  return askValid<number>(io, { label, default: String(current) }, (a) => {
    const p = parsePort(a);
    if ('error' in p) return p;
    const clash = portRefusal(io.pending.config, host, p.value, self);
    return clash ? { error: clash } : p;
  });
}

/** A port no listener of the configuration uses, from 2525 up (25 needs privileges). */
function freePort(config: ApplianceConfig): number {
  let port = 2525;
  while (config.listeners.some((l) => l.port === port)) port++;
  return port;
}

function profileItems(config: ApplianceConfig): string[] {
  return [DEFAULT_PROFILE_NAME, ...Object.keys(config.bounceProfiles).filter((n) => n !== DEFAULT_PROFILE_NAME)];
}

// ----- NEW -----

async function newDialog(io: CommandIO): Promise<void> {
  const typeIndex = await askNumbered(io, 'Please select the type of listener you want to create.', TYPES, { defaultIndex: 1 });
  const type = TYPES[typeIndex ?? 1];
  const name = await askValid<string>(io, { label: 'Please create a name for this listener (Ex: "InboundMail"):' }, (a) => {
    const refusal = nameRefusal(io.pending.config, a);
    return refusal ? { error: refusal } : { value: a };
  });
  const host = await askInterface(io, '127.0.0.1');
  const port = await askPort(io, 'Enter the TCP port for this listener.', host, freePort(io.pending.config));
  const lc: ListenerConfig = { ...newListener(name, host, port), type };
  if (type === 'Public') {
    const patterns = await askValid(
      io,
      {
        label: [
          'Enter the domain names or specific email addresses you want to accept mail for.',
          'Hostnames such as "example.com" are allowed.',
          'Partial hostnames such as ".example.com" are allowed.',
          'Usernames such as "postmaster@" are allowed.',
          'Full email addresses such as "joe@example.com" or "joe@[1.2.3.4]" are allowed.',
          'Separate multiple addresses with commas.',
        ].join('\n'),
      },
      (a) => parsePatterns(a),
    );
    lc.rat = patterns.map((pattern): RatEntry => ({ pattern, action: 'ACCEPT' }));
  } else {
    lc.relayHosts = await askValid(
      io,
      {
        label: 'Enter the IP addresses or CIDR ranges of the systems allowed to relay email through this listener. Separate multiple entries with commas.',
        default: '127.0.0.1',
      },
      parseRelayHosts,
    );
  }
  const profiles = profileItems(io.pending.config);
  const p = await askNumbered(io, 'Please choose a bounce profile to apply:', profiles, { defaultIndex: 0 });
  lc.bounceProfile = profiles[p ?? 0];
  if (await askYesNo(io, 'Do you want to change the default host access policy?', false)) {
    Object.assign(lc, await askHatParams(io, pickHat(lc), io.pending.config.hostname));
  }
  recordCreate(io, lc);
  io.blank();
  io.print(`Listener ${name} created.`);
}

// ----- EDIT -----

const EDIT_OPERATIONS = [
  { word: 'NAME', description: 'Change the name of the listener.' },
  { word: 'INTERFACE', description: 'Change the interface.' },
  { word: 'LIMITS', description: 'Change the injection limits.' },
  { word: 'HOSTACCESS', description: 'Modify the Host Access Table.' },
  { word: 'RCPTACCESS', description: 'Modify the Recipient Access Table.' },
  { word: 'BOUNCECONFIG', description: 'Choose the bounce profile to use for messages injected on this listener.' },
];
/** The appliance's other EDIT words: answered with one line, the menu asked again. */
const EDIT_UNMODELLED = ['SETUP', 'MASQUERADE', 'DOMAINMAP', 'CALLAHEAD', 'SETIPMM', 'LDAPACCEPT', 'LDAPROUTING', 'LDAPGROUP', 'SMTPAUTH', 'CERTIFICATE'];

function summaryLines(io: CommandIO, lc: ListenerConfig): string[] {
  return [
    `Name: ${lc.name}`,
    `Type: ${lc.type}`,
    `Interface: ${interfaceName(lc.host)} (${lc.host}) TCP Port ${shownPort(io, lc)}`,
    'Protocol: SMTP',
    ...(lc.type === 'Private' ? [`Relay Hosts: ${lc.relayHosts.join(', ') || 'none'}`] : []),
    `Max Concurrent Connections: ${formatCount(lc.maxConnections)} (TCP Queue: ${formatCount(lc.listenQueue)})`,
    `Bounce Profile: ${lc.bounceProfile}`,
  ];
}

function askEditMenu(io: CommandIO): Promise<string | undefined> {
  const words = EDIT_OPERATIONS.map((o) => o.word).join(', ');
  return askMenu(io, 'Choose the operation you want to perform:', EDIT_OPERATIONS, {
    words: EDIT_UNMODELLED,
    why: (w) => `${w} is not simulated: a listener here has ${words}.`,
  });
}

async function editName(io: CommandIO, lc: ListenerConfig): Promise<string> {
  const name = await askValid<string>(io, { label: 'Please enter a new name for this listener:', default: lc.name }, (a) => {
    const refusal = nameRefusal(io.pending.config, a, lc.name);
    return refusal ? { error: refusal } : { value: a };
  });
  if (name === lc.name) return name;
  recordEdit(io, lc.name, `name -> ${name}`, (l) => {
    l.name = name;
  });
  return name;
}

async function editInterface(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const host = await askInterface(io, lc.host);
  const port = await askPort(io, 'Please enter the TCP port for this listener.', host, lc.port, lc.name);
  if (host === lc.host && port === lc.port) return;
  recordEdit(io, lc.name, `interface ${lc.host}:${lc.port} -> ${host}:${port}`, (l) => {
    l.host = host;
    l.port = port;
  });
}

async function editLimits(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const conn = await askInteger(io, 'Please enter the maximum number of concurrent connections allowed.', { ...RANGES.maxConnections, default: lc.maxConnections });
  const queue = await askInteger(io, 'Please enter the TCP listen queue size.', { ...RANGES.listenQueue, default: lc.listenQueue });
  if (conn === lc.maxConnections && queue === lc.listenQueue) return;
  recordEdit(io, lc.name, `maxConnections ${formatCount(lc.maxConnections)} -> ${formatCount(conn)}, listenQueue ${formatCount(lc.listenQueue)} -> ${formatCount(queue)}`, (l) => {
    l.maxConnections = conn;
    l.listenQueue = queue;
  });
}

async function editBounceProfile(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const profiles = profileItems(io.pending.config);
  const items = [...profiles, 'New Profile'];
  const current = profiles.indexOf(lc.bounceProfile);
  const i = await askNumbered(io, 'Please choose a bounce profile to apply:', items, { defaultIndex: current < 0 ? 0 : current });
  let profile = items[i ?? current];
  if (profile === 'New Profile') {
    profile = await askValid<string>(io, { label: 'Please create a name for the profile:' }, (a) => {
      const bad = validProfileName(a) ?? (profiles.some((p) => p.toLowerCase() === a.toLowerCase()) ? 'Profile name already in use' : undefined);
      return bad ? { error: bad } : { value: a };
    });
    const created = profile;
    io.pending.edit(`Created bounce profile "${created}".`, (config) => {
      if (Object.keys(config.bounceProfiles).some((p) => p.toLowerCase() === created.toLowerCase())) throw new Error(`the bounce profile "${created}" exists already`);
      config.bounceProfiles[created] = {};
    });
  }
  if (profile === lc.bounceProfile) return;
  const chosen = profile;
  recordEdit(io, lc.name, `bounce profile ${lc.bounceProfile} -> ${chosen}`, (l) => {
    l.bounceProfile = chosen;
  });
}

async function editDialog(io: CommandIO): Promise<void> {
  const listeners = io.pending.config.listeners.map((l) => l.name);
  if (listeners.length === 0) return;
  const i = await askNumbered(io, 'Enter the name or number of the listener you wish to edit.', listeners, { showList: false });
  if (i === undefined) return;
  let name = listeners[i];
  const current = () => findListener(io.pending.config, name);
  for (;;) {
    const lc = current();
    if (!lc) return;
    io.blank();
    io.print(...summaryLines(io, lc));
    const op = await askEditMenu(io);
    if (op === undefined) return;
    if (op === 'NAME') name = await editName(io, lc);
    else if (op === 'INTERFACE') await editInterface(io, lc);
    else if (op === 'LIMITS') await editLimits(io, lc);
    else if (op === 'HOSTACCESS') await hostAccessMenu(io, current);
    else if (op === 'RCPTACCESS') await rcptAccessMenu(io, current);
    else await editBounceProfile(io, lc);
  }
}

// ----- DELETE and the menu -----

async function deleteDialog(io: CommandIO): Promise<void> {
  const listeners = io.pending.config.listeners.map((l) => l.name);
  if (listeners.length === 0) return;
  const i = await askNumbered(io, 'Enter the name or number of the listener you wish to delete.', listeners, { showList: false });
  // No confirmation, as on the appliance: the change waits for commit anyway.
  if (i !== undefined) recordDelete(io, listeners[i]);
}

const OPERATIONS = [
  { word: 'NEW', description: 'Create a new listener.' },
  { word: 'EDIT', description: 'Modify a listener.' },
  { word: 'DELETE', description: 'Remove a listener.' },
];
const TOP_UNMODELLED = ['SETUP', 'CLUSTERSET', 'CLUSTERSHOW'];

async function menu(io: CommandIO): Promise<void> {
  for (;;) {
    io.blank();
    io.print(...listLines(io));
    const empty = io.pending.config.listeners.length === 0;
    const ops = empty ? OPERATIONS.slice(0, 1) : OPERATIONS;
    const op = await askMenu(io, 'Choose the operation you want to perform:', ops, {
      words: TOP_UNMODELLED,
      why: (w) => `${w} is not simulated: global listener settings are fixed here.`,
    });
    if (op === undefined) return;
    if (op === 'NEW') await newDialog(io);
    else if (op === 'EDIT') await editDialog(io);
    else await deleteDialog(io);
  }
}


export const listenerconfig: Command = {
  name: 'listenerconfig',
  summary: 'Configure mail listeners.',
  help: `listenerconfig - Configure mail listeners.

Lists the listeners ("1. IncomingMail (on Loopback, 127.0.0.1) SMTP TCP Port 2525 Public"),
then NEW / EDIT / DELETE (an empty answer leaves).
NEW asks the type (Public: accepts mail for the domains of its Recipient Access Table;
Private: relays mail for any recipient, from its relay hosts only), a name, the IP
interface (or an address), the TCP port (0: the system picks a free one), the domains to
accept mail for (Public) or the hosts allowed to relay (Private), the bounce profile and,
if wanted, the default host access policy.
EDIT picks a listener by number or name, then:
  NAME          rename it (it keeps its socket and its suspension)
  INTERFACE     address and TCP port
  LIMITS        maximum concurrent connections, TCP listen queue size (kept, not applied)
  HOSTACCESS    DEFAULT: maximum message size, concurrent connections from one IP address,
                messages per connection, recipients per message, SMTP banner hostname,
                custom SMTP acceptance (banner) and rejection responses; PRINT
  RCPTACCESS    the Recipient Access Table: NEW / EDIT / DELETE / PRINT / CLEAR,
                ACCEPT or REJECT per address, a custom SMTP response for REJECT
  BOUNCECONFIG  the bounce profile of the mail it accepts (or a New Profile)
DELETE removes a listener without confirmation. Changes take effect with "commit": a new
or moved listener is bound at once (if the port cannot be bound, the commit fails and
nothing changes); a deleted listener stops accepting, the mail it accepted stays queued.

${BATCH_HELP}`,
  argWords: () => ['new', 'edit', 'delete', 'list'],
  async run(io, args) {
    if (args.length > 0) await listenerBatch(io, args);
    else await menu(io);
  },
};
