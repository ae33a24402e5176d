// What one delivery attempt means for its recipients (pure): delivered, hard-bounced, or
// soft-bounced to wait per the bounce profile. Recipients have their attempt recorded already.
import type { HardBounce } from '../bounce/bounce-sink.js';
import { retryWaitSeconds, type BounceSettings } from '../../model/bounce-profile.js';
import type { Recipient } from '../queue/message.js';
import type { RecipientOutcome, TransactionOutcome } from './outcome.js';

export interface AttemptVerdict {
  delivered: Recipient[];
  /** The remote reply to the first delivered recipient (for the `Response` log line). */
  deliveredReply: string;
  hard: HardBounce[];
  /** The recipients that wait, with the first soft reply and when they are tried next. */
  soft?: { rcpts: Recipient[]; reply: string; status: string; nextAt: number };
}

const NO_ANSWER: RecipientOutcome = { kind: 'soft', reply: '', status: '4.0.0' };

export function judgeAttempt(
  rcpts: readonly Recipient[],
  outcome: TransactionOutcome,
  profile: Pick<BounceSettings, 'initial_retry' | 'max_retry_timeout'>,
  now: number,
  remoteMta: string,
): AttemptVerdict {
  const verdict: AttemptVerdict = { delivered: [], deliveredReply: '', hard: [] };
  const soft: Recipient[] = [];
  let firstSoft: RecipientOutcome | undefined;
  for (const r of rcpts) {
    const o = outcome.recipients.get(r.address.toLowerCase()) ?? NO_ANSWER;
    if (o.kind === 'delivered') {
      if (verdict.delivered.length === 0) verdict.deliveredReply = o.reply;
      verdict.delivered.push(r);
    } else if (o.kind === 'hard') {
      verdict.hard.push({ rcpt: r, status: o.status, reply: o.reply, kind: '5xx', remoteMta });
    } else {
      firstSoft ??= o;
      soft.push(r);
    }
  }
  if (firstSoft && firstSoft.kind === 'soft') {
    verdict.soft = { rcpts: soft, reply: firstSoft.reply, status: firstSoft.status, nextAt: nextAttemptAt(soft, profile, now) };
  }
  return verdict;
}

/** When recipients that just failed (softly) are tried again: the profile's doubling wait. */
export function nextAttemptAt(rcpts: readonly Recipient[], profile: Pick<BounceSettings, 'initial_retry' | 'max_retry_timeout'>, now: number): number {
  let failures = 0;
  for (const r of rcpts) if (r.attempts > failures) failures = r.attempts;
  return now + retryWaitSeconds(failures, profile.initial_retry, profile.max_retry_timeout) * 1000;
}
