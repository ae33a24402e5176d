// `displayalerts`: the alerts the appliance raised and kept (the newest 50), newest first, each
// with its subject and how its mail went to each recipient; one alert in full by its number.
import type { AlertView } from '../../../model/alerts.js';
import { parseChoice, parseInteger } from '../../../model/answers.js';
import { ALERT_CLASSES, ALERT_SEVERITIES, deliveriesText } from '../../../model/alerts.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { CommandError, parsedArg, type Command } from '../../kit/command.js';

export const NO_ALERTS = 'There are no alerts stored currently on the appliance';

const USAGE = 'Usage: displayalerts [-n <count>] [-c <class>] [-s <severity>] | displayalerts <alert number>';
const DATE_WIDTH = 26;

/** The listing: `Date and Time Stamp`, `Description` columns, each alert's subject then its mail. */
export function alertLines(alerts: readonly AlertView[]): string[] {
  if (alerts.length === 0) return [NO_ALERTS];
  const pad = ' '.repeat(DATE_WIDTH);
  const out = [`${'Date and Time Stamp'.padEnd(DATE_WIDTH)}Description`, `${'-'.repeat(DATE_WIDTH - 2)}  ${'-'.repeat(50)}`];
  for (const a of alerts) {
    out.push(`${formatApplianceDate(a.at).padEnd(DATE_WIDTH)}${a.id}. ${a.subject}`);
    const held = a.suppressed ? [`${a.suppressed.count} duplicate(s) held back since ${formatApplianceDate(a.suppressed.since)}`] : [];
    for (const l of [a.name, ...held, ...deliveriesText(a)]) out.push(`${pad}   ${l}`);
  }
  return out;
}

/** One alert in full: its header lines, its text, its mail. */
export function alertDetail(a: AlertView): string[] {
  return [
    `Alert ${a.id}: ${a.name}`,
    `Date: ${formatApplianceDate(a.at)}`,
    `Class: ${a.alertClass}`,
    `Severity: ${a.severity}`,
    `Subject: ${a.subject}`,
    ...(a.suppressed ? [`Duplicates held back before it: ${a.suppressed.count} since ${formatApplianceDate(a.suppressed.since)}`] : []),
    '',
    ...a.text.trimEnd().split('\n'),
    '',
    ...deliveriesText(a).map((l) => `Mail: ${l}`),
  ];
}

export const displayalerts: Command = {
  name: 'displayalerts',
  access: 'look',
  summary: 'Display the alerts stored on the appliance.',
  help: `displayalerts - the alerts the appliance raised, newest first (the last 50 are kept).

Each shows its date, its number and subject (<severity>-<hostname>: (<class>) <message>),
its name, and how its mail went to each recipient: sent, sending (attempt, next try), or
NOT SENT with why. An alert no recipient takes (alertconfig) is kept here all the same.
-n <count> shows the newest so many, -c <class> and -s <severity> only those; a number
shows that alert's whole text.

Batch: displayalerts [-n <count>] [-c <class>] [-s <severity>]
       displayalerts <alert number>`,
  argWords: () => ['-n', '-c', '-s'],
  async run(io, args) {
    let alerts = io.engine.alerts();
    if (args.length === 1 && /^\d+$/.test(args[0])) {
      const a = alerts.find((x) => x.id === Number(args[0]));
      if (!a) throw new CommandError(`There is no alert ${args[0]} stored on the appliance.`);
      io.print(...alertDetail(a));
      return;
    }
    let count = Infinity;
    for (let i = 0; i < args.length; i += 2) {
      const [flag, value] = [args[i], args[i + 1]];
      if (value === undefined) throw new CommandError(USAGE);
      if (flag === '-n') count = parsedArg(parseInteger(value, 1, 1_000), '-n');
      else if (flag === '-c') {
        const c = ALERT_CLASSES[parsedArg(parseChoice(value, ALERT_CLASSES, false), '-c')];
        alerts = alerts.filter((a) => a.alertClass === c);
      } else if (flag === '-s') {
        const s = ALERT_SEVERITIES[parsedArg(parseChoice(value, ALERT_SEVERITIES, false), '-s')];
        alerts = alerts.filter((a) => a.severity === s);
      } else throw new CommandError(USAGE);
    }
    io.print(...alertLines(alerts.slice(0, count)));
  },
};
