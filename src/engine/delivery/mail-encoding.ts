// What a destination host must offer for a message: SMTPUTF8 for a non-ASCII address
// (RFC 6531), 8BITMIME for content with bytes above 127 (RFC 6152). Recipients the host cannot
// take are bounced here with a clear status instead of being sent as they are. Pure.
import { isAscii } from 'node:buffer';
import type { RecipientOutcome } from './outcome.js';

export interface HostExtensions {
  smtpUtf8: boolean;
  eightBitMime: boolean;
}

export interface EncodingPlan {
  /** Recipients to send (all but the refused). */
  send: string[];
  /** Recipients refused before sending, by lower-cased address. */
  refused: Map<string, RecipientOutcome>;
  /** Send with `BODY=8BITMIME`. */
  eightBit: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;

export const needsSmtpUtf8 = (address: string): boolean => NON_ASCII.test(address);

/** Whether the content has bytes above 127 (simdutf: fast enough for every delivery). */
export const hasEightBitContent = (content: Buffer): boolean => !isAscii(content);

export const SMTPUTF8_REFUSAL = '5.6.7 Non-ASCII address: the destination host does not offer SMTPUTF8 (RFC 6531)';
export const EIGHTBIT_REFUSAL = '5.6.3 8-bit message content: the destination host does not offer 8BITMIME (RFC 6152); it is not converted';

/**
 * Decides per recipient. A non-ASCII sender needs SMTPUTF8 for all recipients, a non-ASCII
 * recipient for itself; 8-bit content needs 8BITMIME for all. Not converting 8-bit content to
 * quoted-printable or base64 is a choice: rewriting MIME structures (and raw UTF-8 headers, which
 * no transfer encoding covers) half right would change signed or structured mail silently.
 */
export function planEncoding(from: string, to: readonly string[], content: Buffer, host: HostExtensions): EncodingPlan {
  const refused = new Map<string, RecipientOutcome>();
  const refuse = (address: string, reply: string) => refused.set(address.toLowerCase(), { kind: 'hard', reply, status: reply.slice(0, 5) });
  const eightBit = hasEightBitContent(content);
  for (const address of to) {
    if (!host.smtpUtf8 && (needsSmtpUtf8(from) || needsSmtpUtf8(address))) refuse(address, SMTPUTF8_REFUSAL);
    else if (eightBit && !host.eightBitMime) refuse(address, EIGHTBIT_REFUSAL);
  }
  return { send: to.filter((a) => !refused.has(a.toLowerCase())), refused, eightBit };
}
