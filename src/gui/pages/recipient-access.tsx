// Mail Policies > Recipient Access Table (RAT), per Public listener: its entries (ACCEPT or REJECT,
// a custom SMTP response for REJECT), the catch-all "All Other Recipients" last (its ALL entry,
// else rejected), Add / Edit / Delete and Clear All Entries, on the recipient access table's model
// operations (setRatEntries, deleteRatEntry, clearRat) — what `listenerconfig` RCPTACCESS records.
/** @jsxImportSource hono/jsx */
import { combineChanges, refuse } from '../../model/change.js';
import type { ApplianceConfig, RatAction, RatEntry } from '../../model/config.js';
import { choiceField, type Field } from '../../model/field.js';
import { codeField, responseText } from '../../model/tables/host-access.js';
import { findListener } from '../../model/tables/listeners.js';
import {
  clearRat,
  deleteRatEntry,
  findEntry,
  parsePatterns,
  RAT_ACTIONS,
  RAT_TITLE,
  RESPONSE_ONLY_FOR_REJECT,
  setRatEntries,
  STANDARD_REJECT_CODE,
} from '../../model/tables/recipient-access.js';
import { FieldRefusal, tablePage, type TableScope } from '../table-page.js';
import { NO_LISTENERS, typedResponse } from './host-access.js';

/** The catch-all row: the table's ALL entry, or (without one) every recipient no entry matches, rejected. */
export const ALL_OTHERS = 'All Other Recipients';
const CATCH_ALL = 'ALL';
export const NO_ORDER =
  'The order of entries does not matter here: the most specific entry for an address decides (a full address, a user name, then the closest domain).';
export const NO_FILES = `The ${RAT_TITLE} is edited here, not imported from or exported to files, in this simulator.`;

const ACTION_LABELS: Record<RatAction, string> = { ACCEPT: 'Accept', REJECT: 'Reject' };
const actionField = choiceField(RAT_ACTIONS.map((a) => ({ label: ACTION_LABELS[a], value: a })));

/** Only Public listeners have a table. */
const PUBLIC_LISTENERS: TableScope = {
  name: 'listener_id',
  label: 'Listener:',
  choices: (config) => config.listeners.filter((l) => l.type === 'Public').map((l) => l.name),
  none: (config) =>
    config.listeners.length === 0 ? NO_LISTENERS : `There are no Public listeners: only a Public listener has a ${RAT_TITLE} (Network > Listeners).`,
};

const listenerOf = (config: ApplianceConfig, name: string | undefined) =>
  (name === undefined ? undefined : findListener(config, name)) ?? refuse(`There is no listener named ${name}.`);

/** The entry a row stands for: the catch-all's ALL entry (or the rejection there is without one), or the entry of its address. */
function entryOf(rat: readonly RatEntry[], key: string): RatEntry | undefined {
  if (key === ALL_OTHERS) return rat.find((e) => e.pattern === CATCH_ALL) ?? { pattern: CATCH_ALL, action: 'REJECT' };
  return key === CATCH_ALL ? undefined : rat.find((e) => e.pattern === key);
}

export const ratPage = tablePage({
  place: { tab: 'Mail Policies', item: 'Recipient Access Table (RAT)' },
  path: '/mail_policies/rat',
  caption: `${RAT_TITLE} (RAT)`,
  noun: 'Recipient',
  addLabel: 'Add Recipient...',
  scope: PUBLIC_LISTENERS,
  columns: [{ header: 'Order' }, { name: 'Recipient Address' }, { header: 'Default Action' }, { header: 'Custom SMTP Response' }, { delete: true }],
  buttons: [
    {
      name: 'ClearAll',
      value: 'Clear All Entries',
      confirm: `Remove every entry of the ${RAT_TITLE}? ${ALL_OTHERS} keeps its action.`,
      change: (config, at) => {
        const lc = listenerOf(config, at.scope);
        return clearRat(lc.name, entryOf(lc.rat, ALL_OTHERS)!.action);
      },
    },
    { name: 'EditOrder', value: 'Edit Order...', change: () => refuse(NO_ORDER) },
    { name: 'ImportRAT', value: 'Import RAT...', change: () => refuse(NO_FILES) },
    { name: 'ExportRAT', value: 'Export RAT...', change: () => refuse(NO_FILES) },
  ],
  rows(config, at) {
    const lc = listenerOf(config, at.scope);
    const row = (key: string, e: RatEntry, order: string) => ({
      key,
      removable: key !== ALL_OTHERS,
      cells: { Order: order, 'Default Action': ACTION_LABELS[e.action], 'Custom SMTP Response': e.response ? responseText(e.response) : '' },
    });
    return [
      ...lc.rat.filter((e) => e.pattern !== CATCH_ALL).map((e, i) => row(e.pattern, e, String(i + 1))),
      row(ALL_OTHERS, entryOf(lc.rat, ALL_OTHERS)!, 'last'),
    ];
  },
  form(config, key, at) {
    const lc = listenerOf(config, at.scope);
    const entry = key === undefined ? undefined : entryOf(lc.rat, key);
    if (key !== undefined && !entry) return undefined;
    const others = lc.rat.filter((e) => e !== entry);
    const addresses: Field<string[]> = { parse: (t) => parsePatterns(t, others), format: (v) => v.join(', ') };
    const responseShown = { name: 'smtp_response', values: ['Yes'] };
    return {
      fields: [
        key === ALL_OTHERS
          ? { name: 'rat_address', label: 'Recipient Address:', readOnly: true }
          : {
              name: 'rat_address',
              label: 'Recipient Address:',
              field: addresses,
              hint: 'example.com, .example.com (its subdomains), postmaster@ (a user name), joe@example.com, [1.2.3.4]; several separated by commas.',
            },
        { name: 'order', label: 'Order:', readOnly: true, hint: NO_ORDER },
        { name: 'rat_action', label: 'Action:', kind: 'select', options: actionField.choices, field: actionField },
        { name: 'smtp_response', label: 'Custom SMTP Response:', kind: 'radio', options: ['No', 'Yes'], optionIds: ['smtp_response_no', 'smtp_response_yes'] },
        { name: 'smtp_response_code', label: 'Response Code:', shownWhen: responseShown, field: codeField('rejection') },
        { name: 'smtp_response_text', label: 'Response Text:', kind: 'textarea', shownWhen: responseShown },
      ],
      values: {
        rat_address: key === ALL_OTHERS ? ALL_OTHERS : (entry?.pattern ?? ''),
        order: key === ALL_OTHERS ? 'last' : 'by specificity',
        rat_action: ACTION_LABELS[entry?.action ?? 'ACCEPT'],
        smtp_response: entry?.response ? 'Yes' : 'No',
        smtp_response_code: String(entry?.response?.code ?? STANDARD_REJECT_CODE),
        smtp_response_text: entry?.response?.text ?? '',
      },
    };
  },
  change(values, config, key, at) {
    const lc = listenerOf(config, at.scope);
    const action = values.rat_action as RatAction;
    const withResponse = values.smtp_response === 'Yes';
    const response = withResponse ? typedResponse(values.smtp_response_code as number, values.smtp_response_text as string) : undefined;
    if (withResponse && !response) throw new FieldRefusal('smtp_response_text', 'Please enter a value.');
    if (response && action === 'ACCEPT') throw new FieldRefusal('smtp_response', RESPONSE_ONLY_FOR_REJECT);
    const entry = (pattern: string): RatEntry => ({ pattern, action, ...(response ? { response } : {}) });
    if (key === undefined) return setRatEntries(lc.name, (values.rat_address as string[]).map(entry));
    const before = entryOf(lc.rat, key) ?? refuse(`The ${RAT_TITLE} of ${lc.name} has no entry "${key}" any more.`);
    const patterns = key === ALL_OTHERS ? [CATCH_ALL] : (values.rat_address as string[]);
    const same = patterns.length === 1 && patterns[0] === before.pattern;
    if (same && before.action === action && JSON.stringify(before.response) === JSON.stringify(response)) return undefined;
    if (same) return setRatEntries(lc.name, [entry(before.pattern)], 'changed');
    return combineChanges(findEntry(lc, before.pattern) ? deleteRatEntry(lc.name, before.pattern) : undefined, setRatEntries(lc.name, patterns.map(entry)));
  },
  remove: (key, at) => deleteRatEntry(at.scope!, key),
});
