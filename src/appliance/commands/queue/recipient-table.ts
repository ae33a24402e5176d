// The `showrecipients` table as text: pure. Scripts written for the real appliance take every
// line after the last one containing `Recipient` (the header) as data, so no data line may
// contain that word: where an address or a server's reply has it, it is shown lower-cased.
import type { QueuedRecipientView, RecipientSelector } from '../../../api/engine-api.js';
import { formatApplianceDate } from '../../../model/format-date.js';

/** Column starts: MID, Bytes (right-aligned to its end), Sender, Recipient, Atmps (right-aligned), then the rest. */
const MID_END = 10;
const BYTES_END = 20;
const SENDER_WIDTH = 30;
const RECIPIENT_WIDTH = 30;
const ATTEMPTS_WIDTH = 6;

export const RECIPIENT_HEADER =
  'MID'.padEnd(MID_END) +
  'Bytes'.padStart(BYTES_END - MID_END) +
  '  ' +
  'Sender'.padEnd(SENDER_WIDTH) +
  ' ' +
  'Recipient'.padEnd(RECIPIENT_WIDTH) +
  ' ' +
  'Atmps'.padStart(ATTEMPTS_WIDTH) +
  '  Next attempt / last error';

const neverHeaderWord = (text: string): string => text.replaceAll('Recipient', 'recipient');

/** A cell padded to its width, or followed by one blank when it is wider. */
const cell = (text: string, width: number): string => (text.length >= width ? `${text} ` : text.padEnd(width + 1));

/** When the next attempt is (`now` if due), then the last reply from the host, if any. */
function nextAndLast(r: QueuedRecipientView, now: number): string {
  const next = r.nextAt <= now ? 'now' : formatApplianceDate(r.nextAt);
  return r.lastReply ? `${next}  ${r.lastReply.replace(/\s+/g, ' ').trim()}` : next;
}

export function recipientRow(r: QueuedRecipientView, now: number): string {
  const line =
    String(r.mid).padEnd(MID_END) +
    String(r.size).padStart(BYTES_END - MID_END) +
    '  ' +
    cell(r.sender === '' ? '<>' : r.sender, SENDER_WIDTH) +
    cell(r.recipient, RECIPIENT_WIDTH) +
    String(r.attempts).padStart(ATTEMPTS_WIDTH) +
    '  ' +
    nextAndLast(r, now);
  return neverHeaderWord(line);
}

/** The line before the table: how many recipients the listing has. */
export function recipientSummary(selector: RecipientSelector, total: number): string {
  const what = total === 1 ? '1 recipient' : `${total} recipients`;
  if (selector.kind === 'host') return `${what} queued for ${selector.host}.`;
  if (selector.kind === 'sender') return `${what} queued from ${selector.sender === '' ? '<>' : selector.sender}.`;
  return `${what} queued.`;
}
