// Exact SMTP reply lines. smtp-server prefixes its own enhanced status code to every reply
// once ENHANCEDSTATUSCODES is advertised, so an application reply that carries its own code
// (`452 4.3.1 ...`) would read `452 4.2.2 4.3.1 ...`. This one patch makes a reply whose
// text already starts with an enhanced code keep exactly that code (traps.md).
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const HAS_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

let patched = false;

export function useOwnEnhancedCodes(): void {
  if (patched) return;
  patched = true;
  const proto = SMTPConnection.prototype as unknown as {
    send(code: number, data: unknown, context?: unknown): void;
  };
  const original = proto.send;
  proto.send = function send(this: unknown, code: number, data: unknown, context?: unknown) {
    if (typeof data === 'string' && HAS_ENHANCED_CODE.test(data)) context = false;
    return original.call(this, code, data, context);
  };
}

/** An error for smtp-server callbacks that produces exactly `<code> <text>`. */
export function smtpReply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}
