// `destconfig`: per-destination delivery settings (concurrency limit, messages per connection, TLS,
// bounce profile) and the DEFAULT entry (a configuration command: changes go to the session's
// pending copy until `commit`). Declared on the command kit; the table's rules and operations are
// src/model/tables/destinations.ts.
import { DEFAULT_PROFILE_NAME } from '../../../model/bounce-profile.js';
import type { Parsed } from '../../../model/answers.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MESSAGES_PER_CONNECTION, type ApplianceConfig, type DestinationConfig } from '../../../model/config.js';
import { formatCount } from '../../../model/format-count.js';
import { nameRefusal, profileNames } from '../../../model/tables/bounce-profiles.js';
import {
  clearDestinations,
  concurrencyField,
  createDestination,
  DEFAULT_KEYS,
  deleteDestination,
  destinationDefaults,
  destinationEntries,
  editDefaults,
  editDestination,
  entryDomain,
  findDestination,
  messagesPerConnectionField,
  ownSettings,
  parseExistingDestination,
  parseNewDestination,
  setDeliverySetup,
  withSettings,
  type EntrySettings,
} from '../../../model/tables/destinations.js';
import { certificateNames, DEMO_CERTIFICATE, parseCertificateName } from '../../../model/tables/certificates.js';
import { parseYesNo } from '../../../model/answers.js';
import { DANE_CHOICES, DANE_REFUSAL, DELIVERY_TLS_CHOICES, deliveryTlsField } from '../../../model/tls-settings.js';
import type { DeliveryTls } from '../../../model/config.js';
import { CommandError, parsedArg, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, recordIf, UsageError } from '../../kit/config-command.js';
import { askNumbered, askText, askValid, askYesNo } from '../../kit/dialog.js';
import { askField } from '../../kit/setting.js';

const NEW_PROFILE = 'New Profile';

// ----- reports -----

const shown = (v: number | undefined, inherited: number) => (v === undefined ? `Default (${formatCount(inherited)})` : formatCount(v));
const ownValue = (v: number | undefined) => (v === undefined ? 'Default' : formatCount(v));

function countLine(config: ApplianceConfig): string {
  const n = destinationEntries(config).length;
  return n === 1 ? 'There is currently 1 entry configured.' : `There are currently ${formatCount(n)} entries configured.`;
}

function listLines(config: ApplianceConfig): string[] {
  const def = destinationDefaults(config);
  const row = (domain: string, conc: string, msgs: string, tls: string, profile: string) =>
    `${domain.padEnd(30)} ${conc.padStart(11)} ${msgs.padStart(13)}  ${tls.padEnd(18)}  ${profile}`;
  return [
    row('Domain', 'Concurrency', 'Messages per', 'TLS', 'Bounce'),
    row('', 'Limit', 'Connection', '', 'Profile'),
    row('(Default)', formatCount(def.concurrency), formatCount(def.maxMessagesPerConnection), deliveryTlsField.format(def.tls), '(listener)'),
    ...destinationEntries(config).map((e) =>
      row(
        entryDomain(e.domain),
        ownValue(e.concurrency),
        ownValue(e.maxMessagesPerConnection),
        e.tls === undefined ? 'Default' : deliveryTlsField.format(e.tls),
        e.bounceProfile ?? '(listener)',
      ),
    ),
  ];
}

function detailLines(config: ApplianceConfig, which: DestinationConfig[] | 'default'): string[] {
  const def = destinationDefaults(config);
  const field = (label: string, value: string) => `    ${`${label}:`.padEnd(30)}${value}`;
  if (which === 'default') {
    return [
      'Default',
      field('Maximum concurrency', formatCount(def.concurrency)),
      field('Messages per connection', formatCount(def.maxMessagesPerConnection)),
      field('TLS', deliveryTlsField.format(def.tls)),
      field('Bounce profile', "the listener's"),
      field('Certificate', config.deliveryCertificate ?? DEMO_CERTIFICATE),
    ];
  }
  return which.flatMap((e, i) => [
    ...(i > 0 ? [''] : []),
    entryDomain(e.domain),
    field('Maximum concurrency', shown(e.concurrency, def.concurrency)),
    field('Messages per connection', shown(e.maxMessagesPerConnection, def.maxMessagesPerConnection)),
    field('TLS', e.tls === undefined ? `Default (${deliveryTlsField.format(def.tls)})` : deliveryTlsField.format(e.tls)),
    field('Bounce profile', e.bounceProfile ?? "the listener's"),
  ]);
}

/** DETAIL's answer: one entry's domain, `default` or `all`. */
function detailSelection(config: ApplianceConfig, text: string): Parsed<DestinationConfig[] | 'default'> {
  const t = text.trim().toLowerCase();
  if (t === 'all') return { value: destinationEntries(config) };
  if (t === 'default') return { value: 'default' };
  const p = parseExistingDestination(config, text);
  return 'error' in p ? p : { value: [findDestination(config, p.value)!] };
}

// ----- interactive -----

const TLS_LABELS = DELIVERY_TLS_CHOICES.map((c) => c.label);

/** `Do you want to use TLS support?` and its list (1. No ... 5. Required - Verify). */
async function askTls(io: CommandIO, current: DeliveryTls): Promise<DeliveryTls> {
  const at = DELIVERY_TLS_CHOICES.findIndex((c) => c.value === current);
  const i = await askNumbered(io, 'Do you want to use TLS support?', TLS_LABELS, { defaultIndex: at });
  return DELIVERY_TLS_CHOICES[i ?? at].value;
}

/** A DANE list: only No can be chosen (DANE_REFUSAL says why). */
async function askDaneOption(io: CommandIO, label: string): Promise<void> {
  await askNumbered(io, label, DANE_CHOICES, { defaultIndex: 0, refuse: (i) => (i === 0 ? undefined : DANE_REFUSAL) });
}

/**
 * With TLS chosen while delivery presents the demo certificate: `You have not entered a
 * certificate...`; No keeps TLS as it was.
 */
async function confirmDemoCertificate(io: CommandIO, tls: DeliveryTls | undefined): Promise<boolean> {
  if (tls === undefined || tls === 'no' || io.pending.config.deliveryCertificate !== undefined) return true;
  return askYesNo(
    io,
    'You have not entered a certificate: delivery presents the demo certificate, which is not secure (certconfig makes or takes another, destconfig SETUP chooses it). Do you want to use TLS with it?',
    true,
  );
}

/** The questions of NEW and EDIT, the current values as defaults. */
async function askSettings(io: CommandIO, domain: string, current: EntrySettings, creating: boolean): Promise<EntrySettings> {
  const config = io.pending.config;
  const def = destinationDefaults(config);
  const next: EntrySettings = {};
  if (await askYesNo(io, `Do you wish to configure a concurrency limit for ${domain}?`, creating || current.concurrency !== undefined)) {
    next.concurrency = await askField(io, concurrencyField, `Enter the max concurrency limit for "${domain}".`, current.concurrency ?? def.concurrency);
  }
  if (await askYesNo(io, 'Do you wish to apply a messages-per-connection limit to this domain?', current.maxMessagesPerConnection !== undefined)) {
    next.maxMessagesPerConnection = await askField(
      io,
      messagesPerConnectionField,
      `Enter the max number of messages per connection for "${domain}".`,
      current.maxMessagesPerConnection ?? def.maxMessagesPerConnection,
    );
  }
  if (await askYesNo(io, 'Do you wish to apply a specific TLS setting for this domain?', current.tls !== undefined)) {
    next.tls = await askTls(io, current.tls ?? def.tls);
  }
  if (await askYesNo(io, 'Do you wish to configure DANE Support?', false)) await askDaneOption(io, 'Please choose a DANE option:');
  if (!(await confirmDemoCertificate(io, next.tls))) next.tls = current.tls;
  if (await askYesNo(io, 'Do you wish to apply a specific bounce profile to this domain?', current.bounceProfile !== undefined)) {
    const items = [DEFAULT_PROFILE_NAME, NEW_PROFILE, ...profileNames(config).slice(1)];
    const at = current.bounceProfile ? items.indexOf(current.bounceProfile) : 0;
    const i = (await askNumbered(io, 'Please select the bounce profile to apply:', items, { defaultIndex: at >= 0 ? at : 0 })) ?? 0;
    if (items[i] === NEW_PROFILE) {
      next.bounceProfile = await askText(io, 'Please enter the name of a profile to create (its values come from Default).', {
        check: (name) => nameRefusal(config, name),
      });
      next.newProfile = true;
    } else {
      next.bounceProfile = items[i];
    }
  }
  return next;
}

/** Asks for an existing entry; an empty answer leaves (undefined). */
function askExisting(io: CommandIO, verb: string): Promise<string | undefined> {
  return askValid<string | undefined>(io, { label: `Enter the domain you wish to ${verb}.` }, (a) =>
    a === '' ? { value: undefined } : parseExistingDestination(io.pending.config, a),
  );
}

async function newDialog(io: CommandIO): Promise<void> {
  const domain = await askValid<string | undefined>(io, { label: 'Enter the domain you wish to configure.' }, (a) =>
    a === '' ? { value: undefined } : parseNewDestination(io.pending.config, a),
  );
  if (domain) io.pending.record(createDestination(domain, await askSettings(io, domain, {}, true)));
}

async function editDialog(io: CommandIO): Promise<void> {
  const domain = await askExisting(io, 'edit');
  if (!domain) return;
  const before = ownSettings(findDestination(io.pending.config, domain)!);
  const change = editDestination(domain, before, await askSettings(io, domain, before, false));
  if (change) io.pending.record(change);
  else {
    io.blank();
    io.print('No changes.');
  }
}

async function deleteDialog(io: CommandIO): Promise<void> {
  const domain = await askExisting(io, 'delete');
  if (domain) io.pending.record(deleteDestination(domain));
}

async function defaultDialog(io: CommandIO): Promise<void> {
  const before = destinationDefaults(io.pending.config);
  const concurrency = await askField(io, concurrencyField, 'Enter the default maximum concurrency limit.', before.concurrency);
  const maxMessagesPerConnection = await askField(
    io,
    messagesPerConnectionField,
    'Enter the maximum number of messages per connection.',
    before.maxMessagesPerConnection,
  );
  let tls = await askTls(io, before.tls);
  await askDaneOption(io, 'Do you want to use DANE Support?');
  if (!(await confirmDemoCertificate(io, tls))) tls = before.tls;
  recordIf(io, editDefaults(before, { concurrency, maxMessagesPerConnection, tls }));
}

/** SETUP: the certificate delivery presents, and the alert when required TLS fails. */
async function setupDialog(io: CommandIO): Promise<void> {
  const config = io.pending.config;
  const names = certificateNames(config);
  const current = Math.max(0, names.indexOf(config.deliveryCertificate ?? DEMO_CERTIFICATE));
  const i = await askNumbered(io, 'Please choose the certificate to present when delivering with TLS:', names, { defaultIndex: current });
  const alert = await askYesNo(io, 'Do you want to send an alert when a required TLS connection fails?', config.tlsRequiredAlert ?? false);
  recordIf(io, setDeliverySetup(config, names[i ?? current], alert));
}

async function detailDialog(io: CommandIO): Promise<void> {
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

// ----- batch -----

const nothingToChange = () => new CommandError('Nothing to change: give key=value settings.');

/** The entries' domains, offered to completion. */
const entryWords = (io: Pick<CommandIO, 'pending'>) => destinationEntries(io.pending.config).map((e) => entryDomain(e.domain));

export const destconfig = configCommand({
  name: 'destconfig',
  summary: 'Configure options for outgoing mail delivery per destination domain.',
  about: `Shows how many entries there are, then NEW / EDIT / DELETE / DEFAULT / LIST / DETAIL /
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
(every entry but DEFAULT) do not ask for confirmation.
TLS per entry and for DEFAULT (unset: no TLS):
  No                  never STARTTLS;
  Preferred           STARTTLS when the server offers it, else plain text (a server that
                      offers it but fails the handshake gets no plain-text retry);
  Required            STARTTLS or nothing: the attempt fails and the mail waits (or bounces)
                      by its bounce profile, logged "TLS was required but could not be
                      successfully negotiated"; the host is held, not marked down;
  Preferred - Verify  as Preferred, and the certificate is checked against the system's
                      authorities and certconfig's (CERTAUTHORITY) and the host's name: an
                      unverified one is logged, the session stays encrypted;
  Required - Verify   as Required, and an unverified certificate fails the attempt.
DANE is refused: it needs DNSSEC-signed TLSA records, and no DNS is resolved for them here.
SETUP chooses the certificate delivery presents when a server asks for one (the demo
certificate unless another is chosen) and whether a failed required TLS connection sends an
alert. Recipient rate limits, bounce verification, IP sort preference, IMPORT and EXPORT are
not available here. Changes take effect with "commit".`,
  usageOrder: ['new', 'edit', 'default', 'delete', 'clear', 'list', 'detail', 'setup'],
  banner: (io) => [countLine(io.pending.config)],
  operations: [
    {
      word: 'NEW',
      description: 'Create a new entry.',
      dialog: newDialog,
      batch: {
        usage: ['new <domain> [concurrency=N] [max_messages=N] [bounce_profile=NAME]\n[tls=no|preferred|required|preferred_verify|required_verify]'],
        changes: true,
        run(io, [target, ...settings]) {
          if (!target) throw new UsageError();
          const config = io.pending.config;
          const domain = parsedArg(parseNewDestination(config, target));
          io.pending.record(createDestination(domain, withSettings(config, {}, parseAssignments(settings))));
        },
      },
    },
    {
      word: 'EDIT',
      description: 'Modify an entry.',
      dialog: editDialog,
      batch: {
        usage: ['edit <domain> key=value ...       (an empty value: inherit from DEFAULT)'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? entryWords(io) : []),
        run(io, [target, ...settings]) {
          if (!target) throw new UsageError();
          if (settings.length === 0) throw nothingToChange();
          const config = io.pending.config;
          const domain = parsedArg(parseExistingDestination(config, target));
          const before = ownSettings(findDestination(config, domain)!);
          recordIf(io, editDestination(domain, before, withSettings(config, before, parseAssignments(settings))));
        },
      },
    },
    {
      word: 'DELETE',
      description: 'Remove an entry.',
      dialog: deleteDialog,
      batch: {
        usage: ['delete <domain>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? entryWords(io) : []),
        run(io, [target, ...rest]) {
          if (!target || rest.length) throw new UsageError();
          io.pending.record(deleteDestination(parsedArg(parseExistingDestination(io.pending.config, target))));
        },
      },
    },
    {
      word: 'DEFAULT',
      description: 'Change the default.',
      dialog: defaultDialog,
      batch: {
        usage: ['default [concurrency=N] [max_messages=N] [tls=no|preferred|required|preferred_verify|required_verify]'],
        changes: true,
        run(io, settings) {
          if (settings.length === 0) throw nothingToChange();
          const before = destinationDefaults(io.pending.config);
          const s = withSettings(io.pending.config, before, parseAssignments(settings), DEFAULT_KEYS);
          const after = {
            concurrency: s.concurrency ?? before.concurrency,
            maxMessagesPerConnection: s.maxMessagesPerConnection ?? before.maxMessagesPerConnection,
            tls: s.tls ?? before.tls,
          };
          recordIf(io, editDefaults(before, after));
        },
      },
    },
    {
      word: 'LIST',
      description: 'Display a summary list of all entries.',
      dialog: async (io) => {
        io.blank();
        io.print(...listLines(io.pending.config));
      },
      batch: {
        usage: ['list'],
        run(io, args) {
          if (args.length) throw new UsageError();
          io.blank();
          io.print(countLine(io.pending.config), '', ...listLines(io.pending.config));
        },
      },
    },
    {
      word: 'DETAIL',
      description: 'Display details for one destination or all entries.',
      dialog: detailDialog,
      batch: {
        usage: ['detail <domain|default|all>'],
        laterWords: (io, before) => (before.length === 0 ? ['default', 'all', ...entryWords(io)] : []),
        run(io, [target, ...rest]) {
          if (!target || rest.length) throw new UsageError();
          const config = io.pending.config;
          io.blank();
          io.print(...detailLines(config, parsedArg(detailSelection(config, target))));
        },
      },
    },
    {
      word: 'CLEAR',
      description: 'Remove all entries.',
      dialog: async (io) => {
        if (destinationEntries(io.pending.config).length > 0) io.pending.record(clearDestinations());
      },
      batch: {
        usage: ['clear'],
        changes: true,
        run(io, args) {
          if (args.length) throw new UsageError();
          if (destinationEntries(io.pending.config).length === 0) throw new CommandError('There are no destination entries to clear.');
          io.pending.record(clearDestinations());
        },
      },
    },
    {
      word: 'SETUP',
      description: 'Change global settings.',
      dialog: setupDialog,
      batch: {
        usage: ['setup [certificate=NAME] [alert=yes|no]'],
        changes: true,
        laterWords: (io) => certificateNames(io.pending.config).map((n) => `certificate=${n}`),
        run(io, settings) {
          if (settings.length === 0) throw nothingToChange();
          const config = io.pending.config;
          let certificate = config.deliveryCertificate ?? DEMO_CERTIFICATE;
          let alert = config.tlsRequiredAlert ?? false;
          for (const { key, value } of parseAssignments(settings)) {
            if (key === 'certificate') certificate = parsedArg(parseCertificateName(config, value), 'certificate');
            else if (key === 'alert') alert = parsedArg(parseYesNo(value), 'alert');
            else throw new CommandError(`Unknown setting "${key}": use certificate or alert.`);
          }
          recordIf(io, setDeliverySetup(config, certificate, alert));
        },
      },
    },
  ],
});
