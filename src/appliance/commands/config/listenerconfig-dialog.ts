// listenerconfig's dialogs: NEW, EDIT with its menu (NAME, INTERFACE, LIMITS, HOSTACCESS,
// RCPTACCESS, BOUNCECONFIG, CERTIFICATE) and DELETE, and the listener list shown above the top menu.
import { parseChoice } from '../../../model/answers.js';
import type { ListenerConfig } from '../../../model/config.js';
import { formatCount } from '../../../model/format-count.js';
import { createProfile, nameRefusal as profileNameRefusal, profileNames } from '../../../model/tables/bounce-profiles.js';
import { pickHat } from '../../../model/tables/host-access.js';
import {
  addressField,
  createListener,
  deleteListener,
  findListener,
  freePort,
  interfaceChoices,
  interfaceLabel,
  interfaceName,
  LISTENER_TYPES,
  listenerLine,
  listenerNames,
  listenQueueField,
  maxConnectionsField,
  moveListener,
  nameRefusal,
  newListener,
  portField,
  portRefusal,
  relayHostsField,
  renameListener,
  setBounceProfile,
  setLimits,
  setListenerCertificate,
} from '../../../model/tables/listeners.js';
import { certificateNames, DEMO_CERTIFICATE } from '../../../model/tables/certificates.js';
import { listenerTlsField } from '../../../model/tls-settings.js';
import { parsePatterns } from '../../../model/tables/recipient-access.js';
import { withCheck } from '../../../model/field.js';
import type { CommandIO } from '../../kit/command.js';
import { recordIf, runMenu, type Operation } from '../../kit/config-command.js';
import { askNumbered, askText, askValid, askYesNo, numberedLines } from '../../kit/dialog.js';
import { askField } from '../../kit/setting.js';
import { askHatParams, hostAccessMenu } from './listenerconfig-hat.js';
import { ACCEPT_QUESTION, rcptAccessMenu } from './listenerconfig-rat.js';

// ----- what is shown -----

/** The bound port of a listener as the running engine has it (port 0 became a real one), else its configured port. */
function shownPort(io: Pick<CommandIO, 'engine'>, lc: ListenerConfig): number {
  if (lc.port !== 0) return lc.port;
  const running = io.engine.listenerViews().find((v) => v.name === lc.name && v.host === lc.host);
  return running?.port ?? 0;
}

/** The listener list: `Currently configured listeners:` and one line each in the appliance's format. */
export function listLines(io: Pick<CommandIO, 'engine' | 'pending'>): string[] {
  const listeners = io.pending.config.listeners;
  if (listeners.length === 0) return ['Currently configured listeners:', 'There are no listeners configured.'];
  return ['Currently configured listeners:', ...listeners.map((lc, i) => listenerLine(i + 1, lc, shownPort(io, lc)))];
}

/** EDIT's summary of the listener, above its menu. */
function summaryLines(io: CommandIO, lc: ListenerConfig): string[] {
  return [
    `Name: ${lc.name}`,
    `Type: ${lc.type}`,
    `Interface: ${interfaceName(lc.host)} (${lc.host}) TCP Port ${shownPort(io, lc)}`,
    'Protocol: SMTP',
    ...(lc.type === 'Private' ? [`Relay Hosts: ${lc.relayHosts.join(', ') || 'none'}`] : []),
    `Max Concurrent Connections: ${formatCount(lc.maxConnections)} (TCP Queue: ${formatCount(lc.listenQueue)})`,
    `Bounce Profile: ${lc.bounceProfile}`,
    `TLS: ${listenerTlsField.format(lc.tls ?? 'off')} (certificate ${lc.certificate ?? DEMO_CERTIFICATE})`,
  ];
}

// ----- shared questions -----

async function askInterface(io: CommandIO, current: string): Promise<string> {
  const choices = interfaceChoices(io.pending.config);
  const items = choices.map(interfaceLabel);
  const i = choices.findIndex((c) => c.address === current);
  const label = ['Please choose an IP interface for this Listener (or type an address).', ...numberedLines(items)].join('\n');
  return askValid<string>(io, { label, default: String((i < 0 ? 0 : i) + 1), choices: items }, (a) => {
    const pick = parseChoice(a, [...choices.map((c) => [interfaceLabel(c), c.name])]);
    if ('value' in pick) return { value: choices[pick.value].address };
    return /^\d+$/.test(a.trim()) ? { error: 'Unknown option.' } : addressField.parse(a);
  });
}

/** The TCP port on `host`, refused when another listener (not `self`) is on it. */
function askPort(io: CommandIO, label: string, host: string, current: number, self?: string): Promise<number> {
  return askField(
    io,
    withCheck(portField, (port) => portRefusal(io.pending.config, host, port, self)),
    label,
    current,
  );
}

/** A listener's name, by the one rule (`self`: the listener being renamed). */
function askName(io: CommandIO, label: string, current?: string): Promise<string> {
  return askText(io, label, { default: current, check: (a) => nameRefusal(io.pending.config, a, current) });
}

async function askBounceProfile(io: CommandIO, profiles: readonly string[], current: number): Promise<string> {
  const i = await askNumbered(io, 'Please choose a bounce profile to apply:', profiles, { defaultIndex: current });
  return profiles[i ?? current];
}

// ----- NEW -----

export async function newDialog(io: CommandIO): Promise<void> {
  const typeIndex = await askNumbered(io, 'Please select the type of listener you want to create.', LISTENER_TYPES, { defaultIndex: 1 });
  const type = LISTENER_TYPES[typeIndex ?? 1];
  const name = await askName(io, 'Please create a name for this listener (Ex: "InboundMail"):');
  const host = await askInterface(io, '127.0.0.1');
  const port = await askPort(io, 'Enter the TCP port for this listener.', host, freePort(io.pending.config));
  const lc: ListenerConfig = { ...newListener(name, host, port), type };
  if (type === 'Public') {
    const patterns = await askValid(io, { label: ACCEPT_QUESTION }, (a) => parsePatterns(a));
    lc.rat = patterns.map((pattern) => ({ pattern, action: 'ACCEPT' }));
  } else {
    lc.relayHosts = await askField(
      io,
      relayHostsField,
      'Enter the IP addresses or CIDR ranges of the systems allowed to relay email through this listener. Separate multiple entries with commas.',
      ['127.0.0.1'],
    );
  }
  lc.bounceProfile = await askBounceProfile(io, profileNames(io.pending.config), 0);
  if (await askYesNo(io, 'Do you want to change the default host access policy?', false)) {
    Object.assign(lc, await askHatParams(io, pickHat(lc), io.pending.config.hostname));
  }
  io.pending.record(createListener(lc));
  io.blank();
  io.print(`Listener ${name} created.`);
}

// ----- EDIT -----

const NEW_PROFILE = 'New Profile';

/** BOUNCECONFIG: a profile of the list, or a new one (every value from Default), made by the bounce profile table's rule. */
async function editBounceProfile(io: CommandIO, lc: ListenerConfig): Promise<void> {
  const profiles = profileNames(io.pending.config);
  const current = Math.max(0, profiles.indexOf(lc.bounceProfile));
  let profile = await askBounceProfile(io, [...profiles, NEW_PROFILE], current);
  if (profile === NEW_PROFILE) {
    profile = await askText(io, 'Please create a name for the profile:', { check: (n) => profileNameRefusal(io.pending.config, n) });
    io.pending.record(createProfile(profile, {}));
  }
  recordIf(io, setBounceProfile(lc, profile));
}

export async function editDialog(io: CommandIO): Promise<void> {
  const listeners = listenerNames(io.pending.config);
  const i = await askNumbered(io, 'Enter the name or number of the listener you wish to edit.', listeners, { showList: false });
  if (i === undefined) return;
  let name = listeners[i];
  const current = () => findListener(io.pending.config, name);
  const on = (run: (lc: ListenerConfig) => Promise<void>) => () => run(current()!);
  const operations: Operation[] = [
    {
      word: 'NAME',
      description: 'Change the name of the listener.',
      dialog: on(async (lc) => {
        const to = await askName(io, 'Please enter a new name for this listener:', lc.name);
        recordIf(io, renameListener(lc, to));
        name = to;
      }),
    },
    {
      word: 'INTERFACE',
      description: 'Change the interface.',
      dialog: on(async (lc) => {
        const host = await askInterface(io, lc.host);
        const port = await askPort(io, 'Please enter the TCP port for this listener.', host, lc.port, lc.name);
        recordIf(io, moveListener(lc, host, port));
      }),
    },
    {
      word: 'LIMITS',
      description: 'Change the injection limits.',
      dialog: on(async (lc) => {
        const connections = await askField(io, maxConnectionsField, 'Please enter the maximum number of concurrent connections allowed.', lc.maxConnections);
        const queue = await askField(io, listenQueueField, 'Please enter the TCP listen queue size.', lc.listenQueue);
        recordIf(io, setLimits(lc, connections, queue));
      }),
    },
    { word: 'HOSTACCESS', description: 'Modify the Host Access Table.', dialog: () => hostAccessMenu(io, current) },
    { word: 'RCPTACCESS', description: 'Modify the Recipient Access Table.', dialog: () => rcptAccessMenu(io, current) },
    {
      word: 'BOUNCECONFIG',
      description: 'Choose the bounce profile to use for messages injected on this listener.',
      dialog: on((lc) => editBounceProfile(io, lc)),
    },
    {
      word: 'CERTIFICATE',
      description: 'Choose the certificate STARTTLS presents.',
      dialog: on(async (lc) => {
        const names = certificateNames(io.pending.config);
        const current = Math.max(0, names.indexOf(lc.certificate ?? DEMO_CERTIFICATE));
        const i = (await askNumbered(io, 'Please choose the certificate for this listener:', names, { defaultIndex: current })) ?? current;
        if (names[i] === DEMO_CERTIFICATE && (lc.tls ?? 'off') !== 'off') {
          if (!(await askYesNo(io, 'Do you really wish to use the demo certificate? It is not secure.', true))) return;
        }
        recordIf(io, setListenerCertificate(lc, names[i]));
      }),
    },
  ];
  await runMenu(io, {
    banner: () => summaryLines(io, current()!),
    while: () => current() !== undefined,
    operations,
    unmodelled: {
      words: ['SETUP', 'MASQUERADE', 'DOMAINMAP', 'CALLAHEAD', 'SETIPMM', 'LDAPACCEPT', 'LDAPROUTING', 'LDAPGROUP', 'SMTPAUTH'],
      why: (w) => `${w} is not simulated: a listener here has ${operations.map((o) => o.word).join(', ')}.`,
    },
  });
}

// ----- DELETE -----

export async function deleteDialog(io: CommandIO): Promise<void> {
  const listeners = listenerNames(io.pending.config);
  const i = await askNumbered(io, 'Enter the name or number of the listener you wish to delete.', listeners, { showList: false });
  // No confirmation, as on the appliance: the change waits for commit anyway.
  if (i !== undefined) io.pending.record(deleteListener(listeners[i]));
}
