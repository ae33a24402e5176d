// What one SMTP transaction did to each of its recipients, from nodemailer's result or error
// (traps.md: refused connections are ESOCKET, partial acceptance resolves, codes per stage).

export type RecipientOutcome =
  | { kind: 'delivered'; reply: string }
  | { kind: 'soft'; reply: string; status: string }
  | { kind: 'hard'; reply: string; status: string };

export interface TransactionOutcome {
  /** By recipient address (lower-cased). */
  recipients: Map<string, RecipientOutcome>;
  /** The connection cannot be used for another message. */
  connectionLost: boolean;
}

interface SendInfo {
  accepted?: (string | { address?: string })[];
  rejected?: (string | { address?: string })[];
  rejectedErrors?: SmtpError[];
  response?: string;
}

export interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];
  errno?: number;
  syscall?: string;
}

const addr = (a: string | { address?: string }) => (typeof a === 'string' ? a : (a.address ?? '')).toLowerCase();

/** The enhanced status in a reply (`550 5.1.1 ...` → 5.1.1), else the class default. */
export function statusOf(reply: string, code: number | undefined, fallbackClass: 4 | 5): string {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply);
  if (m) return m[1];
  const cls = code ? Math.floor(code / 100) : fallbackClass;
  return cls === 5 ? '5.0.0' : '4.0.0';
}

/** A one-line description of a connection-level failure (mail log `details:`). */
export function connectionErrorDetail(err: SmtpError): string {
  if (err.errno === -111 || /ECONNREFUSED/.test(err.message)) return 'ECONNREFUSED';
  if (err.code === 'ETIMEDOUT') return 'ETIMEDOUT';
  if (err.code === 'EDNS') return 'DNS lookup failed';
  return err.code ? `${err.code}: ${err.message}` : err.message;
}

function fromReply(reply: string, code: number | undefined): RecipientOutcome {
  const c = code ?? Number(reply.slice(0, 3));
  if (c >= 500 && c < 600) return { kind: 'hard', reply, status: statusOf(reply, c, 5) };
  return { kind: 'soft', reply, status: statusOf(reply, c, 4) };
}

export function fromSendResult(to: string[], info: SendInfo): TransactionOutcome {
  const recipients = new Map<string, RecipientOutcome>();
  const response = info.response ?? '250 Ok';
  for (const a of to) recipients.set(a.toLowerCase(), { kind: 'delivered', reply: response });
  for (const err of info.rejectedErrors ?? []) {
    if (err.recipient) recipients.set(err.recipient.toLowerCase(), fromReply(err.response ?? '', err.responseCode));
  }
  for (const r of info.rejected ?? []) {
    const key = addr(r);
    if (recipients.get(key)?.kind === 'delivered') recipients.set(key, { kind: 'soft', reply: '', status: '4.0.0' });
  }
  return { recipients, connectionLost: false };
}

export function fromSendError(to: string[], err: SmtpError): TransactionOutcome {
  const recipients = new Map<string, RecipientOutcome>();
  if (err.code === 'EENVELOPE' && err.rejectedErrors?.length) {
    for (const e of err.rejectedErrors) {
      if (e.recipient) recipients.set(e.recipient.toLowerCase(), fromReply(e.response ?? '', e.responseCode));
    }
  }
  const whole: RecipientOutcome =
    err.responseCode && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE' || err.code === 'EPROTOCOL')
      ? fromReply(err.response ?? `${err.responseCode} ${err.message}`, err.responseCode)
      : { kind: 'soft', reply: connectionErrorDetail(err), status: '4.4.1' };
  for (const a of to) if (!recipients.has(a.toLowerCase())) recipients.set(a.toLowerCase(), whole);
  const protocolLevel = err.code === 'EENVELOPE' || err.code === 'EMESSAGE';
  return { recipients, connectionLost: !protocolLevel };
}
