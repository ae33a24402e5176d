// `redirectrecipients`: every queued recipient goes to one host instead of its SMTP route,
// until its domain has nothing queued any more.
import type { HostPort } from '../../../model/config.js';
import type { Parsed } from '../../../model/answers.js';
import type { Command } from '../../kit/command.js';
import { parsedArg } from '../../kit/command.js';
import { askValid, askYesNo } from '../../kit/dialog.js';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
export const DEFAULT_SMTP_PORT = 25;

/** `host`, `host:port`, `[IPv6]`, `[IPv6]:port`; the port defaults to 25. */
export function parseRedirectTarget(text: string): Parsed<HostPort> {
  const t = text.trim();
  const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(t) ?? /^([^:\s[\]]+)(?::(\d{1,5}))?$/.exec(t);
  if (!m || (!t.startsWith('[') && !HOSTNAME.test(m[1])))
    return { error: `Invalid hostname format "${t}": enter a hostname or IP address, optionally with :port.` };
  const port = m[2] === undefined ? DEFAULT_SMTP_PORT : Number(m[2]);
  if (port < 1 || port > 65_535) return { error: 'Value must be an integer from 1 to 65535 (the port).' };
  return { value: { host: m[1].toLowerCase(), port } };
}

const shown = (t: HostPort) => (t.port === DEFAULT_SMTP_PORT ? t.host : `${t.host}:${t.port}`);

export const redirectrecipients: Command = {
  name: 'redirectrecipients',
  summary: 'Redirect all messages to another relay host.',
  help: `redirectrecipients - Redirect all messages to another relay host.

Asks for the hostname or IP address of the machine to send all queued mail to (with
:port when it is not 25), then for a confirmation (default No). Every queued recipient
is delivered there at once instead of by its SMTP route; the redirect of a domain ends
when the queue holds no more mail for it (new mail then follows the routes again).

Batch: redirectrecipients <host[:port]>
(the batch form asks no confirmation)`,
  async run(io, args) {
    let target: HostPort;
    if (args.length > 0) {
      target = parsedArg(parseRedirectTarget(args.join(' ')));
    } else {
      target = await askValid(io, { label: 'Please enter the hostname or IP address of the machine you want to send all mail to.' }, (a) =>
        a === '' ? { error: 'You must enter a hostname or IP address.' } : parseRedirectTarget(a),
      );
      const sure = await askYesNo(io, `Are you sure you want to redirect all mail in the queue to "${shown(target)}"?`, false);
      if (!sure) {
        io.blank();
        io.print('No recipients redirected.');
        return;
      }
    }
    const n = await io.engine.redirectRecipients(target);
    io.blank();
    io.print(n > 0 ? `${n} recipients redirected to ${shown(target)}.` : 'No recipients redirected.');
  },
};
