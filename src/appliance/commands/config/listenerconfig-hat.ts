// listenerconfig's host access: the default policy questions (HOSTACCESS DEFAULT, and NEW's
// "change the default host access policy"), the HOSTACCESS menu and its batch PRINT. The question
// texts carry the appliance's substrings (asyncos-reference.md §3, HAT policy parameters).
import type { ListenerConfig, SmtpResponse } from '../../../model/config.js';
import {
  codeField,
  hatLines,
  hatTableLines,
  hostnameField,
  maxConnectionsPerHostField,
  maxMessagesPerConnectionField,
  maxRecipientsField,
  pickHat,
  setHostAccess,
  sizeField,
  STANDARD_CODE,
  type HatParams,
} from '../../../model/tables/host-access.js';
import { LISTENER_TLS_CHOICES } from '../../../model/tls-settings.js';
import type { ListenerTls } from '../../../model/config.js';
import type { CommandIO } from '../../kit/command.js';
import { recordIf, runMenu } from '../../kit/config-command.js';
import { askNumbered, askValid, askYesNo } from '../../kit/dialog.js';
import { askField } from '../../kit/setting.js';
import { askHatPolicy } from './listenerconfig-hat-policy.js';

/** Lines of free text ending with an empty one; an empty first line keeps a one-line current text. */
export async function askResponseText(io: CommandIO, current: string | undefined): Promise<string> {
  const keep = current !== undefined && !current.includes('\n') ? current : undefined;
  const first = await askValid<string>(io, { label: 'Enter your custom SMTP response. Press Enter on a blank line to finish.', default: keep }, (a) =>
    a === '' ? { error: 'Please enter a value.' } : { value: a },
  );
  if (keep !== undefined && first === keep) return keep;
  const lines = [first];
  for (;;) {
    const more = (await io.ask({ label: '' })).trim();
    if (more === '') return lines.join('\n');
    lines.push(more);
  }
}

/** The code and text of a custom response (a listener's, or a RAT entry's REJECT). */
export async function askCustomResponse(
  io: CommandIO,
  kind: 'acceptance' | 'rejection',
  standard: number,
  current: SmtpResponse | undefined,
): Promise<SmtpResponse> {
  const code = await askField(io, codeField(kind), `Enter the SMTP code to use in the response. ${standard} is the standard code.`, current?.code ?? standard);
  return { code, text: await askResponseText(io, current?.text) };
}

/** `Would you like to specify a custom SMTP <kind> response?`, then the response; undefined for none. */
async function askResponse(io: CommandIO, kind: 'acceptance' | 'rejection', current: SmtpResponse | undefined): Promise<SmtpResponse | undefined> {
  if (!(await askYesNo(io, `Would you like to specify a custom SMTP ${kind} response?`, current !== undefined))) return undefined;
  return askCustomResponse(io, kind, STANDARD_CODE[kind], current);
}

/**
 * `Do you want to allow encrypted TLS connections?` (1. No 2. Preferred 3. Required); with TLS
 * on the demo certificate, the appliance's warning (its wording, sic) must be answered yes.
 */
async function askTls(io: CommandIO, current: ListenerTls, usesDemo: boolean): Promise<ListenerTls> {
  const at = LISTENER_TLS_CHOICES.findIndex((c) => c.value === current);
  const i = await askNumbered(
    io,
    'Do you want to allow encrypted TLS connections?',
    LISTENER_TLS_CHOICES.map((c) => c.label),
    { defaultIndex: at },
  );
  const tls = LISTENER_TLS_CHOICES[i ?? at].value;
  if (tls === 'off' || !usesDemo) return tls;
  const sure = await askYesNo(
    io,
    'You may use the demo certificate to test TLS,but this will not be secure. Do you really wish to use the demo certificate? (EDIT > CERTIFICATE chooses another.)',
    true,
  );
  return sure ? tls : 'off';
}

/** The default policy parameters, asked with the current values as defaults (`usesDemo`: the listener presents the demo certificate). */
export async function askHatParams(io: CommandIO, current: HatParams, applianceHostname: string, usesDemo = true): Promise<HatParams> {
  const maxMessageSize = await askField(
    io,
    sizeField,
    'Enter the maximum message size. Add a trailing k for kilobytes, M for megabytes, or no letter for bytes.',
    current.maxMessageSize,
  );
  const maxConnectionsPerHost = await askField(
    io,
    maxConnectionsPerHostField,
    'Enter the maximum number of concurrent connections allowed from a single IP address.',
    current.maxConnectionsPerHost,
  );
  const maxMessagesPerConnection = await askField(
    io,
    maxMessagesPerConnectionField,
    'Enter the maximum number of messages per connection.',
    current.maxMessagesPerConnection,
  );
  const maxRecipients = await askField(io, maxRecipientsField, 'Enter the maximum number of recipients per message.', current.maxRecipients);
  let bannerHostname: string | undefined;
  if (await askYesNo(io, 'Do you want to override the hostname in the SMTP banner?', current.bannerHostname !== undefined)) {
    bannerHostname = await askField(io, hostnameField, 'Enter the hostname to use in the SMTP banner:', current.bannerHostname ?? applianceHostname);
  }
  const acceptResponse = await askResponse(io, 'acceptance', current.acceptResponse);
  const rejectResponse = await askResponse(io, 'rejection', current.rejectResponse);
  // Rate limiting, harvest prevention, SenderBase: the appliance asks them before TLS.
  const hatPolicy = await askHatPolicy(io, current.hatPolicy);
  const tls = await askTls(io, current.tls ?? 'off', usesDemo);
  return { maxMessageSize, maxConnectionsPerHost, maxMessagesPerConnection, maxRecipients, bannerHostname, acceptResponse, rejectResponse, hatPolicy, tls };
}

/** PRINT: the host access table the listener acts on. */
export const hatTablePrint = (lc: ListenerConfig): string[] => ['Host Access Table', ...hatTableLines(lc)];

/** HOSTACCESS: the default policy parameters, then DEFAULT / PRINT, while the listener exists. */
export function hostAccessMenu(io: CommandIO, current: () => ListenerConfig | undefined): Promise<void> {
  return runMenu(io, {
    banner: () => hatLines(current()!),
    while: () => current() !== undefined,
    operations: [
      {
        word: 'DEFAULT',
        description: 'Set the default policy parameters.',
        async dialog() {
          const lc = current()!;
          const before = pickHat(lc);
          recordIf(io, setHostAccess(lc.name, before, await askHatParams(io, before, io.pending.config.hostname, lc.certificate === undefined)));
        },
      },
      {
        word: 'PRINT',
        description: 'Display the Host Access Table.',
        async dialog() {
          io.blank();
          io.print(...hatTablePrint(current()!));
        },
      },
    ],
    unmodelled: {
      words: ['NEW', 'EDIT', 'DELETE', 'MOVE', 'IMPORT', 'EXPORT', 'RESET'],
      why: (w) => `${w}: sender groups and other policies are not simulated; every client gets the default policy.`,
    },
  });
}
