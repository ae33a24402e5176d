// A message as an mbox entry (`archivemessage`): the `From ` line with the envelope sender and
// the arrival time, the content with LF line ends and its `From ` lines quoted (mboxrd), a blank
// line after it. Pure.
import { formatApplianceDate } from './format-date.js';

export function mboxEntry(sender: string, arrival: number, content: string): string {
  const body = content
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => (/^>*From /.test(line) ? `>${line}` : line))
    .join('\n');
  return `From ${sender || 'MAILER-DAEMON'} ${formatApplianceDate(arrival)}\n${body}${body.endsWith('\n') ? '' : '\n'}\n`;
}

/** The file a queued message is archived to, in the configuration directory. */
export const archiveFileName = (mid: number): string => `mid_${mid}.mbox`;
