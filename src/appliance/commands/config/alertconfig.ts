// `alertconfig`: who receives the appliance's alerts by mail, of which classes and severities,
// how duplicates are held back, the From: address, and when the forecast alert (esa-sim's own)
// is sent (a configuration command: changes wait for `commit`). Declared on the command kit;
// the table's rules and operations are src/model/tables/alerts.ts.
import { alertSettings, type AlertClass, type ForecastAlertThresholds } from '../../../model/alerts.js';
import type { ApplianceConfig } from '../../../model/config.js';
import {
  alertListing,
  CLASS_ITEMS,
  clearRecipients,
  createRecipient,
  deleteRecipient,
  duplicateRefusal,
  editRecipient,
  FORECAST_RANGES,
  NO_RECIPIENTS,
  parseClasses,
  parseDuplicateSeconds,
  parseEditSeverities,
  parseFromAddress,
  parseRecipientAddress,
  parseSeverities,
  pickRecipient,
  recipientsOf,
  setForecastThresholds,
  setFrom,
  setupDuplicates,
  SEVERITY_ITEMS,
  SEVERITY_ITEMS_EDIT,
} from '../../../model/tables/alerts.js';
import { parseInteger } from '../../../model/answers.js';
import { CommandError, parsedArg, type CommandIO } from '../../kit/command.js';
import { configCommand, UsageError } from '../../kit/config-command.js';
import { askInteger, askNumbered, askValid, numberedLines } from '../../kit/dialog.js';

// ----- interactive -----

const SEPARATE = 'Separate multiple choices with commas.';

const listQuestion = (label: string, items: readonly string[]) => [label, SEPARATE, ...numberedLines(items)].join('\n');

const askClasses = (io: CommandIO, label: string) =>
  askValid(io, { label: listQuestion(label, CLASS_ITEMS), default: '1', choices: [...CLASS_ITEMS] }, parseClasses);

async function newDialog(io: CommandIO): Promise<void> {
  const address = await askValid<string | undefined>(
    io,
    { label: 'Please enter a new email address to send alerts.\n(Ex: "administrator@example.com")' },
    (a) => (a === '' ? { value: undefined } : parseRecipientAddress(io.pending.config, a)),
  );
  if (!address) return;
  const classes = await askClasses(io, 'Choose the Alert Classes.');
  const severities = await askValid(
    io,
    { label: listQuestion('Select a Severity Level.', SEVERITY_ITEMS), default: '1', choices: [...SEVERITY_ITEMS] },
    parseSeverities,
  );
  io.pending.record(createRecipient(address, classes, severities));
}

/** Asks which recipient (a numbered list); an empty answer leaves (undefined). */
async function askRecipient(io: CommandIO, verb: string): Promise<string | undefined> {
  const addresses = recipientsOf(io.pending.config).map((r) => r.address);
  const i = await askNumbered(io, `Choose the email address to ${verb}:`, addresses);
  return i === undefined ? undefined : addresses[i];
}

async function editDialog(io: CommandIO): Promise<void> {
  const address = await askRecipient(io, 'edit');
  if (!address) return;
  const rename = await askValid(io, { label: `Enter a new address for ${address}, or press Enter to keep it.`, default: address }, (a) =>
    parseRecipientAddress(io.pending.config, a, address),
  );
  const classes: AlertClass[] = await askClasses(io, 'Choose the Alert Classes to change.');
  const severities = await askValid(
    io,
    {
      label: listQuestion('Select a Severity Level for them (None: they are no longer sent).', SEVERITY_ITEMS_EDIT),
      default: '1',
      choices: [...SEVERITY_ITEMS_EDIT],
    },
    parseEditSeverities,
  );
  io.pending.record(editRecipient(address, rename, classes, severities));
}

async function deleteDialog(io: CommandIO): Promise<void> {
  const address = await askRecipient(io, 'delete');
  if (address) io.pending.record(deleteRecipient(address));
}

async function setupDialog(io: CommandIO): Promise<void> {
  const s = alertSettings(io.pending.config);
  const initial = await askValid(
    io,
    { label: 'Initial number of seconds to wait before sending a duplicate alert (0: every duplicate is sent).', default: String(s.duplicateInitial) },
    parseDuplicateSeconds,
  );
  const maximum = await askValid(
    io,
    { label: 'Maximum number of seconds to wait before sending a duplicate alert.', default: String(Math.max(s.duplicateMax, initial)) },
    (a) => {
      const p = parseDuplicateSeconds(a);
      if ('error' in p) return p;
      const why = duplicateRefusal(initial, p.value);
      return why ? { error: why } : p;
    },
  );
  if (initial !== s.duplicateInitial || maximum !== s.duplicateMax) io.pending.record(setupDuplicates(initial, maximum));
}

async function fromDialog(io: CommandIO): Promise<void> {
  const s = alertSettings(io.pending.config);
  const from = await askValid(
    io,
    { label: `Please enter the From: address to use for alerts (DEFAULT: alert@${io.pending.config.hostname}).`, default: s.from ?? 'DEFAULT' },
    parseFromAddress,
  );
  if (from !== s.from) io.pending.record(setFrom(from));
}

const FORECAST_QUESTIONS: readonly [keyof ForecastAlertThresholds, string][] = [
  ['downMinutes', 'Minutes a destination must be down before the forecast alert is sent (0: when it is marked down).'],
  ['bounceHours', 'Hours before the first bounce at which the forecast alert is sent again.'],
  ['fullMinutes', 'Minutes before queue storage fills at which the forecast alert is sent again.'],
];

async function forecastDialog(io: CommandIO): Promise<void> {
  const before = alertSettings(io.pending.config).forecast;
  const after = { ...before };
  for (const [key, label] of FORECAST_QUESTIONS) after[key] = await askInteger(io, label, { ...FORECAST_RANGES[key], default: before[key] });
  if (FORECAST_QUESTIONS.some(([key]) => after[key] !== before[key])) io.pending.record(setForecastThresholds(after));
}

// ----- batch -----

const recipientWords = (io: Pick<CommandIO, 'pending'>) => recipientsOf(io.pending.config).map((r) => r.address);
const pick = (config: ApplianceConfig, text: string) => parsedArg(pickRecipient(config, text)).address;

/** `down=10 bounce=6 full=60`: the thresholds named change, the others stay. */
function forecastGiven(before: ForecastAlertThresholds, args: string[]): ForecastAlertThresholds {
  const keys: Record<string, keyof ForecastAlertThresholds> = { down: 'downMinutes', bounce: 'bounceHours', full: 'fullMinutes' };
  const after = { ...before };
  if (args.length === 0) throw new UsageError();
  for (const arg of args) {
    const m = /^(\w+)=(.*)$/.exec(arg);
    const key = m ? keys[m[1].toLowerCase()] : undefined;
    if (!m || !key) throw new CommandError(`Unknown setting "${arg}": use down=<minutes>, bounce=<hours> or full=<minutes>.`);
    after[key] = parsedArg(parseInteger(m[2], FORECAST_RANGES[key].min, FORECAST_RANGES[key].max), m[1].toLowerCase());
  }
  return after;
}

export const alertconfig = configCommand({
  name: 'alertconfig',
  summary: 'Configure email alerts.',
  about: `Lists the addresses that receive alerts ("Sending alerts to:", each with its classes and
severities), how duplicates are held back, the From: address and the forecast alert's
thresholds; then NEW / EDIT / DELETE / CLEAR / SETUP / FROM / FORECAST (an empty answer
leaves). Classes: All, System, Hardware, Updater, Outbreak Filters, Anti-Virus, Anti-Spam,
Directory Harvest Attack Prevention, Release and Support Notifications (this engine raises
System alerts only); severities: All, Critical, Warning, Information.
NEW asks for the address, the classes and the severities (numbers or names, separated by
commas). EDIT asks for the address (its number), a new address (Enter keeps it), the
classes to change and their severities: None stops those classes for the address, the
others stay. DELETE and CLEAR do not ask for confirmation. SETUP sets duplicate
suppression: a duplicate alert is held back the initial number of seconds, the interval
doubling up to the maximum; when it ends, one summary says how many were held back.
FROM sets the From: address (DEFAULT: alert@<hostname>). FORECAST (esa-sim's own) sets
when the forecast alert goes out: after a destination has been down so many minutes, and
again so many hours before its first bounce and minutes before queue storage fills.
Alert mail goes straight to each recipient, routed by smtproutes for its domain, never
through the queue; displayalerts lists the alerts raised and how their mail went.
Changes take effect with "commit".`,
  batchNotes: ['(classes and severities: comma lists of numbers or names, default All; no confirmation in batch.)'],
  banner: (io) => alertListing(io.pending.config),
  unmodelled: {
    words: ['CLUSTERSET', 'CLUSTERSHOW'],
    why: (word) => `${word} is not available here: this appliance is not in a cluster.`,
  },
  operations: [
    {
      word: 'NEW',
      description: 'Add a new email address to send alerts.',
      dialog: newDialog,
      batch: {
        usage: ['new <address> [<classes> [<severities>]]'],
        changes: true,
        run(io, [target, classes = 'all', severities = 'all', ...rest]) {
          if (!target || rest.length) throw new UsageError();
          const address = parsedArg(parseRecipientAddress(io.pending.config, target));
          io.pending.record(createRecipient(address, parsedArg(parseClasses(classes)), parsedArg(parseSeverities(severities))));
        },
      },
    },
    {
      word: 'EDIT',
      description: 'Modify an email address.',
      offered: (config) => recipientsOf(config).length > 0,
      dialog: editDialog,
      batch: {
        usage: ['edit <address> <classes> <severities|none>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? recipientWords(io) : []),
        run(io, [target, classes, severities, ...rest]) {
          if (!target || !classes || !severities || rest.length) throw new UsageError();
          const address = pick(io.pending.config, target);
          io.pending.record(editRecipient(address, address, parsedArg(parseClasses(classes)), parsedArg(parseEditSeverities(severities))));
        },
      },
    },
    {
      word: 'DELETE',
      description: 'Remove an email address.',
      offered: (config) => recipientsOf(config).length > 0,
      dialog: deleteDialog,
      batch: {
        usage: ['delete <address>'],
        changes: true,
        laterWords: (io, before) => (before.length === 0 ? recipientWords(io) : []),
        run(io, [target, ...rest]) {
          if (!target || rest.length) throw new UsageError();
          io.pending.record(deleteRecipient(pick(io.pending.config, target)));
        },
      },
    },
    {
      word: 'CLEAR',
      description: 'Remove all email addresses (system will not send alerts).',
      offered: (config) => recipientsOf(config).length > 0,
      dialog: async (io) => io.pending.record(clearRecipients()),
      batch: {
        usage: ['clear'],
        changes: true,
        run(io, args) {
          if (args.length) throw new UsageError();
          if (recipientsOf(io.pending.config).length === 0) throw new CommandError(NO_RECIPIENTS);
          io.pending.record(clearRecipients());
        },
      },
    },
    {
      word: 'SETUP',
      description: 'Configure alert settings.',
      dialog: setupDialog,
      batch: {
        usage: ['setup <initial seconds> <maximum seconds>'],
        changes: true,
        run(io, [initial, maximum, ...rest]) {
          if (initial === undefined || maximum === undefined || rest.length) throw new UsageError();
          const i = parsedArg(parseDuplicateSeconds(initial));
          const m = parsedArg(parseDuplicateSeconds(maximum));
          const why = duplicateRefusal(i, m);
          if (why) throw new CommandError(why);
          const s = alertSettings(io.pending.config);
          if (i !== s.duplicateInitial || m !== s.duplicateMax) io.pending.record(setupDuplicates(i, m));
        },
      },
    },
    {
      word: 'FROM',
      description: 'Configure the From: Address of alert emails.',
      dialog: fromDialog,
      batch: {
        usage: ['from <address>|default'],
        changes: true,
        run(io, [address, ...rest]) {
          if (address === undefined || rest.length) throw new UsageError();
          const from = parsedArg(parseFromAddress(address));
          if (from !== alertSettings(io.pending.config).from) io.pending.record(setFrom(from));
        },
      },
    },
    {
      word: 'FORECAST',
      description: 'Set when the forecast alert is sent (esa-sim only).',
      dialog: forecastDialog,
      batch: {
        usage: ['forecast [down=<minutes>] [bounce=<hours>] [full=<minutes>]'],
        changes: true,
        run(io, args) {
          const before = alertSettings(io.pending.config).forecast;
          const after = forecastGiven(before, args);
          if (JSON.stringify(after) !== JSON.stringify(before)) io.pending.record(setForecastThresholds(after));
        },
      },
    },
    {
      word: 'PRINT',
      description: 'Display the alert settings.',
      batch: {
        usage: ['print'],
        run(io, args) {
          if (args.length) throw new UsageError();
          io.print(...alertListing(io.pending.config));
        },
      },
    },
  ],
});
