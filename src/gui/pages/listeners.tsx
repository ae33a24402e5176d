// Network > Listeners: the listeners (name, type, interface, port, bounce profile, certificate), Add / Edit /
// Delete, on the listeners table's model operations (createListener; moveListener, setType,
// setBounceProfile, setLimits, setListenerCertificate, renameListener; deleteListener) and its fields — what
// `listenerconfig` records. A new or moved listener is bound when the change is committed.
/** @jsxImportSource hono/jsx */
import type { EngineApi } from '../../api/engine-api.js';
import { combineChanges, refuse } from '../../model/change.js';
import type { ListenerConfig, ListenerType } from '../../model/config.js';
import { choiceField, optionalField, textField, withCheck, type Field } from '../../model/field.js';
import { profileNames } from '../../model/tables/bounce-profiles.js';
import {
  addressField,
  createListener,
  deleteListener,
  findListener,
  freePort,
  interfaceField,
  interfaceLabel,
  interfaceName,
  interfaceOption,
  LISTENER_TYPES,
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
  setListenerCertificate,
  setLimits,
  setType,
} from '../../model/tables/listeners.js';
import { parsePatterns } from '../../model/tables/recipient-access.js';
import { certificateNames, DEMO_CERTIFICATE, parseCertificateName } from '../../model/tables/certificates.js';
import type { FormField } from '../forms.js';
import { FieldRefusal, tablePage } from '../table-page.js';

export const LISTENERS_PATH = '/network/listeners';
const OTHER_ADDRESS = 'Other Address';
export const NO_GLOBAL_SETTINGS =
  'Global listener settings are not simulated: each listener has its own limits (Maximum Concurrent Connections and TCP Listen Queue Size in its form).';

/** The port a listener is bound to: its configured one, or what port 0 became in the running engine. */
export function boundPort(engine: EngineApi, lc: ListenerConfig): number {
  if (lc.port !== 0) return lc.port;
  return engine.listenerViews().find((v) => v.name === lc.name && v.host === lc.host)?.port ?? 0;
}

const choices = <T extends string>(values: readonly T[]) => values.map((v) => ({ label: v, value: v }));

/** The Accept Mail For field of a new Public listener: its first Recipient Access Table entries (none: edited on the RAT page). */
const acceptField: Field<string[] | undefined> = optionalField({ parse: (t) => parsePatterns(t), format: (v: string[]) => v.join(', ') });

/** Controls of the appliance's form that the simulator does not have: shown disabled (the drivers skip them). */
const notSimulated = (name: string, label: string): FormField => ({ name, label, kind: 'select', options: ['None'], disabled: true, hint: 'Not simulated.' });

export const listenersPage = tablePage({
  place: { tab: 'Network', item: 'Listeners' },
  path: LISTENERS_PATH,
  caption: 'Listeners',
  noun: 'Listener',
  addLabel: 'Add Listener...',
  columns: [
    { name: 'Listener Name' },
    { header: 'Type' },
    { header: 'Interface' },
    { header: 'Port' },
    { header: 'Bounce Profile' },
    { deleteIcon: true, confirm: 'Delete' },
  ],
  buttons: [{ name: 'EditGlobalForm', value: 'Edit Global Settings...', change: () => refuse(NO_GLOBAL_SETTINGS) }],
  rows: (config, at) =>
    config.listeners.map((lc) => {
      const port = boundPort(at.engine, lc);
      return {
        key: lc.name,
        removable: true,
        cells: {
          Type: lc.type,
          Interface: interfaceLabel({ name: interfaceName(lc.host), address: lc.host }),
          Port: port === 0 ? '0 (a free port, chosen at commit)' : String(port),
          'Bounce Profile': lc.bounceProfile,
        },
      };
    }),
  form(config, key) {
    const lc = key === undefined ? newListener('', '127.0.0.1', freePort(config)) : findListener(config, key);
    if (!lc) return undefined;
    const iface = interfaceField(config);
    const profiles = profileNames(config);
    const fields: FormField[] = [
      { name: 'list_name', label: 'Name', field: withCheck(textField(), (n) => nameRefusal(config, n, key === undefined ? undefined : lc.name)) },
      {
        name: 'type',
        label: 'Type of Listener',
        kind: 'radio',
        options: [...LISTENER_TYPES].reverse(),
        optionIds: ['type_public', 'type_private'],
        field: choiceField(choices(LISTENER_TYPES)),
      },
      {
        name: 'interface',
        label: 'Interface',
        kind: 'select',
        options: [...(iface.choices ?? []), OTHER_ADDRESS],
        field: {
          parse: (t) => (t === OTHER_ADDRESS ? { value: undefined } : iface.parse(t)),
          format: (v: string | undefined) => (v ? iface.format(v) : OTHER_ADDRESS),
        },
      },
      {
        name: 'other_address',
        label: 'IP Address',
        shownWhen: { name: 'interface', values: [OTHER_ADDRESS] },
        field: addressField,
        hint: 'An IPv4 or IPv6 address of this host.',
      },
      { name: 'list_port', label: 'Port', field: portField, hint: '0: a free port, chosen when the change is committed.' },
      {
        name: 'relay_hosts',
        label: 'Relay Hosts',
        shownWhen: { name: 'type', values: ['Private'] },
        field: relayHostsField,
        hint: 'The systems allowed to relay mail through this listener: addresses, CIDR ranges (10.0.0.0/8) or ALL, separated by commas.',
      },
      ...(key === undefined
        ? [
            {
              name: 'accept',
              label: 'Accept Mail For',
              shownWhen: { name: 'type', values: ['Public'] },
              field: acceptField,
              hint: 'Domains or addresses (example.com, .example.com, joe@example.com), separated by commas: the first entries of its Recipient Access Table.',
            },
          ]
        : []),
      { name: 'bounce_profile', label: 'Bounce Profile', kind: 'select', options: profiles, field: choiceField(choices(profiles)) },
      notSimulated('heading_rsrc', 'Disclaimer Above'),
      notSimulated('footer_rsrc', 'Disclaimer Below'),
      notSimulated('smtpauth_profile', 'SMTP Authentication Profile'),
      {
        name: 'certificate',
        label: 'Certificate',
        kind: 'select',
        options: certificateNames(config),
        field: { parse: (t: string) => parseCertificateName(config, t), format: String },
        hint: 'What STARTTLS presents (System Administration: certconfig makes and takes certificates); TLS itself is set in the Mail Flow Policy.',
      },
      { name: 'optionsLinkClosed', label: 'Advanced', kind: 'heading' },
      { name: 'max_concurrency', label: 'Maximum Concurrent Connections', field: maxConnectionsField },
      { name: 'listen_queue_size', label: 'TCP Listen Queue Size', field: listenQueueField, hint: 'Kept, not applied.' },
    ];
    return {
      fields,
      values: {
        list_name: lc.name,
        type: lc.type,
        interface: interfaceOption(lc.host),
        other_address: '',
        list_port: String(lc.port),
        relay_hosts: relayHostsField.format(lc.relayHosts.length > 0 ? lc.relayHosts : ['127.0.0.1']),
        accept: '',
        bounce_profile: lc.bounceProfile,
        heading_rsrc: 'None',
        footer_rsrc: 'None',
        smtpauth_profile: 'None',
        certificate: lc.certificate ?? DEMO_CERTIFICATE,
        max_concurrency: String(lc.maxConnections),
        listen_queue_size: String(lc.listenQueue),
      },
    };
  },
  change(values, config, key) {
    const before = key === undefined ? undefined : (findListener(config, key) ?? refuse(`There is no listener named ${key}.`));
    const name = values.list_name as string;
    const type = values.type as ListenerType;
    const host = (values.interface as string | undefined) ?? (values.other_address as string);
    const port = values.list_port as number;
    const taken = portRefusal(config, host, port, before?.name);
    if (taken) throw new FieldRefusal('list_port', taken);
    const relayHosts = type === 'Private' ? (values.relay_hosts as string[]) : [];
    const profile = values.bounce_profile as string;
    const maxConnections = values.max_concurrency as number;
    const listenQueue = values.listen_queue_size as number;
    const certificate = values.certificate as string;
    if (!before) {
      const accept = (values.accept as string[] | undefined) ?? [];
      return createListener({
        ...newListener(name, host, port),
        type,
        relayHosts,
        rat: type === 'Public' ? accept.map((pattern) => ({ pattern, action: 'ACCEPT' as const })) : [],
        bounceProfile: profile,
        maxConnections,
        listenQueue,
        ...(certificate === DEMO_CERTIFICATE ? {} : { certificate }),
      });
    }
    // The renaming last: the other changes find the listener by the name it has now.
    return combineChanges(
      moveListener(before, host, port),
      setType(before, type, relayHosts),
      setBounceProfile(before, profile),
      setLimits(before, maxConnections, listenQueue),
      setListenerCertificate(before, certificate),
      renameListener(before, name),
    );
  },
  remove: (key) => deleteListener(key),
});
