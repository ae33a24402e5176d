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
  /** Not met yet, and it still may be: the scenario is not over (never set once it is). */
  open?: boolean;
  text: string;
}

export interface Verdict {
  /** Simulated time has reached the point from which the scenario is judged. */
  over: boolean;
  results: CheckResult[];
  passed: boolean;
}

/**
 * How long after its start a scenario is over: its `judgeAfter`, or the latest deadline of its
 * checks if that is later (a check before its deadline could still pass). It may pass earlier,
 * from `judgeAfter` on, once every check is met.
 */
export function scenarioEnd(scenario: Scenario): number {
  const deadlines = scenario.checks.map((c) => (c.kind === 'deliveredBy' ? c.within : c.kind === 'bounced' ? (c.within ?? 0) : 0));
  return Math.max(scenario.judgeAfter, ...deadlines);
}

/** A check's mark in the column of `check` and the debrief. */
export function markOf(r: CheckResult): string {
  return r.ok ? 'ok  ' : r.open ? 'wait' : 'FAIL';
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

/** A fate that no later event changes: the message left the queue without reaching the backend. */
const gone = (o: MessageOutcome) => o.fate === 'bounced' || o.fate === 'lost';

/** `deadline` (ms after the start) in words: when, and how long from now. */
function deadlineText(ctx: JudgeContext, deadline: number): string {
  const at = ctx.startedAt + deadline;
  return `the deadline is ${formatApplianceDate(at)} (in ${formatDuration(Math.max(0, at - ctx.now))})`;
}

/**
 * One check. Before the scenario is over (`over` false), a check not met yet that still may be
 * is `open` (shown `wait`, "not yet"), not a failure; one that can no longer be met fails at once.
 */
function judgeOne(check: Check, all: readonly MessageOutcome[], ctx: JudgeContext, over: boolean): CheckResult {
  const open = (text: string): CheckResult => (over ? { ok: false, text } : { ok: false, open: true, text });
  switch (check.kind) {
    case 'delivered': {
      const list = check.except ? all.filter((o) => domainOf(o) !== check.except) : all;
      const missing = list.filter((o) => o.fate !== 'delivered');
      const what = check.except ? `every message (except to ${check.except})` : 'every message';
      if (missing.length === 0) return { ok: true, text: `${what} arrived at the backend: ${list.length} of ${list.length}` };
      if (missing.some(gone)) return { ok: false, text: `${missing.length} of ${list.length} messages did not arrive: ${fates(missing)}` };
      return open(`${missing.length} of ${list.length} messages ${over ? 'did not arrive' : 'have not arrived yet'}: ${fates(missing)}`);
    }
    case 'deliveredBy': {
      const late = all.filter((o) => o.deliveredAt === undefined || o.deliveredAt - ctx.startedAt > check.within);
      if (late.length === 0) return { ok: true, text: `all delivered within ${formatDuration(check.within)} of the start` };
      const past = ctx.now - ctx.startedAt > check.within;
      if (over || past || late.some((o) => gone(o) || o.deliveredAt !== undefined))
        return { ok: false, text: `${late.length} messages not delivered within ${formatDuration(check.within)} of the start (the deadline was ${formatApplianceDate(ctx.startedAt + check.within)})` };
      return open(`${late.length} messages not delivered yet: ${deadlineText(ctx, check.within)}`);
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
      if (bad.length === 0) return { ok: true, text: `the ${list.length} messages to ${check.domain} bounced${within}: their senders got a DSN` };
      const past = check.within !== undefined && ctx.now - ctx.startedAt > check.within;
      if (over || past || bad.some((o) => o.fate === 'bounced' || o.fate === 'delivered' || o.fate === 'lost'))
        return { ok: false, text: `${bad.length} of ${list.length} messages to ${check.domain} not bounced${within}: ${fates(bad)}${bad.some((o) => o.fate === 'bounced') ? ' (some bounced too late)' : ''}` };
      return open(`${bad.length} of ${list.length} messages to ${check.domain} not bounced yet: ${fates(bad)}${check.within !== undefined ? `; ${deadlineText(ctx, check.within)}` : ''}`);
    }
    case 'queueEmpty':
      return ctx.queuedNow === 0 ? { ok: true, text: "the appliance's queue is empty" } : open(`the appliance's queue still holds ${plural(ctx.queuedNow, 'message')}`);
    case 'maxQueuedWhileDown':
      return ctx.peakWhileDown <= check.max
        ? { ok: true, text: `while the backend was down the appliance's queue held at most ${ctx.peakWhileDown} (limit ${check.max})` }
        : { ok: false, text: `while the backend was down the appliance's queue grew to ${ctx.peakWhileDown} messages (limit ${check.max}): the listeners were taking mail in` };
    case 'delayWarnings': {
      const warned = all.filter((o) => o.warnings > 0).length;
      return warned > 0
        ? { ok: true, text: `the senders got delay warnings for ${plural(warned, 'message')}` }
        : open(over ? 'the senders got no delay warning: they never learned their mail was waiting' : 'the senders got no delay warning yet');
    }
    case 'refused': {
      const hit = all.filter((o) => o.msg.refusals.some((r) => r.reply.startsWith(check.reply)));
      const resumed = hit.filter((o) => o.msg.accepted);
      if (hit.length === 0) return open(`no sender was refused with ${check.reply}${over ? '' : ' yet'}`);
      return resumed.length === hit.length
        ? { ok: true, text: `${plural(hit.length, 'message')} refused with ${check.reply} were kept by their senders and accepted later` }
        : open(`${hit.length - resumed.length} of ${hit.length} messages refused with ${check.reply} ${over ? 'were never accepted' : 'are not accepted yet'}`);
    }
  }
}

/**
 * The verdict: PASSED once the timeline has played (`judgeAfter`) with every check met; NOT
 * PASSED only at the end (`scenarioEnd`: a check's deadline may come later), before which a
 * check not met yet is open, unless it can no longer be met.
 */
export function judge(scenario: Scenario, outcomes: readonly MessageOutcome[], ctx: JudgeContext): Verdict {
  const elapsed = ctx.now - ctx.startedAt;
  const ended = elapsed >= scenarioEnd(scenario);
  const results = scenario.checks.map((c) => judgeOne(c, outcomes, ctx, ended));
  const passed = elapsed >= scenario.judgeAfter && results.every((r) => r.ok);
  return { over: passed || ended, results, passed };
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
  for (const r of verdict.results) out.push(`  ${markOf(r)} ${r.text}`);
  const wrong = verdict.results.filter((r) => !r.ok && !r.open);
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
