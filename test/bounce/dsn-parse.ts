// Test helper: parses a DSN with mailparser and splits its message/delivery-status part into the
// per-message fields and one field map per recipient (keys lower-cased).
import { simpleParser, type ParsedMail } from 'mailparser';

export type DsnFields = Record<string, string>;

export interface ParsedDsn {
  parsed: ParsedMail;
  /** Content types of the non-text parts (mailparser's attachments), in order. */
  partTypes: string[];
  message: DsnFields;
  recipients: DsnFields[];
  /** The returned original (message/rfc822) or its headers (text/rfc822-headers). */
  original?: Buffer;
}

function fieldGroups(text: string): DsnFields[] {
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded
    .split(/\r?\n\r?\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const fields: DsnFields = {};
      for (const line of block.split(/\r?\n/)) {
        const i = line.indexOf(':');
        fields[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      return fields;
    });
}

export async function parseDsn(raw: Buffer): Promise<ParsedDsn> {
  // keepDeliveryStatus is missing from @types/mailparser: the overload without a callback is meant.
  const parsed: ParsedMail = await simpleParser(raw, { keepDeliveryStatus: true } as Parameters<typeof simpleParser>[1]);
  const status = parsed.attachments.find((a) => a.contentType === 'message/delivery-status');
  const [message, ...recipients] = status ? fieldGroups(status.content.toString('utf8')) : [{}];
  const copy = parsed.attachments.find((a) => a.contentType === 'message/rfc822' || a.contentType === 'text/rfc822-headers');
  return {
    parsed,
    partTypes: parsed.attachments.map((a) => a.contentType),
    message: message ?? {},
    recipients,
    original: copy?.content,
  };
}
