// Mail Policies > Destination Controls: per recipient domain a concurrency limit, messages per
// connection, TLS and a bounce profile, and the Default entry the others inherit from, with the
// global settings (the certificate delivery presents, the required-TLS alert) — destconfig's
// table and operations (src/model/tables/destinations.ts). The appliance's controls esa-sim does
// not simulate (IP preference, recipient limits, DANE, bounce verification) are shown disabled,
// so the drivers find them and skip them.
/** @jsxImportSource hono/jsx */
import type { Parsed } from '../../model/answers.js';
import { resolveProfile } from '../../model/bounce-profile.js';
import type { ApplianceConfig, DeliveryTls } from '../../model/config.js';
import { certificateNames, DEMO_CERTIFICATE, parseCertificateName } from '../../model/tables/certificates.js';
import { DANE_REFUSAL, DELIVERY_TLS_CHOICES, deliveryTlsField } from '../../model/tls-settings.js';
import type { Field } from '../../model/field.js';
import { formatCount } from '../../model/format-count.js';
import { profileNames } from '../../model/tables/bounce-profiles.js';
import {
  concurrencyField,
  createDestination,
  deleteDestination,
  destinationDefaults,
  destinationEntries,
  editDefaults,
  editDestination,
  entryDomain,
  findDestination,
  messagesPerConnectionField,
  ownSettings,
  parseNewDestination,
  parseProfileName,
  setDeliverySetup,
  type EntrySettings,
} from '../../model/tables/destinations.js';
import type { FormField, FormValues } from '../forms.js';
import { settingsPage } from '../settings-page.js';
import { tablePage, type PageChange } from '../table-page.js';
import { Box } from '../widgets.js';

const PATH = '/mail_policies/destination_controls';
const GLOBAL_PATH = '/mail_policies/destination_controls/global';
const PLACE = { tab: 'Mail Policies', item: 'Destination Controls' } as const;

/** The Default entry's row and edit link (the drivers map `default` to it). */
const DEFAULT_ROW = 'Default';
const USE_DEFAULT = 'Use Default';
const CUSTOM = 'Custom';
/** No bounce profile of the entry's own: its mail keeps the profile its listener gave it. */
const LISTENERS = "(the listener's)";
const NOT_SIMULATED = 'Not simulated in esa-sim.';

/** TLS Support as the select lists it: the appliance's words ("None" for no TLS), "Use Default" on an entry. */
const TLS_NONE = 'None';
const tlsOptions = (isDefault: boolean) => [...(isDefault ? [] : [USE_DEFAULT]), TLS_NONE, ...DELIVERY_TLS_CHOICES.slice(1).map((c) => c.label)];
const tlsSelectField: Field<DeliveryTls | undefined> = {
  parse: (t): Parsed<DeliveryTls | undefined> => (t === USE_DEFAULT ? { value: undefined } : t === TLS_NONE ? { value: 'no' } : deliveryTlsField.parse(t)),
  format: (v) => (v === undefined ? USE_DEFAULT : v === 'no' ? TLS_NONE : deliveryTlsField.format(v)),
};

function tlsSelect(isDefault: boolean): FormField {
  return {
    name: 'table_tls',
    label: 'TLS Support',
    kind: 'select',
    options: tlsOptions(isDefault),
    field: tlsSelectField as Field<unknown>,
    hint: 'Preferred: STARTTLS when offered; Required: never in plain text (the mail waits or bounces by its profile); Verify: the certificate must check out against the trusted authorities and the host name.',
  };
}

const isDefaultKey = (key: string | undefined) => key !== undefined && key.toLowerCase() === DEFAULT_ROW.toLowerCase();
const inherited = (v: number | undefined, def: number) => (v === undefined ? `Default (${formatCount(def)})` : formatCount(v));

// ----- the list -----

function profileCells(config: ApplianceConfig, profile: string | undefined) {
  if (profile === undefined) return { 'Bounce Profile': LISTENERS, 'Maximum Time in Queue': LISTENERS, 'Maximum Retries': LISTENERS };
  const p = resolveProfile(config.bounceProfiles, profile);
  return { 'Bounce Profile': profile, 'Maximum Time in Queue': `${formatCount(p.max_queue_lifetime)} s`, 'Maximum Retries': formatCount(p.max_retries) };
}

function rows(config: ApplianceConfig) {
  const def = destinationDefaults(config);
  return [
    {
      key: DEFAULT_ROW,
      removable: false,
      cells: {
        'Concurrency Limit': formatCount(def.concurrency),
        'Messages per Connection': formatCount(def.maxMessagesPerConnection),
        ...profileCells(config, undefined),
      },
    },
    ...destinationEntries(config).map((e) => ({
      key: entryDomain(e.domain),
      removable: true,
      cells: {
        'Concurrency Limit': inherited(e.concurrency, def.concurrency),
        'Messages per Connection': inherited(e.maxMessagesPerConnection, def.maxMessagesPerConnection),
        ...profileCells(config, e.bounceProfile),
      },
    })),
  ];
}

// ----- the form -----

/** The controls of the appliance that esa-sim shows and does not simulate (disabled: never submitted). */
function unsimulated(isDefault: boolean): FormField[] {
  const off = { disabled: true, hint: NOT_SIMULATED } as const;
  return [
    {
      name: 'recipient_limit_type',
      label: 'Recipients Limit',
      kind: 'radio',
      options: [isDefault ? 'No Limit' : USE_DEFAULT, 'Custom'],
      optionIds: ['recipient_no_limit', 'recipient_max_of'],
      ...off,
    },
    { name: 'recipient_limit', label: 'Recipients', ...off },
    { name: 'recipient_minutes', label: 'Recipient Minutes', ...off },
    {
      name: 'limit_type',
      label: 'Apply Limits Per Destination',
      kind: 'radio',
      options: ['Entire Domain', 'Each Mail Exchanger (MX Record) IP address'],
      optionIds: ['limit_type_domain', 'limit_type_mx'],
      ...off,
    },
    {
      name: 'limit_apply',
      label: 'Apply Limits Per ESA Hostname',
      kind: 'radio',
      options: ['System Wide', 'Each Virtual Gateway'],
      optionIds: ['limit_apply_wide', 'limit_apply_gw'],
      ...off,
    },
    { name: 'heading_tls', label: 'TLS and Bounce Verification', kind: 'heading' },
    tlsSelect(isDefault),
    { name: 'dane_option', label: 'DANE Support', kind: 'select', options: ['None', 'Opportunistic', 'Mandatory'], disabled: true, hint: DANE_REFUSAL },
    {
      name: 'bounce_validation',
      label: 'Bounce Verification',
      kind: 'radio',
      options: isDefault ? ['Yes', 'No'] : [USE_DEFAULT, 'Yes', 'No'],
      optionIds: isDefault
        ? ['bounce_validation_yes_id', 'bounce_validation_no_id']
        : ['bounce_validation_default_id', 'bounce_validation_yes_id', 'bounce_validation_no_id'],
      ...off,
    },
  ];
}

const UNSIMULATED_VALUES: FormValues = {
  recipient_limit_type: USE_DEFAULT,
  limit_type: 'Entire Domain',
  limit_apply: 'System Wide',
  dane_option: 'None',
  bounce_validation: USE_DEFAULT,
};

const IP_PREFERENCE: FormField = {
  name: 'ip_sort_pref',
  label: 'IP Address Preference',
  kind: 'select',
  options: ['IPv6 Preferred', 'IPv6 Required', 'IPv4 Preferred', 'IPv4 Required'],
  disabled: true,
  hint: NOT_SIMULATED,
};

function defaultForm(config: ApplianceConfig) {
  const def = destinationDefaults(config);
  return {
    caption: 'Edit Default Destination Controls',
    fields: [
      IP_PREFERENCE,
      { name: 'heading_limits', label: 'Rate Limiting', kind: 'heading' },
      { name: 'max_host_concurrency', label: 'Concurrent Connections', field: concurrencyField as Field<unknown>, hint: '1 to 1,000' },
      {
        name: 'max_messages_per_connection',
        label: 'Maximum Messages Per Connection',
        field: messagesPerConnectionField as Field<unknown>,
        hint: '1 to 1,000',
      },
      ...unsimulated(true),
    ] satisfies FormField[],
    values: {
      ...UNSIMULATED_VALUES,
      recipient_limit_type: 'No Limit',
      bounce_validation: 'No',
      ip_sort_pref: 'IPv4 Preferred',
      max_host_concurrency: String(def.concurrency),
      max_messages_per_connection: String(def.maxMessagesPerConnection),
      table_tls: tlsSelectField.format(def.tls),
    },
  };
}

function entryForm(config: ApplianceConfig, key: string | undefined) {
  const entry = key === undefined ? undefined : findDestination(config, key);
  if (key !== undefined && !entry) return undefined;
  const own: EntrySettings = entry ? ownSettings(entry) : {};
  const def = destinationDefaults(config);
  const profileField: Field<string | undefined> = {
    parse: (t): Parsed<string | undefined> => (t === LISTENERS ? { value: undefined } : parseProfileName(config, t)),
    format: (v) => v ?? LISTENERS,
  };
  const fields: FormField[] = [
    entry
      ? { name: 'new_name', label: 'Destination', readOnly: true }
      : {
          name: 'new_name',
          label: 'Destination',
          field: { parse: (t: string) => parseNewDestination(config, t), format: String } as Field<unknown>,
          hint: 'A domain (example.com) or its subdomains (.example.com); the most specific entry wins.',
        },
    IP_PREFERENCE,
    { name: 'heading_limits', label: 'Rate Limiting', kind: 'heading' },
    {
      name: 'host_concurrency',
      label: 'Concurrent Connections Limit',
      kind: 'radio',
      options: [USE_DEFAULT, CUSTOM],
      optionIds: ['host_concurrency_default', 'host_concurrency_custom'],
      hint: `Default: ${formatCount(def.concurrency)}`,
    },
    {
      name: 'max_host_concurrency',
      label: 'Concurrent Connections',
      field: concurrencyField as Field<unknown>,
      hint: '1 to 1,000',
      shownWhen: { name: 'host_concurrency', values: [CUSTOM] },
    },
    {
      name: 'messages_per_connection',
      label: 'Maximum Messages Per Connection Limit',
      kind: 'radio',
      options: [USE_DEFAULT, CUSTOM],
      optionIds: ['messages_per_connection_default', 'messages_per_connection_custom'],
      hint: `Default: ${formatCount(def.maxMessagesPerConnection)}`,
    },
    {
      name: 'max_messages_per_connection',
      label: 'Maximum Messages Per Connection',
      field: messagesPerConnectionField as Field<unknown>,
      hint: '1 to 1,000',
      shownWhen: { name: 'messages_per_connection', values: [CUSTOM] },
    },
    ...unsimulated(false),
    { name: 'heading_bounce', label: 'Bounces', kind: 'heading' },
    {
      name: 'bounce_profile',
      label: 'Bounce Profile',
      kind: 'select',
      options: [LISTENERS, ...profileNames(config)],
      field: profileField as Field<unknown>,
      hint: "Its retries, queue lifetime and DSNs replace those of the profile the mail got from its listener; (the listener's): no profile of the destination's own.",
    },
  ];
  const values: FormValues = {
    ...UNSIMULATED_VALUES,
    ip_sort_pref: 'IPv4 Preferred',
    new_name: entry ? entryDomain(entry.domain) : '',
    host_concurrency: own.concurrency === undefined ? USE_DEFAULT : CUSTOM,
    max_host_concurrency: String(own.concurrency ?? def.concurrency),
    messages_per_connection: own.maxMessagesPerConnection === undefined ? USE_DEFAULT : CUSTOM,
    max_messages_per_connection: String(own.maxMessagesPerConnection ?? def.maxMessagesPerConnection),
    table_tls: tlsSelectField.format(own.tls),
    bounce_profile: profileField.format(own.bounceProfile),
  };
  return { fields, values };
}

function change(values: Record<string, unknown>, config: ApplianceConfig, key: string | undefined): PageChange | undefined {
  if (isDefaultKey(key)) {
    const before = destinationDefaults(config);
    const after = {
      concurrency: values.max_host_concurrency as number,
      maxMessagesPerConnection: values.max_messages_per_connection as number,
      tls: (values.table_tls as DeliveryTls | undefined) ?? before.tls,
    };
    const edit = editDefaults(before, after);
    return edit && { ...edit, banner: 'The default destination controls were saved.' };
  }
  const s: EntrySettings = {
    concurrency: values.host_concurrency === CUSTOM ? (values.max_host_concurrency as number) : undefined,
    maxMessagesPerConnection: values.messages_per_connection === CUSTOM ? (values.max_messages_per_connection as number) : undefined,
    bounceProfile: values.bounce_profile as string | undefined,
    tls: values.table_tls as DeliveryTls | undefined,
  };
  if (key === undefined) {
    const domain = values.new_name as string;
    return { ...createDestination(domain, s), banner: `Destination "${domain}" was added.` };
  }
  const entry = findDestination(config, key)!;
  const domain = entryDomain(entry.domain);
  const edit = editDestination(domain, ownSettings(entry), s);
  return edit && { ...edit, banner: `Destination "${domain}" was saved.` };
}

export const destinationControlsPage = tablePage({
  place: PLACE,
  path: PATH,
  caption: 'Destination Control Table',
  noun: 'Destination',
  addLabel: 'Add Destination...',
  // The drivers find an entry's Delete box six cells after its name: the seventh column.
  columns: [
    { name: 'Destination' },
    { header: 'Concurrency Limit' },
    { header: 'Messages per Connection' },
    { header: 'Bounce Profile' },
    { header: 'Maximum Time in Queue' },
    { header: 'Maximum Retries' },
    { delete: true },
  ],
  above: (config: ApplianceConfig) => (
    <Box caption="Global Settings">
      <table class="pairs">
        <tbody>
          <tr>
            <th>Certificate:</th>
            <td>{config.deliveryCertificate ?? DEMO_CERTIFICATE}</td>
          </tr>
          <tr>
            <th>Send an alert when a required TLS connection fails:</th>
            <td>{config.tlsRequiredAlert ? 'Yes' : 'No'}</td>
          </tr>
        </tbody>
      </table>
      <div class="buttons">
        <input type="button" id="EditGlobalForm" name="EditGlobalForm" value="Edit Global Settings..." data-href={GLOBAL_PATH} />
      </div>
    </Box>
  ),
  rows,
  form: (config, key) => (isDefaultKey(key) ? defaultForm(config) : entryForm(config, key)),
  change: (values, config, key) => change(values, config, key),
  remove: (key) => ({ ...deleteDestination(key), banner: `Destination "${key}" was deleted.` }),
});

export const destinationGlobalSettingsPage = settingsPage({
  place: PLACE,
  path: GLOBAL_PATH,
  back: PATH,
  caption: 'Edit Destination Controls Global Settings',
  form: (config) => ({
    fields: [
      {
        name: 'certificate',
        label: 'Certificate',
        kind: 'select',
        options: certificateNames(config),
        field: { parse: (t: string) => parseCertificateName(config, t), format: String } as Field<unknown>,
        hint: 'Presented when a server asks delivery for a certificate (certconfig makes and takes them).',
      },
      { name: 'send_tls_req_alert', label: 'Send an alert when a required TLS connection fails', kind: 'checkbox' },
    ],
    values: { certificate: config.deliveryCertificate ?? DEMO_CERTIFICATE, send_tls_req_alert: config.tlsRequiredAlert ? 'Yes' : 'No' },
  }),
  change: (values, config) => {
    const edit = setDeliverySetup(config, values.certificate as string, values.send_tls_req_alert === 'Yes');
    return edit && { ...edit, banner: 'The global destination controls were saved.' };
  },
});
