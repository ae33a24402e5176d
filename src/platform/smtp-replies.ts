// Exact SMTP reply lines for smtp-server callbacks. A text that starts with its own enhanced
// code (`4.3.1 ...`) is sent with exactly that code once useOwnEnhancedCodes()
// (smtp-server-seam.ts) has run.

/** An error for smtp-server callbacks that produces exactly `<code> <text>`. */
export function smtpReply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}
