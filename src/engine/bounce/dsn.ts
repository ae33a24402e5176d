// The DSN builder (RFC 3464 / RFC 6522): what happened to some recipients of one message, as a
// notification to its sender. Pure: times, ids, the boundary and the original come in as input.
import MimeNode from 'nodemailer/lib/mime-node';
import { formatRfc5322Date } from '../../model/format-date.js';

/** `failed`: a hard bounce; `delayed`: a delay warning (the message is still queued). */
export type DsnAction = 'failed' | 'delayed';

export interface DsnRecipient {
  address: string;
  /** Enhanced status code for the `Status:` field (see `reportedStatus`). */
  status: string;
  /** The remote SMTP reply (`550 5.1.1 no such user`), when a remote answered. */
  remoteReply?: string;
  /** The host that answered, when one was involved. */
  remoteMta?: string;
  /** Simulated epoch ms of the last delivery attempt; absent when none was made. */
  lastAttemptAt?: number;
  /** What the human-readable part says about this recipient; empty: it quotes the remote reply. */
  reason: string;
}

export interface DsnInput {
  action: DsnAction;
  /** This appliance: `From: MAILER-DAEMON@<hostname>` and `Reporting-MTA`. */
  hostname: string;
  /** Who gets the DSN: the envelope sender or the profile's alternate address. */
  to: string;
  subject: string;
  /** Epoch ms the DSN is dated. */
  date: number;
  /** With or without angle brackets. */
  messageId: string;
  /** Epoch ms the original message arrived. */
  arrival: number;
  /** Delay warnings: epoch ms until which delivery goes on (arrival + queue lifetime). */
  willRetryUntil?: number;
  recipients: DsnRecipient[];
  /** The original message as queued; null when it could not be read (no copy is attached). */
  original: Buffer | null;
  /** The whole original is attached when it is at most this many bytes, else its headers. */
  maxCopyBytes: number;
  /** False: a plain-text notification instead of multipart/report. */
  dsnFormat: boolean;
  /** Multipart boundary seed (random in production, fixed in tests). */
  boundary: string;
}

const SMTP_REPLY = /^([245])\d\d(?:[ -]|$)/;
const ENHANCED_CODE = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?=\s|$)/;
/** RFC 5322 caps a line at 998 octets; a remote reply is quoted on one line. */
const MAX_FIELD_TEXT = 900;

/** Whether a recorded reply came from a remote SMTP server (not a connection error). */
export function isRemoteReply(reply: string | undefined): reply is string {
  return !!reply && SMTP_REPLY.test(reply.trim());
}

/**
 * The `Status:` of a recipient. When a remote answered: its enhanced code if the profile parses
 * it (`use_bounce_response_code`) and the reply has one of the same class, else the reply's
 * class (`5.0.0`, `4.0.0`). When no remote answered: the status decided here (5.4.7 expiry).
 */
export function reportedStatus(reply: string | undefined, localStatus: string, parseRemote: boolean): string {
  const text = (reply ?? '').trim();
  const cls = SMTP_REPLY.exec(text)?.[1];
  if (!cls) return localStatus;
  const enhanced = ENHANCED_CODE.exec(text)?.[1];
  if (parseRemote && enhanced && enhanced[0] === cls) return enhanced;
  return `${cls}.0.0`;
}

/** A reply on one line: continuation lines joined, bounded in length. */
function oneLine(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_FIELD_TEXT ? `${flat.slice(0, MAX_FIELD_TEXT)}...` : flat;
}

/** The header block of a message, up to and including the line break before the blank line. */
export function headerBlock(message: Buffer): Buffer {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return message.subarray(0, crlf + 2);
  if (lf >= 0) return message.subarray(0, lf + 1);
  return message;
}

/** Whether the whole original goes into the DSN (else only its headers). */
export function copiesWholeMessage(size: number, maxCopyBytes: number): boolean {
  return size <= maxCopyBytes;
}

/** The `message/delivery-status` body: per-message fields, then one block per recipient. */
export function deliveryStatusFields(input: DsnInput): string {
  const lines = [`Reporting-MTA: dns; ${input.hostname}`, `Arrival-Date: ${formatRfc5322Date(input.arrival)}`];
  for (const r of input.recipients) {
    lines.push('', `Final-Recipient: rfc822; ${r.address}`, `Action: ${input.action}`, `Status: ${r.status}`);
    if (r.remoteMta) lines.push(`Remote-MTA: dns; ${r.remoteMta}`);
    if (isRemoteReply(r.remoteReply)) lines.push(`Diagnostic-Code: smtp; ${oneLine(r.remoteReply)}`);
    if (r.lastAttemptAt) lines.push(`Last-Attempt-Date: ${formatRfc5322Date(r.lastAttemptAt)}`);
    if (input.action === 'delayed' && input.willRetryUntil !== undefined) {
      lines.push(`Will-Retry-Until: ${formatRfc5322Date(input.willRetryUntil)}`);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/** The part a person reads. */
export function humanReadableText(input: DsnInput): string {
  const lines = [`This is the mail delivery system at host ${input.hostname}.`, ''];
  if (input.action === 'failed') {
    lines.push('Your message could not be delivered to the recipients listed below.', 'This is a permanent failure: it will not be tried again.');
  } else {
    lines.push('Your message has not been delivered yet to the recipients listed below.');
    if (input.willRetryUntil !== undefined) {
      lines.push(`Delivery will be retried until ${formatRfc5322Date(input.willRetryUntil)}.`);
    }
    lines.push('You do not need to send it again.');
  }
  lines.push('');
  for (const r of input.recipients) {
    const why = r.reason || (isRemoteReply(r.remoteReply) ? oneLine(r.remoteReply) : 'Delivery failed');
    lines.push(`<${r.address}>: ${why}`);
    if (r.remoteMta) lines.push(`    (remote host ${r.remoteMta})`);
  }
  lines.push('', `The message arrived on ${formatRfc5322Date(input.arrival)}.`);
  return lines.join('\r\n') + '\r\n';
}

/** The plain-text notification (DSN format off): the text, the status lines, then the original. */
function plainTextBody(input: DsnInput): Buffer {
  const parts = [humanReadableText(input), '', 'Delivery status:', deliveryStatusFields(input)];
  if (!input.original) return Buffer.from(parts.join('\r\n'));
  const whole = copiesWholeMessage(input.original.length, input.maxCopyBytes);
  parts.push(whole ? '------ A copy of the message follows. ------' : '------ The headers of the message follow. ------', '');
  return Buffer.concat([Buffer.from(parts.join('\r\n')), whole ? input.original : headerBlock(input.original)]);
}

/** Builds the DSN as a complete RFC 5322 message with CRLF line ends. */
export async function buildDsn(input: DsnInput): Promise<Buffer> {
  const contentType = input.dsnFormat ? 'multipart/report; report-type=delivery-status' : 'text/plain; charset=utf-8';
  const root = new MimeNode(contentType, { baseBoundary: input.boundary, newline: 'windows', hostname: input.hostname });
  root.setHeader([
    { key: 'From', value: `MAILER-DAEMON@${input.hostname}` },
    { key: 'To', value: input.to },
    { key: 'Subject', value: input.subject },
    { key: 'Date', value: formatRfc5322Date(input.date) },
    { key: 'Message-ID', value: input.messageId },
    { key: 'MIME-Version', value: '1.0' },
    // RFC 3834: tells vacation responders and other robots not to answer.
    { key: 'Auto-Submitted', value: 'auto-replied' },
  ]);
  if (!input.dsnFormat) {
    root.setContent(plainTextBody(input));
    return root.build();
  }
  root.createChild('text/plain; charset=utf-8').setContent(humanReadableText(input));
  root.createChild('message/delivery-status').setContent(deliveryStatusFields(input));
  const original = input.original;
  if (original) {
    if (copiesWholeMessage(original.length, input.maxCopyBytes)) {
      const part = root.createChild('message/rfc822');
      // A message/* part may not be encoded (RFC 2046); label raw 8-bit content as such.
      if (original.some((byte) => byte > 0x7f)) part.setHeader('Content-Transfer-Encoding', '8bit');
      part.setContent(original);
    } else {
      root.createChild('text/rfc822-headers').setContent(headerBlock(original));
    }
  }
  return root.build();
}
