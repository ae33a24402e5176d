// The one escaping of control characters for text that came from outside (commit comments,
// full names, subjects, Message-IDs, command lines typed over SSH) wherever it is shown or
// logged: a CR/LF cannot start a forged log line or a forged entry in a listing, an ANSI escape
// cannot drive the reader's terminal. Pure.

// C0 controls but tab, DEL, C1 controls, and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\r': '\\r', '\n': '\\n' };

/** One control character written visibly: `\r`, `\n`, else `\xHH` / `\uHHHH` (as C, JavaScript and Python write them). */
function escaped(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * The text with every control character (tab excepted) written as a visible escape:
 * a CR LF becomes the four characters `\r\n` (the text stays on one line), ESC `[2J` becomes `\x1b[2J`.
 * Text without control characters is returned as it is.
 */
export function printable(text: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? text.replace(CONTROL, escaped) : text;
}

/** `printable` line by line: the text's own line breaks kept (a message of several lines), the rest escaped. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
