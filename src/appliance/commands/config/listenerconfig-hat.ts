// listenerconfig's host access: the default policy parameters (HOSTACCESS DEFAULT, and NEW's
// "change the default host access policy"), their PRINT, and the HOSTACCESS menu. The question
// texts carry the appliance's substrings (asyncos-reference.md §3, HAT policy parameters).
import type { ListenerConfig, SmtpResponse } from '../../../model/config.js';
import { formatCount } from '../../../model/format-count.js';
import type { CommandIO } from '../../kit/command.js';
import { askInteger, askMenu, askValid, askYesNo } from '../../kit/dialog.js';
import { recordEdit } from './listenerconfig-changes.js';
import { formatSize, parseCode, parseHostname, parseSize } from './listenerconfig-values.js';

/** The policy parameters a dialog edits (a subset of the listener's settings). */
export type HatParams = Pick<
  ListenerConfig,
  'maxMessageSize' | 'maxConnectionsPerHost' | 'maxMessagesPerConnection' | 'maxRecipients' | 'bannerHostname' | 'acceptResponse' | 'rejectResponse'
>;

export const HAT_KEYS: readonly (keyof HatParams)[] = [
  'maxMessageSize',
  'maxConnectionsPerHost',
  'maxMessagesPerConnection',
  'maxRecipients',
  'bannerHostname',
  'acceptResponse',
  'rejectResponse',
];

export const RANGES = {
  maxConnectionsPerHost: { min: 1, max: 1_000 },
  maxMessagesPerConnection: { min: 1, max: 1_000_000 },
  maxRecipients: { min: 1, max: 100_000 },
  maxConnections: { min: 1, max: 1_000 },
  listenQueue: { min: 1, max: 1_000 },
} as const;

const WS = 'Would you like to specify a custom SMTP ';

export function pickHat(lc: ListenerConfig): HatParams {
  const out: Partial<HatParams> = {};
  for (const k of HAT_KEYS) if (lc[k] !== undefined) (out as Record<string, unknown>)[k] = structuredClone(lc[k]);
  return out as HatParams;
}

function int(io: CommandIO, label: string, current: number, range: { min: number; max: number }): Promise<number> {
  return askInteger(io, label, { ...range, default: current });
}

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

/** `Would you like to specify a custom SMTP <kind> response?`, the code, the text; undefined for none. */
async function askResponse(io: CommandIO, kind: 'acceptance' | 'rejection', current: SmtpResponse | undefined): Promise<SmtpResponse | undefined> {
  if (!(await askYesNo(io, `${WS}${kind} response?`, current !== undefined))) return undefined;
  const standard = kind === 'acceptance' ? 220 : 554;
  const code = await askValid(
    io,
    { label: `Enter the SMTP code to use in the response. ${standard} is the standard code.`, default: String(current?.code ?? standard) },
    parseCode(kind === 'acceptance' ? 'accept' : 'reject'),
  );
  const text = await askResponseText(io, current?.text);
  return { code, text };
}

/** The default policy parameters, asked with the current values as defaults. */
export async function askHatParams(io: CommandIO, current: HatParams, applianceHostname: string): Promise<HatParams> {
  const maxMessageSize = await askValid<number>(
    io,
    { label: 'Enter the maximum message size. Add a trailing k for kilobytes, M for megabytes, or no letter for bytes.', default: formatSize(current.maxMessageSize) },
    parseSize,
  );
  const maxConnectionsPerHost = await int(
    io,
    'Enter the maximum number of concurrent connections allowed from a single IP address.',
    current.maxConnectionsPerHost,
    RANGES.maxConnectionsPerHost,
  );
  const maxMessagesPerConnection = await int(io, 'Enter the maximum number of messages per connection.', current.maxMessagesPerConnection, RANGES.maxMessagesPerConnection);
  const maxRecipients = await int(io, 'Enter the maximum number of recipients per message.', current.maxRecipients, RANGES.maxRecipients);
  let bannerHostname: string | undefined;
  if (await askYesNo(io, 'Do you want to override the hostname in the SMTP banner?', current.bannerHostname !== undefined)) {
    bannerHostname = await askValid<string>(
      io,
      { label: 'Enter the hostname to use in the SMTP banner:', default: current.bannerHostname ?? applianceHostname },
      parseHostname,
    );
  }
  const acceptResponse = await askResponse(io, 'acceptance', current.acceptResponse);
  const rejectResponse = await askResponse(io, 'rejection', current.rejectResponse);
  return { maxMessageSize, maxConnectionsPerHost, maxMessagesPerConnection, maxRecipients, bannerHostname, acceptResponse, rejectResponse };
}

const responseText = (r: SmtpResponse | undefined) => (r ? `${r.code} ${r.text.replaceAll('\n', ' / ')}` : 'None');

/** The parameters as PRINT and the HOSTACCESS screen show them. */
export function hatLines(lc: ListenerConfig): string[] {
  return [
    'Default Policy Parameters',
    '=========================',
    `Maximum Message Size: ${formatSize(lc.maxMessageSize)}`,
    `Maximum Number Of Concurrent Connections From A Single IP: ${formatCount(lc.maxConnectionsPerHost)}`,
    `Maximum Number Of Messages Per Connection: ${formatCount(lc.maxMessagesPerConnection)}`,
    `Maximum Number Of Recipients Per Message: ${formatCount(lc.maxRecipients)}`,
    `SMTP Banner Hostname: ${lc.bannerHostname ?? 'Use Default'}`,
    `Custom SMTP Acceptance Response: ${responseText(lc.acceptResponse)}`,
    `Custom SMTP Rejection Response: ${responseText(lc.rejectResponse)}`,
  ];
}

/** The host access table the listener acts on: Private relays for its hosts, Public accepts all. */
export function hatTableLines(lc: ListenerConfig): string[] {
  if (lc.type === 'Public') return ['ALL ACCEPT'];
  return [...lc.relayHosts.map((h) => `${h} RELAY`), ...(lc.relayHosts.includes('ALL') ? [] : ['ALL REJECT'])];
}

/** What changed between two sets of parameters, for showchanges. */
export function describeHatChange(before: HatParams, after: HatParams): string | undefined {
  const changed = HAT_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length === 0) return undefined;
  const shown = (k: keyof HatParams, v: HatParams[keyof HatParams]) => {
    if (v === undefined) return 'none';
    if (k === 'maxMessageSize') return formatSize(v as number);
    if (typeof v === 'number') return formatCount(v);
    if (typeof v === 'string') return v;
    return responseText(v as SmtpResponse);
  };
  return changed.map((k) => `${k} ${shown(k, before[k])} -> ${shown(k, after[k])}`).join(', ');
}

/** Records new default policy parameters (only the ones that changed). */
export function recordHat(io: CommandIO, name: string, before: HatParams, after: HatParams): boolean {
  const what = describeHatChange(before, after);
  if (!what) return false;
  const changed = HAT_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  recordEdit(io, name, what, (lc) => {
    for (const k of changed) {
      if (after[k] === undefined) delete lc[k];
      else (lc as unknown as Record<string, unknown>)[k] = structuredClone(after[k]);
    }
  });
  return true;
}

const HAT_OPERATIONS = [
  { word: 'DEFAULT', description: 'Set the default policy parameters.' },
  { word: 'PRINT', description: 'Display the Host Access Table.' },
];

/** HAT words of the appliance that this simulator does not model (one line, then the menu again). */
const HAT_UNMODELLED = ['NEW', 'EDIT', 'DELETE', 'MOVE', 'IMPORT', 'EXPORT', 'RESET'];

export async function hostAccessMenu(io: CommandIO, current: () => ListenerConfig | undefined): Promise<void> {
  for (;;) {
    const lc = current();
    if (!lc) return;
    io.blank();
    io.print(...hatLines(lc));
    const op = await askHatMenu(io);
    if (op === undefined) return;
    if (op === 'PRINT') {
      io.blank();
      io.print('Host Access Table', ...hatTableLines(lc));
    } else {
      const before = pickHat(lc);
      recordHat(io, lc.name, before, await askHatParams(io, before, io.pending.config.hostname));
    }
  }
}

function askHatMenu(io: CommandIO): Promise<string | undefined> {
  return askMenu(io, 'Choose the operation you want to perform:', HAT_OPERATIONS, {
    words: HAT_UNMODELLED,
    why: (w) => `${w}: sender groups and other policies are not simulated; every client gets the default policy.`,
  });
}
