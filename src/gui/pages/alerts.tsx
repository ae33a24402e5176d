// System Administration > Alerts: the alert recipients (alertconfig's table, on its operations
// in src/model/tables/alerts.ts) with a grid of classes and severities per recipient, the global
// settings (duplicate suppression, the From: address, the forecast alert's thresholds), and the
// newest alerts raised with how their mail went (`displayalerts`). Every role may look; changes
// need `act`, as in the CLI.
/** @jsxImportSource hono/jsx */
import {
  ALERT_CLASSES,
  ALERT_SEVERITIES,
  alertFrom,
  alertSettings,
  deliveriesText,
  type AlertClass,
  type AlertRecipient,
  type AlertSeverity,
  type AlertView,
} from '../../model/alerts.js';
import type { Parsed } from '../../model/answers.js';
import { combineChanges } from '../../model/change.js';
import type { ApplianceConfig } from '../../model/config.js';
import type { Field } from '../../model/field.js';
import { formatApplianceDate } from '../../model/format-date.js';
import {
  deleteRecipient,
  duplicateRefusal,
  DUPLICATE_RANGE,
  findRecipient,
  FORECAST_RANGES,
  parseFromAddress,
  parseRecipientAddress,
  putRecipient,
  recipientsOf,
  setForecastThresholds,
  setFrom,
  setupDuplicates,
} from '../../model/tables/alerts.js';
import { integerField } from '../../model/field.js';
import type { FormBody } from '../page.js';
import { settingsPage } from '../settings-page.js';
import { FieldRefusal, tablePage, type TableRow } from '../table-page.js';
import { Box } from '../widgets.js';

const PATH = '/system_administration/alerts';
const SETTINGS_PATH = '/system_administration/alerts/settings';
/** Alerts shown under View Top Alerts. */
const TOP_ALERTS = 10;

/** The grid's rows (`<row>-<col>` checkboxes): All, then the classes the appliance's form lists. */
const ROWS: readonly { id: string; label: string; alertClass?: AlertClass }[] = [
  { id: 'all', label: 'All' },
  { id: 'system', label: 'System', alertClass: 'System' },
  { id: 'hardware', label: 'Hardware', alertClass: 'Hardware' },
  { id: 'updater', label: 'Updater', alertClass: 'Updater' },
  { id: 'vof', label: 'Outbreak Filters', alertClass: 'Outbreak Filters' },
  { id: 'antivirus', label: 'Anti-Virus', alertClass: 'Anti-Virus' },
  { id: 'antispam', label: 'Anti-Spam', alertClass: 'Anti-Spam' },
  { id: 'dhap', label: 'Directory Harvest Attack Prevention', alertClass: 'Directory Harvest Attack Prevention' },
];
const COLUMNS: readonly { id: string; label: string; severity?: AlertSeverity }[] = [
  { id: 'all', label: 'All' },
  { id: 'critical', label: 'Critical', severity: 'Critical' },
  { id: 'warning', label: 'Warning', severity: 'Warning' },
  { id: 'info', label: 'Information', severity: 'Information' },
];
/** Release and Support Notifications: one box, all severities. */
const RELEASE = 'rnt-all';
const BOXES = [...ROWS.flatMap((r) => COLUMNS.map((c) => `${r.id}-${c.id}`)), RELEASE];

/** The boxes ticked for a recipient's classes. */
function ticked(classes: AlertRecipient['classes']): string[] {
  const out: string[] = [];
  for (const r of ROWS) {
    if (!r.alertClass) continue;
    const s = classes[r.alertClass] ?? [];
    for (const c of COLUMNS) if (c.severity && s.includes(c.severity)) out.push(`${r.id}-${c.id}`);
    if (s.length === ALERT_SEVERITIES.length) out.push(`${r.id}-all`);
  }
  if ((classes['Release and Support Notifications'] ?? []).length) out.push(RELEASE);
  return out;
}

/** The classes the ticked boxes give: a row's All takes every severity, the All row every class. */
function classesOf(boxes: ReadonlySet<string>): Parsed<AlertRecipient['classes']> {
  const classes: AlertRecipient['classes'] = {};
  for (const r of ROWS) {
    if (!r.alertClass) continue;
    const severities = ALERT_SEVERITIES.filter((s) => {
      const col = COLUMNS.find((c) => c.severity === s)!.id;
      return boxes.has(`${r.id}-all`) || boxes.has('all-all') || boxes.has(`${r.id}-${col}`) || boxes.has(`all-${col}`);
    });
    if (severities.length) classes[r.alertClass] = severities;
  }
  if (boxes.has(RELEASE)) classes['Release and Support Notifications'] = [...ALERT_SEVERITIES];
  return Object.keys(classes).length ? { value: classes } : { error: 'Choose at least one alert class and severity.' };
}

const gridField: Field<unknown> = { parse: (text) => classesOf(new Set(text.split(',').filter(Boolean))), format: String };

function Grid(props: { value: string }) {
  const on = new Set(props.value.split(','));
  return (
    <table class="cols" id="severity_grid">
      <tbody>
        <tr>
          <th>Alert Type</th>
          {COLUMNS.map((c) => (
            <th>{c.label}</th>
          ))}
        </tr>
        {ROWS.map((r) => (
          <tr>
            <td>{r.label}</td>
            {COLUMNS.map((c) => (
              <td>
                <input
                  type="checkbox"
                  id={`${r.id}-${c.id}`}
                  name={`${r.id}-${c.id}`}
                  value="Yes"
                  checked={on.has(`${r.id}-${c.id}`)}
                  aria-label={`${r.label} ${c.label}`}
                />
              </td>
            ))}
          </tr>
        ))}
        <tr>
          <td>Release and Support Notifications</td>
          <td colspan={COLUMNS.length}>
            <input type="checkbox" id={RELEASE} name={RELEASE} value="Yes" checked={on.has(RELEASE)} aria-label="Release and Support Notifications" />
          </td>
        </tr>
      </tbody>
    </table>
  );
}

const severitiesCell = (s: readonly AlertSeverity[] | undefined) => (!s?.length ? '' : s.length === ALERT_SEVERITIES.length ? 'All' : s.join(', '));

/** A row: the address, one cell per class, whether any class sends each severity; then the delete box and icon. */
function rows(config: ApplianceConfig): TableRow[] {
  return recipientsOf(config).map((r) => {
    const cells: Record<string, string> = {};
    for (const c of ALERT_CLASSES) cells[c] = severitiesCell(r.classes[c]);
    for (const s of ALERT_SEVERITIES) cells[s] = ALERT_CLASSES.some((c) => r.classes[c]?.includes(s)) ? 'Yes' : '';
    return { key: r.address, removable: true, cells };
  });
}

function TopAlerts(props: { config: ApplianceConfig; alerts: readonly AlertView[]; settingsUrl: string }) {
  const s = alertSettings(props.config);
  return (
    <>
      <Box caption="Alert Settings">
        <table class="pairs" id="alert_settings">
          <tbody>
            <tr>
              <th>From Address:</th>
              <td>{alertFrom(s, props.config.hostname)}</td>
            </tr>
            <tr>
              <th>Duplicate Alerts:</th>
              <td>
                held back {s.duplicateInitial} seconds at first, up to {s.duplicateMax} seconds
              </td>
            </tr>
            <tr>
              <th>Forecast Alert (esa-sim):</th>
              <td>
                after {s.forecast.downMinutes} minute(s) down; again {s.forecast.bounceHours} hour(s) before the first bounce, {s.forecast.fullMinutes}{' '}
                minute(s) before storage fills
              </td>
            </tr>
          </tbody>
        </table>
        <div class="buttons">
          <input type="button" value="Edit Settings..." data-href={props.settingsUrl} />
          <input type="button" value="View Top Alerts" data-href="#basic" />
        </div>
      </Box>
      <div id="basic">
        <Box caption="Top Alerts">
          {props.alerts.length === 0 ? (
            <p>There are no alerts stored currently on the appliance</p>
          ) : (
            <table class="cols" id="top_alerts">
              <tbody>
                <tr>
                  <th>Date and Time Stamp</th>
                  <th>Severity</th>
                  <th>Subject</th>
                  <th>Mail</th>
                </tr>
                {props.alerts.slice(0, TOP_ALERTS).map((a) => (
                  <tr>
                    <td>{formatApplianceDate(a.at)}</td>
                    <td>{a.severity}</td>
                    <td>{a.subject}</td>
                    <td>{deliveriesText(a).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Box>
      </div>
    </>
  );
}

export const alertsPage = tablePage({
  place: { tab: 'System Administration', item: 'Alerts' },
  path: PATH,
  caption: 'Alert Recipients',
  noun: 'Recipient',
  addLabel: 'Add Recipient...',
  // 12 cells between the address and the delete icon: the classes, the severities, the delete box.
  columns: [
    { name: 'Recipient Address' },
    ...ALERT_CLASSES.map((c) => ({ header: c })),
    ...ALERT_SEVERITIES.map((s) => ({ header: s })),
    { delete: true },
    { deleteIcon: true, confirm: 'Delete' },
  ],
  above: (config, at, ctx) => <TopAlerts config={config} alerts={at.engine.alerts()} settingsUrl={ctx.url(SETTINGS_PATH)} />,
  rows,
  form(config, key) {
    const r = key === undefined ? undefined : findRecipient(config, key);
    if (key !== undefined && !r) return undefined;
    return {
      fields: [
        {
          name: 'recipient',
          label: 'Recipient Email Address',
          field: { parse: (t: string) => parseRecipientAddress(config, t, r?.address), format: String } as Field<unknown>,
        },
        {
          name: 'severities',
          label: 'Alert Types and Severities',
          field: gridField,
          render: (value) => <Grid value={value} />,
          read: (form: FormBody) => BOXES.filter((b) => form.has(b)).join(','),
          hint: "A row's All takes every severity of its class; the All row every class. Release and Support Notifications are sent whole. This engine raises System alerts.",
        },
      ],
      values: { recipient: r?.address ?? '', severities: ticked(r?.classes ?? { System: [...ALERT_SEVERITIES] }).join(',') },
    };
  },
  change(values, config, key) {
    const address = values.recipient as string;
    const classes = values.severities as AlertRecipient['classes'];
    const r = key === undefined ? undefined : findRecipient(config, key);
    if (r && r.address === address && JSON.stringify(r.classes) === JSON.stringify(classes)) return undefined;
    return { ...putRecipient(r?.address, address, classes), banner: `The alert recipient ${address} was ${r ? 'saved' : 'added'}.` };
  },
  remove: (key) => ({ ...deleteRecipient(key), banner: `The alert recipient ${key} was deleted.` }),
});

const secondsField = integerField(DUPLICATE_RANGE);

export const alertSettingsPage = settingsPage({
  place: { tab: 'System Administration', item: 'Alerts' },
  path: SETTINGS_PATH,
  back: PATH,
  caption: 'Edit Alert Settings',
  form(config) {
    const s = alertSettings(config);
    return {
      fields: [
        {
          name: 'from_address',
          label: 'From Address to Use When Sending Alerts',
          field: { parse: parseFromAddress, format: String } as Field<unknown>,
          hint: `Empty or DEFAULT: alert@${config.hostname}.`,
        },
        { name: 'initial_seconds', label: 'Initial Number of Seconds to Wait Before Sending a Duplicate Alert', field: secondsField },
        { name: 'max_seconds', label: 'Maximum Number of Seconds to Wait Before Sending a Duplicate Alert', field: secondsField },
        { name: 'forecast_down', label: 'Forecast Alert: Minutes Down Before It Is Sent (esa-sim)', field: integerField(FORECAST_RANGES.downMinutes) },
        { name: 'forecast_bounce', label: 'Forecast Alert: Hours Before the First Bounce to Send It Again', field: integerField(FORECAST_RANGES.bounceHours) },
        { name: 'forecast_full', label: 'Forecast Alert: Minutes Before Storage Fills to Send It Again', field: integerField(FORECAST_RANGES.fullMinutes) },
      ],
      values: {
        from_address: s.from ?? '',
        initial_seconds: String(s.duplicateInitial),
        max_seconds: String(s.duplicateMax),
        forecast_down: String(s.forecast.downMinutes),
        forecast_bounce: String(s.forecast.bounceHours),
        forecast_full: String(s.forecast.fullMinutes),
      },
    };
  },
  change(values, config) {
    const s = alertSettings(config);
    const initial = values.initial_seconds as number;
    const maximum = values.max_seconds as number;
    const why = duplicateRefusal(initial, maximum);
    if (why) throw new FieldRefusal('max_seconds', why);
    const from = values.from_address as string | undefined;
    const forecast = {
      downMinutes: values.forecast_down as number,
      bounceHours: values.forecast_bounce as number,
      fullMinutes: values.forecast_full as number,
    };
    return combineChanges(
      from !== s.from ? setFrom(from) : undefined,
      initial !== s.duplicateInitial || maximum !== s.duplicateMax ? setupDuplicates(initial, maximum) : undefined,
      JSON.stringify(forecast) !== JSON.stringify(s.forecast) ? setForecastThresholds(forecast) : undefined,
    );
  },
});
