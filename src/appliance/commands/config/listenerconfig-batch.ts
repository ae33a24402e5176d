// listenerconfig's batch forms (one line, no questions): list, new, edit (key=value settings,
// rcptaccess and hostaccess operations), delete. Values get the same checks as the questions;
// a bad one is refused as `Invalid "<key>" value: <why>` and nothing is recorded.
import type { ApplianceConfig, ListenerConfig, RatAction, SmtpResponse } from '../../../model/config.js';
import { parseHostPort } from '../../../model/config.js';
import { parseInteger, parseYesNo, type Parsed } from '../../../model/answers.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { listenerRefusal, listLines, newListener, recordCreate, recordDelete, recordEdit } from './listenerconfig-changes.js';
import { hatLines, hatTableLines, RANGES } from './listenerconfig-hat.js';
import { parsePatterns, ratLines, recordClear, recordDeleteEntry, recordSetEntries, RAT_TITLE } from './listenerconfig-rat.js';
import { findListener, parseAddress, parseCode, parseHostname, parsePort, parseRelayHosts, parseSize } from './listenerconfig-values.js';
import { parseRatPattern, samePattern } from '../../../model/rat.js';

export const BATCH_HELP = `Batch:
  listenerconfig list
  listenerconfig new <name> <address:port> [type=public|private] [accept=<a>,<b>]
                 [relay=<ip|cidr|ALL>,...] [key=value ...]
  listenerconfig edit <name> key=value ...
  listenerconfig edit <name> rcptaccess add <address>[,<address>] accept|reject [<code> "<text>"]
  listenerconfig edit <name> rcptaccess delete <address>
  listenerconfig edit <name> rcptaccess clear accept|reject
  listenerconfig edit <name> rcptaccess print
  listenerconfig edit <name> hostaccess print
  listenerconfig delete <name>
keys: name, interface, port, bounce_profile, max_connections, listen_queue (LIMITS);
max_size (10M, 512k or bytes), max_conn (from one IP address), max_msgs (per connection),
max_rcpt (per message), override (banner hostname, or "no"), cust_acc / acc_code (custom
SMTP banner text and code, 2xx; cust_acc=no removes it), cust_rej / rej_code (rejection
response, 4xx/5xx; a Private listener's answer to hosts it does not relay for), relay.
Example: listenerconfig new Outbound 127.0.0.1:2587 type=private relay=10.0.0.0/8`;

const invalid = (key: string, why: string) => new CommandError(`Invalid "${key}" value: ${why}`);

function value<T>(key: string, p: Parsed<T>): T {
  if ('error' in p) throw invalid(key, p.error);
  return p.value;
}

const isNo = (v: string) => {
  const p = parseYesNo(v);
  return 'value' in p && !p.value;
};

function setResponse(lc: ListenerConfig, field: 'acceptResponse' | 'rejectResponse', text: string | undefined, code: number | undefined): void {
  if (text !== undefined && isNo(text)) {
    delete lc[field];
    return;
  }
  const standard = field === 'acceptResponse' ? 220 : 554;
  const current: SmtpResponse | undefined = lc[field];
  const next = { code: code ?? current?.code ?? standard, text: text ?? current?.text ?? '' };
  if (next.text === '') throw invalid(field === 'acceptResponse' ? 'acc_code' : 'rej_code', `give the response text too (${field === 'acceptResponse' ? 'cust_acc' : 'cust_rej'}=...)`);
  lc[field] = next;
}

/** The integer keys: each sets the listener field of the same name, within RANGES. */
const INTEGER_KEYS: Record<string, keyof typeof RANGES> = {
  max_connections: 'maxConnections',
  listen_queue: 'listenQueue',
  max_conn: 'maxConnectionsPerHost',
  max_msgs: 'maxMessagesPerConnection',
  max_rcpt: 'maxRecipients',
};

/** Applies `key=value` settings to a listener (a copy); throws on the first bad one. */
function applyKeys(lc: ListenerConfig, args: readonly string[], config: ApplianceConfig, creating: boolean): void {
  const responses: Record<string, string> = {};
  for (const { key, value: v } of parseAssignments(args)) {
    const field = Object.hasOwn(INTEGER_KEYS, key) ? INTEGER_KEYS[key] : undefined;
    if (field) {
      lc[field] = value(key, parseInteger(v, RANGES[field].min, RANGES[field].max));
      continue;
    }
    switch (key) {
      case 'name':
        lc.name = v;
        break;
      case 'interface':
        lc.host = value(key, parseAddress(v));
        break;
      case 'port':
        lc.port = value(key, parsePort(v));
        break;
      case 'type': {
        const t = v.toLowerCase();
        if (t !== 'public' && t !== 'private') throw invalid(key, 'use public or private.');
        lc.type = t === 'public' ? 'Public' : 'Private';
        break;
      }
      case 'accept':
        if (!creating) throw invalid(key, 'on an existing listener use "rcptaccess add".');
        lc.rat = value(key, parsePatterns(v)).map((pattern) => ({ pattern, action: 'ACCEPT' as const }));
        break;
      case 'relay':
        lc.relayHosts = value(key, parseRelayHosts(v));
        break;
      case 'bounce_profile': {
        const p = Object.keys(config.bounceProfiles).find((n) => n.toLowerCase() === v.toLowerCase());
        if (!p) throw invalid(key, `there is no bounce profile named "${v}".`);
        lc.bounceProfile = p;
        break;
      }
      case 'max_size':
        lc.maxMessageSize = value(key, parseSize(v));
        break;
      case 'override':
        if (isNo(v)) delete lc.bannerHostname;
        else lc.bannerHostname = value(key, parseHostname(v));
        break;
      case 'cust_acc':
      case 'acc_code':
      case 'cust_rej':
      case 'rej_code':
        responses[key] = v;
        break;
      default:
        throw new CommandError(
          `Unknown setting "${key}": use name, interface, port, type, accept, relay, bounce_profile, max_connections, listen_queue, max_size, max_conn, max_msgs, max_rcpt, override, cust_acc, acc_code, cust_rej, rej_code.`,
        );
    }
  }
  const code = (key: string, kind: 'accept' | 'reject') => (responses[key] === undefined ? undefined : value(key, parseCode(kind)(responses[key])));
  if (responses.cust_acc !== undefined || responses.acc_code !== undefined) setResponse(lc, 'acceptResponse', responses.cust_acc, code('acc_code', 'accept'));
  if (responses.cust_rej !== undefined || responses.rej_code !== undefined) setResponse(lc, 'rejectResponse', responses.cust_rej, code('rej_code', 'reject'));
}

function existing(config: ApplianceConfig, name: string | undefined): ListenerConfig {
  if (!name) throw new CommandError('Usage: listenerconfig edit|delete <name> ...');
  const lc = findListener(config, name);
  if (!lc) throw new CommandError(`There is no listener named "${name}".`);
  return lc;
}

function batchNew(io: CommandIO, name: string | undefined, address: string | undefined, settings: string[]): void {
  if (!name || !address) throw new CommandError('Usage: listenerconfig new <name> <address:port> [key=value ...]');
  let hp: { host: string; port: number };
  try {
    hp = parseHostPort(address, 'The listener address');
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
  const host = value('interface', parseAddress(hp.host));
  const lc = newListener(name, host, hp.port);
  applyKeys(lc, settings, io.pending.config, true);
  if (lc.name !== name) throw invalid('name', 'the name is the first argument of "new".');
  const refusal = listenerRefusal(io.pending.config, lc);
  if (refusal) throw new CommandError(refusal);
  if (lc.type === 'Private' && lc.relayHosts.length === 0) lc.relayHosts = ['127.0.0.1'];
  recordCreate(io, lc);
  io.print(`Listener ${name} created.`);
}

function batchRat(io: CommandIO, lc: ListenerConfig, args: string[]): void {
  const [op, ...rest] = args;
  const verb = (op ?? '').toLowerCase();
  if (verb === 'print') {
    io.print(...ratLines(lc), '', RAT_TITLE);
    return;
  }
  if (lc.type === 'Private') throw new CommandError(`${lc.name} is a Private listener: it has no ${RAT_TITLE}.`);
  if (verb === 'add') {
    const [addresses, action, code, ...text] = rest;
    const patterns = value('address', parsePatterns(addresses ?? '', lc.rat));
    const a = (action ?? '').toUpperCase();
    if (a !== 'ACCEPT' && a !== 'REJECT') throw invalid('action', 'use accept or reject.');
    let response: SmtpResponse | undefined;
    if (code !== undefined) {
      if (a === 'ACCEPT') throw invalid('code', 'a custom response applies to rejected addresses only.');
      if (text.length === 0) throw invalid('text', 'give the response text after the code.');
      response = { code: value('code', parseCode('reject')(code)), text: text.join(' ') };
    }
    recordSetEntries(io, lc.name, patterns.map((pattern) => ({ pattern, action: a as RatAction, ...(response ? { response } : {}) })));
  } else if (verb === 'delete') {
    const pattern = value('address', parseRatPattern(rest[0] ?? ''));
    if (!lc.rat.some((e) => samePattern(e.pattern, pattern))) throw new CommandError(`That value is not valid: the ${RAT_TITLE} has no entry "${pattern}".`);
    recordDeleteEntry(io, lc.name, pattern);
  } else if (verb === 'clear') {
    const a = (rest[0] ?? '').toUpperCase();
    if (a !== 'ACCEPT' && a !== 'REJECT') throw invalid('action', 'use accept or reject (the access for ALL).');
    recordClear(io, lc.name, a);
  } else {
    throw new CommandError('Usage: listenerconfig edit <name> rcptaccess add|delete|clear|print ...');
  }
  io.print(io.pending.lastChange!);
}

function batchEdit(io: CommandIO, lc: ListenerConfig, settings: string[]): void {
  const sub = (settings[0] ?? '').toLowerCase();
  if (sub === 'rcptaccess') return batchRat(io, lc, settings.slice(1));
  if (sub === 'hostaccess') {
    if ((settings[1] ?? '').toLowerCase() !== 'print') throw new CommandError('Usage: listenerconfig edit <name> hostaccess print');
    io.print(...hatLines(lc), '', 'Host Access Table', ...hatTableLines(lc));
    return;
  }
  if (settings.length === 0) throw new CommandError('Nothing to change: give key=value settings.');
  const trial = structuredClone(lc);
  applyKeys(trial, settings, io.pending.config, false);
  const refusal = listenerRefusal(io.pending.config, trial, lc.name);
  if (refusal) throw new CommandError(refusal);
  recordEdit(io, lc.name, settings.join(' '), (l, config) => applyKeys(l, settings, config, false));
  io.print(io.pending.lastChange!);
}

export async function listenerBatch(io: CommandIO, args: string[]): Promise<void> {
  const [op, name, ...rest] = args;
  const verb = op.toLowerCase();
  const config = io.pending.config;
  if (verb === 'list') {
    io.print(...listLines(io));
  } else if (verb === 'new') {
    batchNew(io, name, rest[0], rest.slice(1));
  } else if (verb === 'edit') {
    batchEdit(io, existing(config, name), rest);
  } else if (verb === 'delete') {
    const lc = existing(config, name);
    if (rest.length) throw new CommandError('Usage: listenerconfig delete <name>');
    recordDelete(io, lc.name);
    io.print(io.pending.lastChange!);
  } else {
    throw new CommandError(`Unknown operation "${op}": use list, new, edit or delete.`);
  }
}
