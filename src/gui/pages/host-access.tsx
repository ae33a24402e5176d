// Mail Policies > HAT Overview and Mail Flow Policies, per listener: the host access table a
// listener acts on (Private: its relay hosts relay, the rest are rejected; Public: everyone is
// accepted) and its Default Policy Parameters — maximum message size, connections from one IP,
// messages per connection, recipients per message, the SMTP banner's hostname and custom
// acceptance and rejection responses, TLS — set with setHostAccess, what `listenerconfig` HOSTACCESS
// DEFAULT records. Sender groups and other policies are not simulated: shown empty, refused.
/** @jsxImportSource hono/jsx */
import { refuse } from '../../model/change.js';
import type { ApplianceConfig, SmtpResponse } from '../../model/config.js';
import { optionalField } from '../../model/field.js';
import type { ListenerTls } from '../../model/config.js';
import { listenerTlsField } from '../../model/tls-settings.js';
import {
  codeField,
  hatTable,
  hostnameField,
  maxConnectionsPerHostField,
  maxMessagesPerConnectionField,
  maxRecipientsField,
  pickHat,
  setHostAccess,
  sizeField,
  STANDARD_CODE,
  type HatParams,
  type HatRow,
} from '../../model/tables/host-access.js';
import { findListener, listenerNames } from '../../model/tables/listeners.js';
import { ACCESS_REFUSED } from '../../users/roles.js';
import { failure, type Action, type GuiPage } from '../page.js';
import { chosenScope, ScopeSelect, tablePage, type TableScope } from '../table-page.js';
import { Box, PostForm } from '../widgets.js';

export const NO_LISTENERS = 'There are no configured listeners.';
export const NO_SENDER_GROUPS =
  "Sender groups are not simulated: a listener's type and relay hosts (Network > Listeners) decide who may connect, and every client gets its Default Policy Parameters (Mail Policies > Mail Flow Policies).";
export const NO_CUSTOM_POLICIES =
  'Mail flow policies other than the Default Policy Parameters are not simulated: every client of a listener gets its Default Policy Parameters.';
export const DEFAULT_POLICY = 'Default Policy Parameters';

/** The listener whose table a page shows: every listener, by name. */
export const LISTENER_SCOPE: TableScope = { name: 'listener_id', label: 'Listener:', choices: listenerNames, none: () => NO_LISTENERS };

/** A custom SMTP response from a form's code and text (lines trimmed, blank ones dropped); none when the text is empty. */
export function typedResponse(code: number, text: string): SmtpResponse | undefined {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.length === 0 ? undefined : { code, text: lines.join('\n') };
}

/** An action the simulator does not have: the role check first (as the CLI's), then its one line. */
export const refusedAction =
  (why: string): Action =>
  async (ctx) => ({ banner: failure(ctx.may('act') ? why : ACCESS_REFUSED) });

// ----- HAT Overview -----

const HAT_PATH = '/mail_policies/hat_overview';
const MFP_PATH = '/mail_policies/mail_flow_policies';
const BEHAVIOR: Record<HatRow['behavior'], string> = { ACCEPT: 'Accept', RELAY: 'Relay', REJECT: 'Reject' };

export const hatOverviewPage: GuiPage = {
  place: { tab: 'Mail Policies', item: 'HAT Overview' },
  path: HAT_PATH,
  render(ctx) {
    const config = ctx.session.pending.config;
    const chosen = chosenScope(LISTENER_SCOPE, config, ctx.query);
    if (chosen === null) return <p id="no_scope">{NO_LISTENERS}</p>;
    const lc = findListener(config, chosen)!;
    return (
      <>
        <ScopeSelect ctx={ctx} path={HAT_PATH} scope={LISTENER_SCOPE} chosen={chosen} />
        <p class="notice">{NO_SENDER_GROUPS}</p>
        <Box caption={`Host Access Table (HAT) of ${lc.name} (${lc.type})`}>
          <PostForm ctx={ctx} action={ctx.url(HAT_PATH, { listener_id: chosen })}>
            <table class="col-base">
              <tbody>
                <tr>
                  <th>Order</th>
                  <th>Senders</th>
                  <th>Behavior</th>
                  <th>Mail Flow Policy</th>
                </tr>
                {hatTable(lc).map((r, i) => (
                  <tr>
                    <td>{String(i + 1)}</td>
                    <td>{r.senders === 'ALL' ? 'ALL (every other sender)' : `${r.senders} (relay host)`}</td>
                    <td>{BEHAVIOR[r.behavior]}</td>
                    <td>
                      <a href={ctx.url(MFP_PATH, { listener_id: chosen, edit: DEFAULT_POLICY })}>{DEFAULT_POLICY}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="buttons">
              <input type="submit" id="AddSenderGroup" name="AddSenderGroup" value="Add Sender Group..." />
              <input type="submit" id="EditOrder" name="EditOrder" value="Edit Order..." />
              <input type="submit" id="ImportHAT" name="ImportHAT" value="Import HAT..." />
              <input type="submit" id="ExportHAT" name="ExportHAT" value="Export HAT..." />
            </div>
          </PostForm>
        </Box>
      </>
    );
  },
  actions: {
    AddSenderGroup: refusedAction(NO_SENDER_GROUPS),
    EditOrder: refusedAction(NO_SENDER_GROUPS),
    ImportHAT: refusedAction(NO_SENDER_GROUPS),
    ExportHAT: refusedAction(NO_SENDER_GROUPS),
  },
};

// ----- Mail Flow Policies -----

const listenerOf = (config: ApplianceConfig, name: string | undefined) => (name === undefined ? undefined : findListener(config, name));

export const mailFlowPoliciesPage = tablePage({
  place: { tab: 'Mail Policies', item: 'Mail Flow Policies' },
  path: MFP_PATH,
  caption: 'Mail Flow Policies',
  noun: 'Mail Flow Policy',
  scope: LISTENER_SCOPE,
  columns: [{ name: 'Policy Name' }, { header: 'Behavior' }, { header: 'Applies To' }],
  above: () => (
    <>
      <p class="notice">{NO_CUSTOM_POLICIES}</p>
      {/* The drivers open this section before every add, edit and read of a policy. */}
      <div id="envSenderRateLimitLinkClosed" class="hint">
        Rate Limit for Envelope Senders: not simulated.
      </div>
    </>
  ),
  buttons: [{ name: 'AddPolicy', value: 'Add Policy...', change: () => refuse(NO_CUSTOM_POLICIES) }],
  rows(config, at) {
    const lc = listenerOf(config, at.scope);
    if (!lc) return [];
    const behavior = hatTable(lc)
      .map((r) => `${BEHAVIOR[r.behavior]} (${r.senders})`)
      .join(', ');
    return [{ key: DEFAULT_POLICY, removable: false, cells: { Behavior: behavior, 'Applies To': `every client of ${lc.name}` } }];
  },
  form(config, key, at) {
    const lc = listenerOf(config, at.scope);
    if (!lc || key !== DEFAULT_POLICY) return undefined;
    return {
      fields: [
        { name: 'connections', label: 'Connections', kind: 'heading' },
        { name: 'max_msgs_per_session', label: 'Max. Messages Per Connection', field: maxMessagesPerConnectionField },
        { name: 'max_rcpts_per_msg', label: 'Max. Recipients Per Message', field: maxRecipientsField },
        { name: 'max_message_size', label: 'Max. Message Size', field: sizeField, hint: 'Bytes, or with a trailing k or M (10M).' },
        { name: 'max_concurrency', label: 'Max. Concurrent Connections From a Single IP', field: maxConnectionsPerHostField },
        { name: 'smtp_banner', label: 'SMTP Banner', kind: 'heading' },
        { name: 'smtp_banner_code', label: 'SMTP Banner Code', field: codeField('acceptance') },
        {
          name: 'smtp_banner_text',
          label: 'SMTP Banner Text',
          kind: 'textarea',
          hint: 'The greeting after the hostname; empty: the standard "ESMTP" greeting.',
        },
        { name: 'reject_banner_code', label: 'SMTP Reject Banner Code', field: codeField('rejection') },
        {
          name: 'reject_banner_text',
          label: 'SMTP Reject Banner Text',
          kind: 'textarea',
          hint: 'The answer to hosts a Private listener does not relay for; empty: the standard 554 refusal.',
        },
        {
          name: 'override_hostname',
          label: 'Override SMTP Banner Host Name',
          field: optionalField(hostnameField),
          hint: `Empty: the appliance's hostname (${config.hostname}).`,
        },
        { name: 'tls_heading', label: 'Encryption', kind: 'heading' },
        {
          name: 'tls',
          label: 'TLS',
          kind: 'select',
          options: listenerTlsField.choices,
          field: listenerTlsField,
          hint: "No: STARTTLS is not offered; Preferred: offered; Required: MAIL before STARTTLS is refused (530 5.7.0). The certificate is the listener's (Network > Listeners).",
        },
        { name: 'envSenderRateLimitLinkClosed', label: 'Rate Limit for Envelope Senders', kind: 'heading', hint: 'Not simulated.' },
      ],
      values: {
        max_msgs_per_session: String(lc.maxMessagesPerConnection),
        max_rcpts_per_msg: String(lc.maxRecipients),
        max_message_size: sizeField.format(lc.maxMessageSize),
        max_concurrency: String(lc.maxConnectionsPerHost),
        smtp_banner_code: String(lc.acceptResponse?.code ?? STANDARD_CODE.acceptance),
        smtp_banner_text: lc.acceptResponse?.text ?? '',
        reject_banner_code: String(lc.rejectResponse?.code ?? STANDARD_CODE.rejection),
        reject_banner_text: lc.rejectResponse?.text ?? '',
        override_hostname: lc.bannerHostname ?? '',
        tls: listenerTlsField.format(lc.tls ?? 'off'),
      },
    };
  },
  change(values, config, _key, at) {
    const lc = listenerOf(config, at.scope) ?? refuse(`There is no listener named ${at.scope}.`);
    const after: HatParams = {
      maxMessageSize: values.max_message_size as number,
      maxConnectionsPerHost: values.max_concurrency as number,
      maxMessagesPerConnection: values.max_msgs_per_session as number,
      maxRecipients: values.max_rcpts_per_msg as number,
      bannerHostname: values.override_hostname as string | undefined,
      acceptResponse: typedResponse(values.smtp_banner_code as number, values.smtp_banner_text as string),
      rejectResponse: typedResponse(values.reject_banner_code as number, values.reject_banner_text as string),
      tls: values.tls as ListenerTls,
      // Rate limiting, harvest prevention and SenderBase are set in the CLI (HOSTACCESS DEFAULT): kept as they are.
      hatPolicy: lc.hatPolicy,
    };
    return setHostAccess(lc.name, pickHat(lc), after);
  },
});
