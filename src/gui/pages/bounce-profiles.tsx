// Network > Bounce Profiles: the profiles (list, add, edit, delete), the Default profile with the
// host-level settings, and the global settings (the waits before retrying an unreachable host,
// and whether a host found down hard-bounces all its domain's mail: bounceconfig SETUP). Every
// value is read by the model's setting parses and every change is one of bounceconfig's model
// operations (src/model/tables/bounce-profiles.ts); the ids are the appliance's.
/** @jsxImportSource hono/jsx */
import { parseYesNo } from '../../model/answers.js';
import {
  BOUNCE_KEYS,
  DEFAULT_PROFILE_NAME,
  resolveProfile,
  settingField,
  SETTING_KINDS,
  type BounceKey,
  type BounceSettings,
  type StoredProfile,
} from '../../model/bounce-profile.js';
import { combineChanges } from '../../model/change.js';
import type { ApplianceConfig } from '../../model/config.js';
import { optionalField, textField, withCheck, yesNoField, type Field } from '../../model/field.js';
import { formatCount } from '../../model/format-count.js';
import {
  createProfile,
  deleteProfile,
  editProfile,
  findProfile,
  nameRefusal,
  profileNames,
  profileUsers,
  renameProfile,
  setBounceAll,
  storedFieldRefusal,
  withSettings,
} from '../../model/tables/bounce-profiles.js';
import type { FormField, FormValues, ShownWhen } from '../forms.js';
import { rowsField, rowsValue } from '../row-table.js';
import { settingsPage } from '../settings-page.js';
import { FieldRefusal, tablePage, type PageChange } from '../table-page.js';
import { Box } from '../widgets.js';

const PATH = '/network/bounce_profiles';
const GLOBAL_PATH = '/network/bounce_profiles/global';
const PLACE = { tab: 'Network', item: 'Bounce Profiles' } as const;

const USE_DEFAULT = 'Use Default';
const SENDER = 'Message sender';
const ALTERNATE = 'Alternate';
/** The one notification template: the appliance's own text (no templates can be configured here). */
const SYSTEM_GENERATED = 'System Generated';

/** The yes/no settings as radio groups: caption and the ids of Use Default, Yes, No. */
type FlagKey = 'send_bounces' | 'use_dsn_bounce_format' | 'use_bounce_response_code' | 'send_warnings' | 'sign_bounce_messages';
const FLAGS: Record<FlagKey, { label: string; ids: readonly [string, string, string] }> = {
  send_bounces: { label: 'Send Hard Bounce Messages', ids: ['default_bounces', 'yes_bounces', 'no_bounces'] },
  use_dsn_bounce_format: { label: 'Use DSN format for bounce messages', ids: ['default_dsn', 'yes_dsn', 'no_dsn'] },
  use_bounce_response_code: { label: 'Parse DSN "Status" field from bounce responses', ids: ['default_dsn_parse', 'yes_dsn_parse', 'no_dsn_parse'] },
  send_warnings: { label: 'Send Delay Warning Messages', ids: ['default_warnings', 'yes_warnings', 'no_warnings'] },
  sign_bounce_messages: {
    label: 'Use Domain Key Signing for Bounce and Delay Messages',
    ids: ['sign_bounce_messages2', 'sign_bounce_messages1', 'sign_bounce_messages0'],
  },
};

const CAPTIONS: Partial<Record<BounceKey, string>> = {
  max_retries: 'Maximum Number of Retries',
  max_queue_lifetime: 'Maximum Time in Queue (seconds)',
  initial_retry: 'Initial Time to Wait per Message (seconds)',
  max_retry_timeout: 'Maximum Time to Wait per Message (seconds)',
  bounce_subject: 'Hard Bounce Message Subject',
  delay_subject: 'Send Delay Message Subject',
  send_warnings_interval: 'Minimum Interval Between Messages (seconds)',
  send_warnings_count: 'Maximum Number of Messages to Send',
  host_initial_retry: 'Initial Period to Wait Before Retrying an Unreachable Host (seconds)',
  host_max_retry_timeout: 'Maximum Interval Allowed Between Retries to an Unreachable Host (seconds)',
  max_bounce_copy: 'Maximum Size of the Original Message in a Bounce (bytes)',
};

/** The template languages of the appliance's rows (select values as its drivers pass them). */
const LANGUAGES: readonly { value: string; label: string }[] = [
  { value: 'others', label: 'Default' },
  { value: 'de', label: 'Deutsch' },
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Espanol' },
  { value: 'fr', label: 'French' },
  { value: 'it', label: 'Italian' },
  { value: 'ja', label: 'Japanese' },
  { value: 'ko', label: 'Korean' },
  { value: 'pt', label: 'Portuguese' },
  { value: 'ru', label: 'Russian' },
  { value: 'zh-cn', label: 'Chinese' },
  { value: 'zh-tw', label: 'Taiwanese' },
];

const yesNo = (v: boolean) => (v ? 'Yes' : 'No');
const seconds = (n: number) => `${formatCount(n)} s`;

function rangeHint(key: BounceKey): string | undefined {
  const kind = SETTING_KINDS[key];
  return kind.type === 'integer' ? `${formatCount(kind.min)} to ${formatCount(kind.max)}` : undefined;
}

/** A Use Default / Yes / No radio's value: undefined inherits. */
const inheritableYesNo: Field<boolean | undefined> = {
  parse: (t) => (t === USE_DEFAULT ? { value: undefined } : parseYesNo(t)),
  format: (v) => (v === undefined ? USE_DEFAULT : yesNo(v)),
};

// ----- the profile form -----

interface ProfileShape {
  /** The stored name (undefined: a new profile). */
  name: string | undefined;
  isDefault: boolean;
  own: StoredProfile;
  /** What an inherited setting takes: the Default profile's effective settings. */
  base: BounceSettings;
}

function shapeOf(config: ApplianceConfig, key: string | undefined): ProfileShape | undefined {
  const name = key === undefined ? undefined : findProfile(config, key);
  if (key !== undefined && name === undefined) return undefined;
  return {
    name,
    isDefault: name === DEFAULT_PROFILE_NAME,
    own: name === undefined ? {} : { ...config.bounceProfiles[name] },
    base: resolveProfile(config.bounceProfiles, undefined),
  };
}

/** A text setting: a non-Default profile's empty field inherits the Default profile's value. */
function settingInput(s: ProfileShape, key: BounceKey, shownWhen?: readonly ShownWhen[]): FormField {
  const field = settingField(key) as Field<unknown>;
  const inherited = field.format(s.base[key]);
  const range = rangeHint(key);
  return {
    name: key,
    label: CAPTIONS[key] ?? key,
    field: s.isDefault ? field : optionalField(field),
    placeholder: s.isDefault ? undefined : inherited,
    hint: s.isDefault ? range : `${range ? `${range}; ` : ''}empty: the Default profile's (${inherited || 'empty'})`,
    shownWhen,
  };
}

function flagInput(s: ProfileShape, key: FlagKey, shownWhen?: readonly ShownWhen[]): FormField {
  const { label, ids } = FLAGS[key];
  return {
    name: key,
    label,
    kind: 'radio',
    options: s.isDefault ? ['Yes', 'No'] : [USE_DEFAULT, 'Yes', 'No'],
    optionIds: s.isDefault ? ids.slice(1) : ids,
    field: (s.isDefault ? yesNoField : inheritableYesNo) as Field<unknown>,
    hint: s.isDefault ? undefined : `The Default profile's: ${yesNo(s.base[key] as boolean)}`,
    shownWhen,
  };
}

/** The radio answers under which a yes/no setting acts as Yes (Use Default too when Default's is Yes). */
function actsAsYes(s: ProfileShape, key: FlagKey): ShownWhen {
  return { name: key, values: !s.isDefault && s.base[key] ? ['Yes', USE_DEFAULT] : ['Yes'] };
}

/** A template row's choice: only the appliance's own text exists (the model refuses any other template). */
function templateRows(s: ProfileShape, name: 'bounce_tmpl' | 'delay_tmpl', label: string, shownWhen: readonly ShownWhen[]): FormField {
  const key = name === 'bounce_tmpl' ? 'bounce_template' : 'delay_template';
  return rowsField(
    {
      name,
      label,
      columns: [
        { name: 'lang', label: 'Language', options: LANGUAGES },
        { name: 'tmpl', label: 'Template', options: [{ value: SYSTEM_GENERATED, label: SYSTEM_GENERATED }], idSuffix: '_id' },
      ],
      addLabel: 'Add Row',
      hint: 'No notification templates are configured: every language gets the system generated text.',
      parse(rows) {
        for (const [, template] of rows) {
          // The table's rule for templates: none but the system's own (an empty setting).
          try {
            withSettings(s.own, [{ key, value: template === SYSTEM_GENERATED ? '' : template }], s.isDefault);
          } catch (e) {
            return { error: (e as Error).message };
          }
        }
        return { value: undefined };
      },
    },
    { shownWhen },
  );
}

function profileFields(config: ApplianceConfig, s: ProfileShape): FormField[] {
  const bounces = [actsAsYes(s, 'send_bounces')];
  const dsn = [...bounces, actsAsYes(s, 'use_dsn_bounce_format')];
  const warnings = [actsAsYes(s, 'send_warnings')];
  const fields: FormField[] = [
    s.isDefault
      ? { name: 'newName', label: 'Profile Name', readOnly: true }
      : {
          name: 'newName',
          label: 'Profile Name',
          field: withCheck(textField(), (n) => nameRefusal(config, n, s.name)) as Field<unknown>,
          hint: 'Letters, digits, "_" and "-", starting with a letter or "_".',
        },
    settingInput(s, 'max_retries'),
    settingInput(s, 'max_queue_lifetime'),
    settingInput(s, 'initial_retry'),
    settingInput(s, 'max_retry_timeout'),
    { name: 'heading_messages', label: 'Hard Bounce and Warning Messages', kind: 'heading' },
    flagInput(s, 'send_bounces'),
    flagInput(s, 'use_dsn_bounce_format', bounces),
    settingInput(s, 'bounce_subject', dsn),
    templateRows(s, 'bounce_tmpl', 'Hard Bounce Notification Template', dsn),
    flagInput(s, 'use_bounce_response_code', dsn),
    flagInput(s, 'send_warnings'),
    settingInput(s, 'delay_subject', warnings),
    templateRows(s, 'delay_tmpl', 'Send Delay Notification Template', warnings),
    settingInput(s, 'send_warnings_interval', warnings),
    settingInput(s, 'send_warnings_count', warnings),
    {
      name: 'bounce_recipient',
      label: 'Recipient for Bounce and Warning Messages',
      kind: 'radio',
      options: [SENDER, ALTERNATE],
      optionIds: ['message_sender', 'alternate'],
    },
    {
      name: 'alt_address',
      label: 'Alternate Address',
      field: withCheck(settingField('bounce_address'), (a) =>
        a === '' ? 'Enter the address bounce and warning messages go to.' : undefined,
      ) as Field<unknown>,
      shownWhen: { name: 'bounce_recipient', values: [ALTERNATE] },
    },
    flagInput(s, 'sign_bounce_messages'),
  ];
  if (s.isDefault) {
    fields.push(
      { name: 'heading_hosts', label: 'Unreachable Hosts and Bounce Size', kind: 'heading', hint: 'Settings of the Default profile alone.' },
      settingInput(s, 'host_initial_retry'),
      settingInput(s, 'host_max_retry_timeout'),
      settingInput(s, 'max_bounce_copy'),
    );
  }
  return fields;
}

function profileValues(s: ProfileShape): FormValues {
  const values: FormValues = { newName: s.name ?? '' };
  const acting = s.isDefault ? s.base : undefined;
  for (const key of BOUNCE_KEYS) {
    const v = acting ? acting[key] : s.own[key];
    if (key in FLAGS) values[key] = v === undefined ? USE_DEFAULT : yesNo(v as boolean);
    else values[key] = v === undefined ? '' : settingField(key).format(v);
  }
  const address = s.own.bounce_address ?? s.base.bounce_address;
  values.bounce_recipient = address === '' ? SENDER : ALTERNATE;
  values.alt_address = address;
  values.bounce_tmpl = rowsValue([['others', SYSTEM_GENERATED]]);
  values.delay_tmpl = rowsValue([['others', SYSTEM_GENERATED]]);
  return values;
}

/** The submitted values onto the profile's stored ones: a field left hidden keeps its value. */
function storedFrom(s: ProfileShape, values: Record<string, unknown>): StoredProfile {
  const after: StoredProfile = { ...s.own };
  for (const key of BOUNCE_KEYS) {
    if (!(key in values) || key === 'bounce_address') continue;
    if (values[key] === undefined) delete after[key];
    else (after as Record<string, unknown>)[key] = values[key];
  }
  if ('bounce_recipient' in values) {
    const address = values.bounce_recipient === ALTERNATE ? String(values.alt_address ?? '') : '';
    // An inherited address stays inherited while the form shows it unchanged.
    if (!s.isDefault && s.own.bounce_address === undefined && address === s.base.bounce_address) delete after.bounce_address;
    else after.bounce_address = address;
  }
  return after;
}

/** The form field a profile setting is typed in. */
const fieldOf = (key: BounceKey): string => (key === 'bounce_address' ? 'alt_address' : key);

function profileChange(values: Record<string, unknown>, config: ApplianceConfig, key: string | undefined): PageChange | undefined {
  const s = shapeOf(config, key)!;
  const after = storedFrom(s, values);
  const name = s.isDefault ? DEFAULT_PROFILE_NAME : String(values.newName);
  const cross = storedFieldRefusal(config, s.name ?? name, after);
  if (cross) throw new FieldRefusal(fieldOf(cross.key), cross.error);
  if (s.name === undefined) return { ...createProfile(name, after), banner: `Bounce profile "${name}" was added.` };
  const renamed = name !== s.name;
  const change = combineChanges([renamed ? renameProfile(s.name, name) : undefined, editProfile(name, s.own, after)]);
  if (!change) return undefined;
  return { ...change, banner: renamed ? `Bounce profile "${s.name}" was renamed to "${name}" and saved.` : `Bounce profile "${name}" was saved.` };
}

// ----- the list -----

function rows(config: ApplianceConfig) {
  return profileNames(config).map((name) => {
    const p = resolveProfile(config.bounceProfiles, name);
    return {
      key: name,
      removable: name !== DEFAULT_PROFILE_NAME,
      cells: {
        'Maximum Retries': formatCount(p.max_retries),
        'Maximum Time in Queue': seconds(p.max_queue_lifetime),
        'Retry Wait (Initial / Maximum)': `${seconds(p.initial_retry)} / ${seconds(p.max_retry_timeout)}`,
        'Hard Bounces': p.send_bounces ? (p.use_dsn_bounce_format ? 'Yes (DSN)' : 'Yes') : 'No',
        'Delay Warnings': p.send_warnings ? `Every ${seconds(p.send_warnings_interval)}, at most ${formatCount(p.send_warnings_count)}` : 'No',
        Recipient: p.bounce_address || SENDER,
        'Used By': profileUsers(config, name).join(', '),
      },
    };
  });
}

function GlobalSummary(props: { config: ApplianceConfig }) {
  const d = resolveProfile(props.config.bounceProfiles, undefined);
  return (
    <Box caption="Global Settings">
      <table class="pairs">
        <tbody>
          <tr>
            <th>Initial Period to Wait Before Retrying an Unreachable Host:</th>
            <td>{seconds(d.host_initial_retry)}</td>
          </tr>
          <tr>
            <th>Maximum Interval Allowed Between Retries to an Unreachable Host:</th>
            <td>{seconds(d.host_max_retry_timeout)}</td>
          </tr>
          <tr>
            <th>Hard Bounce All Queued Mail of a Domain Whose Host Is Down:</th>
            <td>{yesNo(props.config.bounceAllWhenHostDown)}</td>
          </tr>
        </tbody>
      </table>
      <div class="buttons">
        <input type="button" id="EditGlobalForm" name="EditGlobalForm" value="Edit Settings..." data-href={GLOBAL_PATH} />
      </div>
    </Box>
  );
}

export const bounceProfilesPage = tablePage({
  place: PLACE,
  path: PATH,
  caption: 'Bounce Profiles',
  noun: 'Bounce Profile',
  addLabel: 'Add Bounce Profile...',
  columns: [
    { name: 'Profile' },
    { delete: true },
    { header: 'Maximum Retries' },
    { header: 'Maximum Time in Queue' },
    { header: 'Retry Wait (Initial / Maximum)' },
    { header: 'Hard Bounces' },
    { header: 'Delay Warnings' },
    { header: 'Recipient' },
    { header: 'Used By' },
  ],
  above: (config) => <GlobalSummary config={config} />,
  rows,
  form(config, key) {
    const s = shapeOf(config, key);
    if (!s) return undefined;
    return { fields: profileFields(config, s), values: profileValues(s), caption: s.isDefault ? 'Edit Default Bounce Profile' : undefined };
  },
  change: (values, config, key) => profileChange(values, config, key),
  remove: (key) => ({ ...deleteProfile(key), banner: `Bounce profile "${key}" was deleted.` }),
});

// ----- the global settings -----

export const bounceGlobalSettingsPage = settingsPage({
  place: PLACE,
  path: GLOBAL_PATH,
  back: PATH,
  caption: 'Edit Global Bounce Settings',
  form(config) {
    const d = resolveProfile(config.bounceProfiles, undefined);
    return {
      fields: [
        {
          name: 'initial_retry',
          label: CAPTIONS.host_initial_retry!,
          field: settingField('host_initial_retry') as Field<unknown>,
          hint: rangeHint('host_initial_retry'),
        },
        {
          name: 'max_retry_timeout',
          label: CAPTIONS.host_max_retry_timeout!,
          field: settingField('host_max_retry_timeout') as Field<unknown>,
          hint: rangeHint('host_max_retry_timeout'),
        },
        {
          name: 'bounce_all_host_down',
          label: 'Hard Bounce All Queued Mail of a Domain Whose Host Is Down',
          kind: 'checkbox',
          field: yesNoField as Field<unknown>,
          hint: 'Mail already queued for the domain is bounced at once when its host is found down (bounceconfig SETUP).',
        },
      ],
      values: {
        initial_retry: String(d.host_initial_retry),
        max_retry_timeout: String(d.host_max_retry_timeout),
        bounce_all_host_down: yesNo(config.bounceAllWhenHostDown),
      },
    };
  },
  change(values, config) {
    const before = config.bounceProfiles[DEFAULT_PROFILE_NAME];
    const after: StoredProfile = { ...before, host_initial_retry: values.initial_retry as number, host_max_retry_timeout: values.max_retry_timeout as number };
    const cross = storedFieldRefusal(config, DEFAULT_PROFILE_NAME, after);
    if (cross) throw new FieldRefusal(cross.key === 'host_max_retry_timeout' ? 'max_retry_timeout' : 'initial_retry', cross.error);
    const change = combineChanges([editProfile(DEFAULT_PROFILE_NAME, before, after), setBounceAll(config, values.bounce_all_host_down as boolean)]);
    return change && { ...change, banner: 'The global bounce settings were saved.' };
  },
});
