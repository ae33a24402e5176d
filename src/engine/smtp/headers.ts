// Reading the few header fields the mail log shows (Message-ID, Subject) from raw content.

/** The unfolded value of the first header field `name` in the header block, if any. */
const fieldPatterns = new Map<string, RegExp>();

export function headerValue(content: Buffer, name: string): string | undefined {
  const end = content.indexOf('\r\n\r\n');
  const head = content.subarray(0, end >= 0 ? Math.min(end, 64 * 1024) : Math.min(content.length, 64 * 1024)).toString('latin1');
  // Every accepted message asks for the same few fields: compile each pattern once.
  let re = fieldPatterns.get(name);
  if (!re) {
    re = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im');
    fieldPatterns.set(name, re);
  }
  const m = re.exec(head);
  if (!m) return undefined;
  return Buffer.from(m[1].replace(/\r?\n[ \t]+/g, ' ').trim(), 'latin1').toString('utf8');
}
