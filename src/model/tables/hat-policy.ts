// The default HAT policy's rate limiting and harvest prevention (HOSTACCESS DEFAULT's second
// block) and its SenderBase settings (the start of its third): the values the questions take,
// the replies the listener gives at the limits, and how the HOSTACCESS screen shows them. Pure.
import type { HatPolicy, SmtpResponse } from '../config.js';
import { formatCount } from '../format-count.js';
import { integerField } from '../field.js';

export const recipientsPerHourField = integerField({ min: 1, max: 1_000_000 });
export const invalidPerHourField = integerField({ min: 1, max: 1_000_000 });
export const senderRecipientsField = integerField({ min: 1, max: 1_000_000 });
export const intervalMinutesField = integerField({ min: 1, max: 1_440 });
export const groupBitsField = integerField({ min: 0, max: 32 });

/** The defaults a question offers when its limit is switched on. */
export const POLICY_DEFAULTS = { recipientsPerHour: 1_000, invalidPerHour: 25, senderRecipients: 100, intervalMinutes: 60, groupBits: 24 } as const;

/** The replies at the limits unless a custom one is set (codes the appliance names as standard). */
export const RATE_LIMIT_REPLY: SmtpResponse = { code: 452, text: '4.3.1 Too many recipients received this hour' };
export const SENDER_LIMIT_REPLY: SmtpResponse = { code: 452, text: '4.3.1 Too many recipients received from this sender, try again later' };
export const DHAP_REPLY: SmtpResponse = { code: 550, text: '5.1.1 Too many invalid recipients' };
/** The 421 that drops a harvesting host's connection: `421 4.7.1 <hostname> ` and this. */
export const DHAP_DROP_TEXT = 'Too many invalid recipients, closing transmission channel';

export const DHAP_ACTIONS = ['Drop', 'Code'] as const;

const reply = (r: SmtpResponse | undefined, standard: SmtpResponse) => {
  const used = r ?? standard;
  return `${used.code} ${used.text.replaceAll('\n', ' / ')}`;
};

/** The HOSTACCESS screen's lines for these settings. */
export function hatPolicyLines(p: HatPolicy | undefined): string[] {
  const rate = p?.rateLimit;
  const dhap = p?.dhap;
  const sender = p?.senderRateLimit;
  return [
    `Rate Limiting Per Host: ${rate ? `${formatCount(rate.recipientsPerHour)} recipients per hour (${reply(rate.response, RATE_LIMIT_REPLY)})` : 'Disabled'}`,
    `Directory Harvest Attack Prevention: ${dhap ? `${formatCount(dhap.invalidPerHour)} invalid recipients per hour, then ${dhap.action === 'drop' ? 'Drop' : `Code (${reply(dhap.response, DHAP_REPLY)})`}` : 'Disabled'}`,
    `Envelope Sender Rate Limiting: ${sender ? `${formatCount(sender.recipients)} recipients per ${formatCount(sender.intervalMinutes)} minutes (${reply(sender.response, SENDER_LIMIT_REPLY)})` : 'Disabled'}`,
    `Use SenderBase For Flow Control: ${p?.senderBaseFlowControl ? 'Yes' : 'No'}`,
    `Group Hosts By Similarity Of IP Addresses: ${p?.groupBits !== undefined ? `${p.groupBits} bits` : 'No'}`,
  ];
}

/** One line for a change's description. */
export function hatPolicySummary(p: HatPolicy | undefined): string {
  const parts: string[] = [];
  if (p?.rateLimit) parts.push(`rate limit ${formatCount(p.rateLimit.recipientsPerHour)}/hour`);
  if (p?.dhap) parts.push(`DHAP ${formatCount(p.dhap.invalidPerHour)}/hour ${p.dhap.action}`);
  if (p?.senderRateLimit) parts.push(`sender limit ${formatCount(p.senderRateLimit.recipients)}/${formatCount(p.senderRateLimit.intervalMinutes)} min`);
  if (p?.senderBaseFlowControl) parts.push('SenderBase flow control');
  if (p?.groupBits !== undefined) parts.push(`group by ${p.groupBits} bits`);
  return parts.length ? parts.join(', ') : 'none';
}

/** The settings as stored: what is off is left out; nothing set is no policy at all. */
export function storedPolicy(p: HatPolicy): HatPolicy | undefined {
  const out: HatPolicy = {};
  if (p.rateLimit) out.rateLimit = p.rateLimit;
  if (p.dhap) out.dhap = p.dhap;
  if (p.senderRateLimit) out.senderRateLimit = p.senderRateLimit;
  if (p.senderBaseFlowControl) out.senderBaseFlowControl = true;
  if (p.groupBits !== undefined) out.groupBits = p.groupBits;
  return Object.keys(out).length ? out : undefined;
}
