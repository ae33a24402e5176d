// Judging a scenario (pure): its checks against what really happened to each message and the
// engine's state, and the debrief that tells each message's story with the lines proving it.
import { formatApplianceDate } from '../../model/format-date.js';
import { formatDuration } from '../duration.js';
import type { Check, Scenario } from './format.js';
import type { Fate, MessageOutcome } from './outcomes.js';

/** Time from an event (ms) to a mail log line's time, which has whole seconds only: never negative. */
function logElapsed(from: number, logged: number): number {
  return Math.max(0, logged - Math.floor(from / 1000) * 1000);
}

export interface JudgeContext {
  now: number;
  startedAt: number;
  /** Messages in the appliance's queue now (all of them, DSNs too). */
  queuedNow: number;
  /** The largest queue while the backend was down. */
  peakWhileDown: number;
}

export interface CheckResult {
  ok: boolean;
  text: string;
}

export interface Verdict {
  /** Simulated time has reached the point from which the scenario is judged. */
  over: boolean;
  results: CheckResult[];
  passed: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function fates(list: readonly MessageOutcome[]): string {
  const counts: Record<Fate, number> = { delivered: 0, bounced: 0, queued: 0, kept: 0, lost: 0 };
  for (const o of list) counts[o.fate]++;
  const words: Record<Fate, string> = { delivered: 'delivered', bounced: 'bounced', queued: 'still queued in the appliance', kept: 'kept by the senders (refused)', lost: 'lost (deleted without a DSN)' };
  return (Object.keys(counts) as Fate[])
    .filter((f) => counts[f] > 0)
    .map((f) => `${counts[f]} ${words[f]}`)
    .join(', ');
}

const domainOf = (o: MessageOutcome) => o.msg.to.slice(o.msg.to.indexOf('@') + 1);

function judgeOne(check: Check, all: readonly MessageOutcome[], ctx: JudgeContext): CheckResult {
  switch (check.kind) {
    case 'delivered': {
      const list = check.except ? all.filter((o) => domainOf(o) !== check.except) : all;
      const missing = list.filter((o) => o.fate !== 'delivered');
      const what = check.except ? `every message (except to ${check.except})` : 'every message';
      return missing.length === 0
        ? { ok: true, text: `${what} arrived at the backend: ${list.length} of ${list.length}` }
        : { ok: false, text: `${missing.length} of ${list.length} messages did not arrive: ${fates(missing)}` };
    }
    case 'deliveredBy': {
      const late = all.filter((o) => o.deliveredAt === undefined || o.deliveredAt - ctx.startedAt > check.within);
      return late.length === 0
        ? { ok: true, text: `all delivered within ${formatDuration(check.within)} of the start` }
        : { ok: false, text: `${late.length} messages not delivered within ${formatDuration(check.within)} of the start (the deadline was ${formatApplianceDate(ctx.startedAt + check.within)})` };
    }
    case 'noBounces': {
      const b = all.filter((o) => o.fate === 'bounced');
      if (b.length === 0) return { ok: true, text: 'no message bounced' };
      const waited = b.map((o) => (o.bounced ? logElapsed(o.msg.accepted?.at ?? o.msg.firstTry, o.bounced.at) : 0));
      const status = b[0].bounced?.status ? ` with ${b[0].bounced.status}` : '';
      return { ok: false, text: `${plural(b.length, 'message')} bounced${status}, the first after ${formatDuration(Math.min(...waited))} in the queue` };
    }
    case 'bounced': {
      const list = all.filter((o) => domainOf(o) === check.domain);
      const bad = list.filter((o) => o.fate !== 'bounced' || (check.within !== undefined && o.bounced && o.bounced.at - ctx.startedAt > check.within));
      const within = check.within ? ` within ${formatDuration(check.within)}` : '';
      return bad.length === 0
        ? { ok: true, text: `the ${list.length} messages to ${check.domain} bounced${within}: their senders got a DSN` }
        : { ok: false, text: `${bad.length} of ${list.length} messages to ${check.domain} not bounced${within}: ${fates(bad)}${bad.some((o) => o.fate === 'bounced') ? ' (some bounced too late)' : ''}` };
    }
    case 'queueEmpty':
      return ctx.queuedNow === 0 ? { ok: true, text: "the appliance's queue is empty" } : { ok: false, text: `the appliance's queue still holds ${plural(ctx.queuedNow, 'message')}` };
    case 'maxQueuedWhileDown':
      return ctx.peakWhileDown <= check.max
        ? { ok: true, text: `while the backend was down the appliance's queue held at most ${ctx.peakWhileDown} (limit ${check.max})` }
        : { ok: false, text: `while the backend was down the appliance's queue grew to ${ctx.peakWhileDown} messages (limit ${check.max}): the listeners were taking mail in` };
    case 'delayWarnings': {
      const warned = all.filter((o) => o.warnings > 0).length;
      return warned > 0 ? { ok: true, text: `the senders got delay warnings for ${plural(warned, 'message')}` } : { ok: false, text: 'the senders got no delay warning: they never learned their mail was waiting' };
    }
    case 'refused': {
      const hit = all.filter((o) => o.msg.refusals.some((r) => r.reply.startsWith(check.reply)));
      const resumed = hit.filter((o) => o.msg.accepted);
      if (hit.length === 0) return { ok: false, text: `no sender was refused with ${check.reply}` };
      return resumed.length === hit.length
        ? { ok: true, text: `${plural(hit.length, 'message')} refused with ${check.reply} were kept by their senders and accepted later` }
        : { ok: false, text: `${hit.length - resumed.length} of ${hit.length} messages refused with ${check.reply} were never accepted` };
    }
  }
}

export function judge(scenario: Scenario, outcomes: readonly MessageOutcome[], ctx: JudgeContext): Verdict {
  const results = scenario.checks.map((c) => judgeOne(c, outcomes, ctx));
  const over = ctx.now - ctx.startedAt >= scenario.judgeAfter;
  return { over, results, passed: over && results.every((r) => r.ok) };
}

/** One message's story: what its sender met, how long it waited where, how it ended. */
export function storyOf(o: MessageOutcome, now: number): string {
  const { msg } = o;
  const parts: string[] = [];
  if (msg.refusals.length > 0) {
    const first = msg.refusals[0];
    const until = msg.accepted?.at ?? now;
    parts.push(`refused ${plural(msg.refusals.length, 'time')} (${first.reply}), kept by its sender ${formatDuration(until - msg.firstTry)}`);
  }
  if (msg.accepted) parts.push(`accepted as MID ${msg.accepted.mid}`);
  const since = msg.accepted?.at ?? msg.firstTry;
  switch (o.fate) {
    case 'delivered':
      parts.push(`delivered ${formatApplianceDate(o.deliveredAt!)}, ${formatDuration(logElapsed(since, o.deliveredAt!))} in the appliance`);
      break;
    case 'bounced':
      parts.push(
        o.bounced
          ? `BOUNCED after ${formatDuration(logElapsed(since, o.bounced.at))} in the queue (${o.bounced.status}${/expired/i.test(o.bounced.why) ? ': queue lifetime used up' : ''})`
          : 'BOUNCED',
      );
      parts.push(o.dsnAt !== undefined ? `DSN in the sender's mailbox ${formatApplianceDate(o.dsnAt)}` : "the DSN has not reached the sender's mailbox yet");
      break;
    case 'queued':
      parts.push(`still queued, ${formatDuration(now - since)} so far`);
      break;
    case 'kept':
      parts.push('never accepted: still with its sender');
      break;
    case 'lost':
      parts.push(o.deleted ? 'LOST: deleted from the queue without a DSN, the sender does not know' : 'LOST: neither delivered nor bounced nor queued');
      break;
  }
  if (o.warnings > 0) parts.push(`${plural(o.warnings, 'delay warning')} to the sender`);
  return parts.join('; ');
}

/** The whole debrief: the verdict, each message with its proof, the totals. */
export function debriefLines(scenario: Scenario, outcomes: readonly MessageOutcome[], verdict: Verdict, ctx: JudgeContext): string[] {
  const out: string[] = [`Debrief: ${scenario.title} (${scenario.name}), ${formatDuration(ctx.now - ctx.startedAt)} of simulated time`, ''];
  out.push(verdict.passed ? 'Result: PASSED' : verdict.over ? 'Result: NOT PASSED' : 'Result: not over yet');
  for (const r of verdict.results) out.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.text}`);
  const wrong = verdict.results.filter((r) => !r.ok);
  if (wrong.length > 0) out.push('', 'What went wrong:', ...wrong.map((r) => `  - ${r.text}`));
  out.push('', 'Each message (what happened, and the mail_logs lines that prove it):');
  for (const o of outcomes) {
    out.push(`  #${o.msg.n} to ${o.msg.to}: ${storyOf(o, ctx.now)}`);
    for (const l of o.proof) out.push(`      ${l}`);
    if (o.fate === 'kept' || (o.msg.refusals.length > 0 && o.proof.length === 0)) {
      const last = o.msg.refusals.at(-1);
      if (last) out.push(`      (the sender's SMTP session at ${formatApplianceDate(last.at)}: ${last.reply})`);
    }
  }
  out.push('', `Totals: ${fates(outcomes) || 'no messages'}.`);
  return out;
}
