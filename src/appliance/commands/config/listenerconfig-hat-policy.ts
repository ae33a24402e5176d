// HOSTACCESS DEFAULT's rate limiting, Directory Harvest Attack Prevention and envelope sender
// rate limiting (the appliance's second block of policy questions, which ends where SenderBase
// is asked), then SenderBase flow control and host grouping (the start of its third block).
// The question texts carry the substrings the appliance's drivers look for (§3).
import type { HatPolicy, SmtpResponse } from '../../../model/config.js';
import {
  DHAP_ACTIONS,
  groupBitsField,
  intervalMinutesField,
  invalidPerHourField,
  POLICY_DEFAULTS,
  recipientsPerHourField,
  senderRecipientsField,
  storedPolicy,
} from '../../../model/tables/hat-policy.js';
import type { CommandIO } from '../../kit/command.js';
import { askNumbered, askYesNo } from '../../kit/dialog.js';
import { askField } from '../../kit/setting.js';
import { askCustomResponse } from './listenerconfig-hat.js';

/** `Would you like to specify a custom SMTP <what> response?`, then the code (`standard`) and text. */
async function askOwnResponse(io: CommandIO, question: string, kind: 'acceptance' | 'rejection', standard: number, current: SmtpResponse | undefined) {
  if (!(await askYesNo(io, question, current !== undefined))) return undefined;
  return askCustomResponse(io, kind, standard, current);
}

export async function askHatPolicy(io: CommandIO, current: HatPolicy | undefined): Promise<HatPolicy | undefined> {
  const p: HatPolicy = {};
  if (await askYesNo(io, 'Do you want to enable rate limiting per host?', current?.rateLimit !== undefined)) {
    const recipientsPerHour = await askField(
      io,
      recipientsPerHourField,
      'Enter the maximum number of recipients per hour from a remote host.',
      current?.rateLimit?.recipientsPerHour ?? POLICY_DEFAULTS.recipientsPerHour,
    );
    const response = await askOwnResponse(
      io,
      'Would you like to specify a custom SMTP limit exceeded response?',
      'rejection',
      452,
      current?.rateLimit?.response,
    );
    p.rateLimit = { recipientsPerHour, ...(response ? { response } : {}) };
  }
  if (await askYesNo(io, 'Do you want to enable Directory Harvest Attack Prevention per host?', current?.dhap !== undefined)) {
    const invalidPerHour = await askField(
      io,
      invalidPerHourField,
      'Enter the maximum number of invalid recipients per hour from a remote host.',
      current?.dhap?.invalidPerHour ?? POLICY_DEFAULTS.invalidPerHour,
    );
    const i = await askNumbered(io, 'Select an action to apply when a recipient is rejected due to DHAP:', DHAP_ACTIONS, {
      defaultIndex: current?.dhap?.action === 'code' ? 1 : 0,
    });
    const action = (i ?? 0) === 1 ? 'code' : 'drop';
    const response =
      action === 'code'
        ? await askOwnResponse(io, 'Would you like to specify a custom SMTP DHAP response?', 'rejection', 550, current?.dhap?.response)
        : undefined;
    p.dhap = { invalidPerHour, action, ...(response ? { response } : {}) };
  }
  if (await askYesNo(io, 'Do you want to enable rate limiting per envelope sender?', current?.senderRateLimit !== undefined)) {
    const recipients = await askField(
      io,
      senderRecipientsField,
      'Enter the maximum number of recipients per envelope sender.',
      current?.senderRateLimit?.recipients ?? POLICY_DEFAULTS.senderRecipients,
    );
    const intervalMinutes = await askField(
      io,
      intervalMinutesField,
      'Enter the time interval in minutes for Envelope Sender Rate Limiting.',
      current?.senderRateLimit?.intervalMinutes ?? POLICY_DEFAULTS.intervalMinutes,
    );
    const response = await askOwnResponse(
      io,
      'Would you like to specify a custom SMTP limit exceeded response?',
      'rejection',
      452,
      current?.senderRateLimit?.response,
    );
    p.senderRateLimit = { recipients, intervalMinutes, ...(response ? { response } : {}) };
  }
  p.senderBaseFlowControl = await askYesNo(io, 'Would you like to use SenderBase for flow control by default?', current?.senderBaseFlowControl === true);
  if (await askYesNo(io, 'Would you like to group hosts by the similarity of their IP addresses?', current?.groupBits !== undefined)) {
    p.groupBits = await askField(
      io,
      groupBitsField,
      'Enter the number of bits of IP address to treat as significant, from 0 to 32.',
      current?.groupBits ?? POLICY_DEFAULTS.groupBits,
    );
  }
  return storedPolicy(p);
}
