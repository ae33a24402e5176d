// What really happened to each scenario message, gathered from the real places: the backend's
// mailboxes (delivered), the sender's mailbox (DSNs: bounced, delay warnings), the engine's
// queue (still waiting) and the mail log (the lines that prove each of these).
import type { EngineApi } from '../../api/engine-api.js';
import { eachLine } from '../../platform/log-files.js';
import type { Mailboxes } from '../mailboxes.js';
import { SANDBOX_SENDER } from '../sandbox.js';
import type { SentMessage } from './senders.js';
import { TAG } from './senders.js';

export type Fate = 'delivered' | 'bounced' | 'queued' | 'kept' | 'lost';

export interface MessageOutcome {
  msg: SentMessage;
  fate: Fate;
  /** When the backend received it. */
  deliveredAt?: number;
  /** When the appliance bounced it (its mail log line), and why. */
  bounced?: { at: number; status: string; why: string };
  /** The failure DSN in the sender's mailbox: when it arrived. */
  dsnAt?: number;
  /** Delay warnings that reached the sender. */
  warnings: number;
  /** Deleted by an operator (mail log). */
  deleted?: number;
  /** Mail log lines of its MID: what proves the fate. */
  proof: string[];
}

/** `Sat Nov 28 14:11:22 2026` at a log line's start, as ms. */
export function logTime(line: string): number | undefined {
  const m = /^(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})/.exec(line);
  return m ? Date.parse(`${m[1]} UTC`) : undefined;
}

/** The lines of the mail log's current file that name a MID, by MID (the sandbox's logs are small; rotated files hold older runs). */
async function logLinesByMid(api: EngineApi): Promise<Map<number, string[]>> {
  const byMid = new Map<number, string[]>();
  const [current] = await api.mailLogFiles();
  if (!current) return byMid;
  await eachLine([current], (l) => {
    const m = /\bMID (\d+)\b/.exec(l);
    if (!m) return;
    const list = byMid.get(Number(m[1])) ?? [];
    list.push(l);
    byMid.set(Number(m[1]), list);
  });
  return byMid;
}

/** The lines that matter most for a message's fate, oldest first, at most `max`. */
function proofOf(lines: string[], fate: Fate): string[] {
  const want: Record<Fate, RegExp> = {
    delivered: /Message done DCID|Response '/,
    bounced: /Bounced: /,
    queued: /pending till|Delayed: |Delivery start/,
    kept: /$^/,
    lost: /deleted by/,
  };
  const start = lines.filter((l) => /Start MID/.test(l)).slice(0, 1);
  const key = lines.filter((l) => want[fate].test(l));
  return [...start, ...key.slice(fate === 'queued' ? -1 : -2)];
}

export async function gatherOutcomes(api: EngineApi, mailboxes: Mailboxes | null, run: string, messages: readonly SentMessage[], since: number): Promise<MessageOutcome[]> {
  const byN = new Map<number, { deliveredAt?: number; dsnAt?: number; warnings: number; failed?: { status: string; why: string } }>();
  const slot = (n: number) => byN.get(n) ?? (byN.set(n, { warnings: 0 }), byN.get(n)!);
  if (mailboxes) {
    for (const entry of mailboxes.all()) {
      if (entry.at < since) continue;
      if (entry.from !== '') {
        const tag = TAG.exec(entry.subject);
        if (tag && tag[1] === run) slot(Number(tag[2])).deliveredAt ??= entry.at;
        continue;
      }
      if (!entry.to.includes(SANDBOX_SENDER)) continue;
      // A DSN: it quotes the original's header section, tag included.
      // Unfolded: a long subject is folded over lines in the quoted header section.
      const text = (await mailboxes.content(entry)).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
      const tag = TAG.exec(text);
      if (!tag || tag[1] !== run) continue;
      const s = slot(Number(tag[2]));
      if (/^Action: delayed/im.test(text)) s.warnings++;
      else if (/^Action: failed/im.test(text)) s.dsnAt ??= entry.at;
    }
  }
  const byMid = await logLinesByMid(api);
  const queued = new Set((await api.queuedRecipients({ kind: 'all' })).rows.map((r) => r.mid));
  return messages.map((msg) => {
    const found = slot(msg.n);
    const mine = msg.accepted ? (byMid.get(msg.accepted.mid) ?? []).filter((l) => (logTime(l) ?? since) >= msg.accepted!.at - 1000) : [];
    const bounceLine = mine.find((l) => /Bounced: /.test(l));
    const bounced = bounceLine
      ? { at: logTime(bounceLine) ?? 0, status: /\b([45]\.\d{1,3}\.\d{1,3})\b/.exec(bounceLine.slice(bounceLine.indexOf('Bounced:')))?.[1] ?? '', why: bounceLine.replace(/^.*Bounced: /, '') }
      : undefined;
    const deleteLine = mine.find((l) => /deleted by/.test(l));
    let fate: Fate;
    if (found.deliveredAt !== undefined) fate = 'delivered';
    else if (bounced || found.dsnAt !== undefined) fate = 'bounced';
    else if (!msg.accepted) fate = 'kept';
    else if (queued.has(msg.accepted.mid)) fate = 'queued';
    else fate = 'lost';
    return {
      msg,
      fate,
      ...(found.deliveredAt !== undefined ? { deliveredAt: found.deliveredAt } : {}),
      ...(bounced ? { bounced } : {}),
      ...(found.dsnAt !== undefined ? { dsnAt: found.dsnAt } : {}),
      warnings: found.warnings,
      ...(deleteLine ? { deleted: logTime(deleteLine) ?? 0 } : {}),
      proof: proofOf(mine, fate),
    };
  });
}
