// `certconfig`: the appliance's certificates (a configuration command: changes go to the
// session's pending copy until `commit`). PASTE takes a PEM certificate, its chain and its
// private key; NEW makes a self-signed one; PRINT shows a certificate (never its key); DELETE;
// CERTAUTHORITY, the authorities delivery trusts besides the system's; SETUP, the web GUI's
// certificate. A key goes to its own 0600 file through the engine API the moment it is taken
// (src/engine/tls/key-store.ts); the configuration only names that file. Declared on the
// command kit; the table's rules and operations are src/model/tables/certificates.ts.
import { parseCommaList, parseInteger, type Parsed } from '../../../model/answers.js';
import type { ApplianceConfig } from '../../../model/config.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { hostnameField } from '../../../model/tables/host-access.js';
import {
  addAuthority,
  addCertificate,
  authoritiesOf,
  certificateNames,
  certificatesOf,
  certificateStatus,
  certificateUses,
  chainRefusal,
  daysRemaining,
  deleteAuthority,
  deleteCertificate,
  findAuthority,
  findCertificate,
  KEY_CHOICES,
  keyMismatch,
  nameRefusal,
  parseCertificateName,
  parseCertificatePem,
  parsePrivateKeyPem,
  setGuiCertificate,
  summarize,
  type SelfSignedSpec,
} from '../../../model/tables/certificates.js';
import { CommandError, parsedArg, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, recordIf, runMenu, UsageError } from '../../kit/config-command.js';
import { askNumbered, askText, askValid, askYesNo } from '../../kit/dialog.js';

const END = '.';
const DAYS_MAX = 10_000;

/**
 * Certificates live in real time, not the simulated clock: TLS peers check them against their
 * own clocks (and the engine makes them valid from the real now), so their status is read so too.
 */
const realNow = () => Date.now();

// ----- what is shown -----

function listLines(config: ApplianceConfig, now: number): string[] {
  const certs = certificatesOf(config);
  if (certs.length === 0) return ['There are no certificates.'];
  const row = (name: string, cn: string, issuer: string, status: string, remaining: string) =>
    `${name.padEnd(16)} ${cn.padEnd(24)} ${issuer.padEnd(24)} ${status.padEnd(13)} ${remaining}`;
  return [
    'List of Certificates',
    row('Name', 'Common Name', 'Issued By', 'Status', 'Remaining'),
    row('-'.repeat(16), '-'.repeat(24), '-'.repeat(24), '-'.repeat(13), '-'.repeat(9)),
    ...certs.map((c) => {
      const s = summarize(c.certificate);
      return row(c.name, s.commonName, s.issuer, certificateStatus(s, now), `${daysRemaining(s, now)} days`);
    }),
  ];
}

function printLines(config: ApplianceConfig, name: string, now: number): string[] {
  const c = findCertificate(config, name)!;
  const s = summarize(c.certificate);
  const uses = certificateUses(config, c.name);
  const field = (label: string, value: string) => `${`${label}:`.padEnd(22)}${value}`;
  return [
    field('Name', c.name),
    field('Common Name', s.commonName),
    field('Issued By', `${s.issuer}${s.selfSigned ? ' (self-signed)' : ''}`),
    field('Domains', s.domains.join(', ') || 'none'),
    field('Valid From', `${formatApplianceDate(s.validFrom)} UTC`),
    field('Valid Until', `${formatApplianceDate(s.validTo)} UTC (${certificateStatus(s, now)}, ${daysRemaining(s, now)} days remaining)`),
    field('Serial Number', s.serialNumber),
    field('SHA-256 Fingerprint', s.fingerprint256),
    field('Intermediates', String(c.chain.length)),
    field('Private Key', 'stored on the appliance (never shown)'),
    field('Used By', uses.join(', ') || 'nothing'),
    '',
    c.certificate.trimEnd(),
    ...c.chain.map((pem) => pem.trimEnd()),
  ];
}

// ----- pasting PEM -----

/** Lines up to a line holding only `.` (the appliance's end of a paste). `secret`: typed blind, kept out of transcripts. */
async function askPaste(io: CommandIO, label: string, secret = false): Promise<string> {
  const lines: string[] = [];
  io.blank();
  for (let first = true; ; first = false) {
    const line = (await io.ask({ label: first ? label : '', ...(secret ? { secret: true } : {}) })).trim();
    if (line === END) return lines.join('\n');
    if (line !== '' || lines.length > 0) lines.push(line);
  }
}

/** Asks a paste until `parse` takes it. */
async function askPem<T>(io: CommandIO, label: string, parse: (text: string) => Parsed<T>, secret = false): Promise<T> {
  for (;;) {
    const p = parse(await askPaste(io, label, secret));
    if ('value' in p) return p.value;
    io.blank();
    io.print(p.error);
  }
}

function askName(io: CommandIO, names: readonly string[], label = 'Enter a name for this certificate profile:'): Promise<string> {
  return askText(io, label, { check: (n) => nameRefusal(names, n) });
}

/** PASTE: the certificate, its intermediates, then the key; nothing is recorded until all three fit together. */
async function pasteDialog(io: CommandIO, presetName?: string): Promise<void> {
  const names = certificateNames(io.pending.config);
  const name = presetName ?? (await askName(io, names));
  for (;;) {
    const certificate = await askPem(io, "Paste public certificate in PEM format (end with '.'):", parseCertificatePem);
    const chain: string[] = [];
    while (await askYesNo(io, 'Do you want to add an intermediate certificate?', false)) {
      chain.push(await askPem(io, "Paste intermediate certificate in PEM format (end with '.'):", parseCertificatePem));
    }
    const key = await askPem(io, "Paste private key in PEM format (end with '.'):", parsePrivateKeyPem, true);
    const refusal = keyMismatch(certificate, key.key) ?? chainRefusal(certificate, chain);
    if (refusal) {
      io.blank();
      io.print(`${refusal} Nothing was recorded: paste them again.`);
      continue;
    }
    const keyFile = await io.engine.storePrivateKey(key.pem);
    io.pending.record(addCertificate({ name, certificate, chain, keyFile }));
    io.blank();
    io.print(`Certificate ${name} added (commit to use it).`);
    return;
  }
}

// ----- a self-signed certificate -----

const countryField = (t: string): Parsed<string | undefined> => {
  if (t === '') return { value: undefined };
  return /^[A-Za-z]{2}$/.test(t) ? { value: t.toUpperCase() } : { error: 'The country must be a 2 letter code (US, DE, ...).' };
};

/** A host name or an IP address (subjectAltName). */
const altName = (t: string): Parsed<string> => (/^[\d.:a-fA-F]+$/.test(t) && /[.:]/.test(t) ? { value: t } : hostnameField.parse(t));

const daysField = (t: string) => parseInteger(t, 1, DAYS_MAX);

async function newDialog(io: CommandIO): Promise<void> {
  const config = io.pending.config;
  const name = await askName(io, certificateNames(config));
  const commonName = await askValid(io, { label: 'Enter Common Name:', default: config.hostname }, (t) => hostnameField.parse(t));
  const optional = (label: string) => askText(io, label).then((t) => t || undefined);
  const organization = await optional('Enter Organization:');
  const organizationalUnit = await optional('Enter Organizational Unit:');
  const locality = await optional('Enter Locality or City:');
  const state = await optional('Enter State or Province:');
  const country = await askValid(io, { label: 'Country (2 letter code):' }, countryField);
  const altNames = await askValid(
    io,
    { label: 'Enter the host names and IP addresses the certificate is for, separated by commas:', default: commonName },
    (t) => parseCommaList(t, altName),
  );
  const days = await askValid(io, { label: 'Duration before expiration (in days):', default: '3650' }, daysField);
  const k = await askNumbered(
    io,
    'Please choose the private key:',
    KEY_CHOICES.map((c) => c.label),
    { defaultIndex: 0 },
  );
  await makeSelfSigned(io, name, { commonName, organization, organizationalUnit, locality, state, country, altNames, days, key: KEY_CHOICES[k ?? 0].value });
}

async function makeSelfSigned(io: CommandIO, name: string, spec: SelfSignedSpec): Promise<void> {
  const made = await io.engine.makeSelfSignedCertificate(spec);
  io.pending.record(addCertificate({ name, certificate: made.certificate, chain: [], keyFile: made.keyFile }));
  io.blank();
  io.print(`Certificate ${name} created (commit to use it).`);
}

/** `new <name> cn=... [o=] [ou=] [l=] [st=] [c=] [san=a,b] [days=N] [key=rsa2048|rsa4096|ecdsa256]`. */
async function batchNew(io: CommandIO, [name, ...settings]: string[]): Promise<void> {
  if (!name) throw new UsageError();
  const config = io.pending.config;
  const refusal = nameRefusal(certificateNames(config), name);
  if (refusal) throw new CommandError(refusal);
  const spec: SelfSignedSpec = { commonName: config.hostname, altNames: [], days: 3650, key: 'rsa2048' };
  const text: Record<string, 'organization' | 'organizationalUnit' | 'locality' | 'state'> = {
    o: 'organization',
    ou: 'organizationalUnit',
    l: 'locality',
    st: 'state',
  };
  for (const { key, value } of parseAssignments(settings)) {
    if (key === 'cn') spec.commonName = parsedArg(hostnameField.parse(value), 'cn');
    else if (Object.hasOwn(text, key)) spec[text[key]] = value || undefined;
    else if (key === 'c') spec.country = parsedArg(countryField(value), 'c');
    else if (key === 'san') spec.altNames = parsedArg(parseCommaList(value, altName), 'san');
    else if (key === 'days') spec.days = parsedArg(daysField(value), 'days');
    else if (key === 'key') {
      const choice = KEY_CHOICES.find((c) => c.value === value.toLowerCase());
      if (!choice) throw new CommandError(`key: use ${KEY_CHOICES.map((c) => c.value).join(', ')}.`);
      spec.key = choice.value;
    } else throw new CommandError(`Unknown setting "${key}": use cn, o, ou, l, st, c, san, days or key.`);
  }
  await makeSelfSigned(io, name, spec);
}

// ----- choosing one -----

function askCertificate(io: CommandIO, label: string): Promise<number | undefined> {
  return askNumbered(io, label, certificateNames(io.pending.config));
}

const namedCertificate = (io: CommandIO, name: string | undefined): string => {
  if (!name) throw new UsageError();
  return parsedArg(parseCertificateName(io.pending.config, name));
};

const hasCertificates = (config: ApplianceConfig) => certificatesOf(config).length > 0;

// ----- certificate authorities -----

function authorityLines(config: ApplianceConfig, now: number): string[] {
  const cas = authoritiesOf(config);
  const lines = [
    'Delivery trusts the system certificate authorities (Node.js bundled roots and the system store)',
    cas.length === 0 ? 'and no custom ones.' : 'and these custom ones:',
  ];
  for (const [i, ca] of cas.entries()) {
    const s = summarize(ca.certificate);
    lines.push(`${i + 1}. ${ca.name}  CN ${s.commonName}  ${certificateStatus(s, now)} until ${formatApplianceDate(s.validTo)} UTC`);
  }
  return lines;
}

function authorityMenu(io: CommandIO): Promise<void> {
  const names = () => authoritiesOf(io.pending.config).map((a) => a.name);
  return runMenu(io, {
    banner: () => authorityLines(io.pending.config, realNow()),
    operations: [
      {
        word: 'PASTE',
        description: 'Paste a custom certificate authority.',
        async dialog() {
          const name = await askName(io, names(), 'Enter a name for this certificate authority:');
          const pem = await askPem(io, "Paste the certificate authority's certificate in PEM format (end with '.'):", parseCertificatePem);
          io.pending.record(addAuthority(name, pem));
        },
      },
      {
        word: 'DELETE',
        description: 'Remove a custom certificate authority.',
        offered: (config) => authoritiesOf(config).length > 0,
        async dialog() {
          const i = await askNumbered(io, 'Choose the certificate authority to delete:', names());
          if (i !== undefined) io.pending.record(deleteAuthority(names()[i]));
        },
      },
    ],
  });
}

// ----- the command -----

const GUI_PLAIN = 'None (plain HTTP)';

export const certconfig = configCommand({
  name: 'certconfig',
  summary: 'Configure security certificates and keys.',
  about: `Lists the certificates (name, common name, issuer, status, days remaining), then:
  PASTE          a certificate in PEM format, any intermediate certificates (its chain, sent
                 after it), then its private key (unencrypted, typed blind); each paste ends
                 with a line holding only "."; the key must match the certificate
  NEW            a self-signed certificate: common name, organization, unit, locality,
                 state, country, the host names and addresses it is for, days valid and the
                 key (2048-bit RSA, 4096-bit RSA or ECDSA P-256)
  PRINT          a certificate's details and PEM (its chain too; never its key)
  DELETE         a certificate no listener, delivery or the web GUI uses
  CERTAUTHORITY  the authorities delivery trusts for "Verify" besides the system's: PASTE,
                 DELETE
  SETUP          the certificate the web GUI serves HTTPS with (or plain HTTP)
A certificate "Demo" is made at the first start (as the appliance ships one): listeners and
delivery use it until listenerconfig (EDIT > CERTIFICATE) and destconfig (SETUP) choose
another. Keys are kept in the data dir's keys/ (mode 0600), one file each, never in the
configuration and never printed. Changes take effect with "commit".`,
  batchNotes: [
    'paste reads the PEM lines that follow it in batch input, each paste ended by a line ".".',
    'new keys: cn, o, ou, l, st, c (2 letters), san (comma list), days (1-10,000),',
    'key (rsa2048, rsa4096 or ecdsa256).',
  ],
  usageOrder: ['list', 'new', 'paste', 'print', 'delete', 'setup', 'certauthority'],
  banner: (io) => listLines(io.pending.config, realNow()),
  operations: [
    {
      word: 'LIST',
      description: 'List the certificates.',
      batch: {
        usage: ['list'],
        run(io) {
          io.print(...listLines(io.pending.config, realNow()));
        },
      },
    },
    {
      word: 'PASTE',
      description: 'Paste a certificate, its intermediates and its private key.',
      dialog: (io) => pasteDialog(io),
      batch: {
        usage: ['paste <name>   (then the PEM lines, as the dialog asks them)'],
        async run(io, [name, ...rest]) {
          if (!name || rest.length) throw new UsageError();
          const refusal = nameRefusal(certificateNames(io.pending.config), name);
          if (refusal) throw new CommandError(refusal);
          await pasteDialog(io, name);
        },
      },
    },
    {
      word: 'NEW',
      description: 'Create a self-signed certificate.',
      dialog: newDialog,
      batch: { usage: ['new <name> [cn=NAME] [key=value ...]'], run: batchNew },
    },
    {
      word: 'PRINT',
      description: 'Display a certificate.',
      offered: hasCertificates,
      async dialog(io) {
        const i = await askCertificate(io, 'Choose the certificate to print:');
        if (i === undefined) return;
        io.blank();
        io.print(...printLines(io.pending.config, certificateNames(io.pending.config)[i], realNow()));
      },
      batch: {
        usage: ['print <name>'],
        laterWords: (io, before) => (before.length === 0 ? certificateNames(io.pending.config) : []),
        run(io, [name]) {
          io.print(...printLines(io.pending.config, namedCertificate(io, name), realNow()));
        },
      },
    },
    {
      word: 'DELETE',
      description: 'Remove a certificate.',
      offered: hasCertificates,
      async dialog(io) {
        const i = await askCertificate(io, 'Choose the certificate to delete:');
        if (i !== undefined) io.pending.record(deleteCertificate(certificateNames(io.pending.config)[i]));
      },
      batch: {
        usage: ['delete <name>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? certificateNames(io.pending.config) : []),
        run(io, [name, ...rest]) {
          if (rest.length) throw new UsageError();
          io.pending.record(deleteCertificate(namedCertificate(io, name)));
        },
      },
    },
    {
      word: 'CERTAUTHORITY',
      description: 'Manage the certificate authorities delivery trusts.',
      dialog: authorityMenu,
      batch: {
        usage: ['certauthority list', 'certauthority delete <name>'],
        changes: true,
        run(io, [verb, name, ...rest]) {
          const v = (verb ?? '').toLowerCase();
          if (v === 'list' && !name) {
            io.print(...authorityLines(io.pending.config, realNow()));
            return;
          }
          if (v !== 'delete' || !name || rest.length) throw new UsageError();
          const ca = findAuthority(io.pending.config, name);
          if (!ca) throw new CommandError(`There is no certificate authority named "${name}".`);
          io.pending.record(deleteAuthority(ca.name));
        },
      },
    },
    {
      word: 'SETUP',
      description: 'Choose the certificate of the web GUI (HTTPS).',
      async dialog(io) {
        const config = io.pending.config;
        const items = [GUI_PLAIN, ...certificateNames(config)];
        const current = Math.max(0, config.guiCertificate === undefined ? 0 : items.indexOf(config.guiCertificate));
        const i = (await askNumbered(io, 'Please choose the certificate for HTTPS (the web GUI):', items, { defaultIndex: current })) ?? current;
        recordIf(io, setGuiCertificate(config, i === 0 ? undefined : items[i]));
      },
      batch: {
        usage: ['setup gui=<name>|none'],
        changes: true,
        run(io, args) {
          const [setting, ...rest] = parseAssignments(args);
          if (!setting || setting.key !== 'gui' || rest.length) throw new UsageError();
          const config = io.pending.config;
          const name = setting.value.toLowerCase() === 'none' ? undefined : parsedArg(parseCertificateName(config, setting.value));
          recordIf(io, setGuiCertificate(config, name));
        },
      },
    },
  ],
});
