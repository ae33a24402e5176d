// One queued message as `showmessage` and `oldmessage` print it: the envelope, each
// recipient's progress, then the header section as stored. Pure.
import type { MessageView } from '../../../api/engine-api.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { field } from '../../kit/report-field.js';

/** `MID <n> not found.`: exactly the appliance's text (drivers look for it). */
export const midNotFound = (mid: number | string): string => `MID ${mid} not found.`;

/** A MID as typed: plain digits; anything else is not a MID of this queue. */
export function parseMid(text: string): number | undefined {
  const t = text.trim();
  return /^\d{1,15}$/.test(t) ? Number(t) : undefined;
}

export function formatMessage(m: MessageView, now: number): string[] {
  const lines = [
    `${field('MID:')}${m.mid}`,
    `${field('Size:')}${m.size} bytes`,
    `${field('Received:')}${formatApplianceDate(m.arrival)} UTC`,
    `${field('Envelope From:')}<${m.sender}>`,
    `${field('Injection Conn. ID (ICID):')}${m.icid}`,
    `${field('Listener:')}${m.listener}`,
    `${field('Bounce profile:')}${m.profile}`,
    'Envelope recipients:',
  ];
  for (const r of m.recipients) {
    let line = `  [${r.rid}] <${r.address}>  ${r.state}, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
    if (r.state === 'pending') line += `, next ${r.nextAt <= now ? 'now' : `${formatApplianceDate(r.nextAt)} UTC`}`;
    if (r.lastReply) line += `, last reply: ${r.lastReply.replace(/\s+/g, ' ').trim()}`;
    lines.push(line);
  }
  // Header lines may start with `>` only in broken mail; a leading blank keeps them off the prompt pattern.
  const headers = m.headers.split(/\r?\n/).map((l) => (l.startsWith('>') ? ` ${l}` : l));
  return [...lines, '', 'Headers:', ...headers];
}
