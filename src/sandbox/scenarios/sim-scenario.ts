// `sim scenario ...` and `sim graph` (sandbox only, not AsyncOS), and the scenario's part of
// `sim clock +<duration>`: a jump plays the scenario's timeline step by step.
import { CommandError, type CommandIO } from '../../appliance/kit/command.js';
import { formatApplianceDate } from '../../model/format-date.js';
import { formatDuration, parseDuration } from '../duration.js';
import type { SandboxControls } from '../sandbox.js';
import { jumpLines, jumpShown } from '../clock-jump.js';
import { ScenarioFormatError } from './format.js';
import { debriefLines, judge, markOf, scenarioEnd, type JudgeContext } from './judge.js';
import { loadAll, loadScenario } from './loader.js';
import { gatherOutcomes } from './outcomes.js';
import { drawQueueGraph, QueueSampler } from './queue-graph.js';
import { ScenarioRun } from './runner.js';
import { wrapLine, wrapLines } from '../../appliance/kit/wrap-text.js';

/** Per sandbox: the queue sampler (from the first sim command on) and the running scenario. */
const seats = new WeakMap<SandboxControls, { sampler: QueueSampler; run?: ScenarioRun }>();

function seatOf(io: CommandIO) {
  const sandbox = io.engine.sandbox;
  if (!sandbox) throw new CommandError('The sim commands exist only in the sandbox: start it with `esa sandbox`.');
  let seat = seats.get(sandbox);
  if (!seat) {
    seat = { sampler: new QueueSampler(io.engine, () => sandbox.backendMode() !== 'down') };
    seats.set(sandbox, seat);
  }
  return { sandbox, seat };
}

function runningOf(io: CommandIO): ScenarioRun {
  const run = seatOf(io).seat.run;
  if (!run?.active) throw new CommandError('No scenario is running. "sim scenario list" lists them; "sim scenario start <name>" starts one.');
  return run;
}

const since = (run: ScenarioRun, at: number) => `+${formatDuration(run.elapsed(at))}`;

/** The width prose is wrapped to: the terminal's, else 80 columns (a transcript read as a terminal shows it). */
const widthOf = (io: CommandIO) => io.columns ?? 80;

/** Lines wrapped one by one at the width (a continuation under its text). */
function say(io: CommandIO, ...lines: string[]): void {
  io.print(...lines.flatMap((l) => wrapLine(l, widthOf(io))));
}

async function list(io: CommandIO): Promise<void> {
  const all = await loadAll();
  if (all.length === 0) throw new CommandError('No scenario files found in scenarios/.');
  const width = Math.max(...all.map((s) => s.name.length));
  io.print('Scenarios (sim scenario start <name or number>):');
  io.blank();
  for (const s of all) io.print(`${s.name.padEnd(width)}  ${'scenario' in s ? s.scenario.title : `(cannot be used: ${s.error})`}`);
}

async function start(io: CommandIO, args: string[]): Promise<void> {
  const { sandbox, seat } = seatOf(io);
  if (!args[0]) throw new CommandError('Usage: sim scenario start <name | number | file.json>');
  if (seat.run?.active) throw new CommandError(`Scenario ${seat.run.scenario.name} is running: "sim scenario stop" first.`);
  let scenario;
  try {
    scenario = await loadScenario(args[0]);
  } catch (e) {
    if (e instanceof ScenarioFormatError) throw new CommandError(e.message);
    throw e;
  }
  io.progress(`Setting up ${scenario.title}...`);
  const run = await ScenarioRun.start(scenario, io.engine, sandbox, seat.sampler);
  seat.run = run;
  say(io, `Scenario: ${scenario.title}`);
  io.blank();
  const briefing = scenario.briefing.map((l) => l.replaceAll('{backend}', sandbox.backend.address).replaceAll('{old}', `${run.unreachable.host}:${run.unreachable.port}`));
  // One paragraph, filled again to the width when a line is too long for it.
  io.print(...wrapLines(briefing, widthOf(io)));
  io.blank();
  say(io, `Goal: ${scenario.goal}`);
  io.blank();
  say(io, `Started ${formatApplianceDate(run.startedAt)} UTC (simulated; the clock runs ${sandbox.clock.scale === 0 ? 'only when you move it: sim clock +<duration>' : `${sandbox.clock.scale}x`}).`);
  say(io, cleanedLine(run));
  printEvents(io, run, run.startedAt);
  say(io, '"sim scenario hint" when stuck, "sim scenario check" to be judged, "sim scenario debrief" for the whole story.');
}

/** What the start cleared of earlier exercises. */
function cleanedLine(run: ScenarioRun): string {
  const { messages, hostsDown, suspended } = run.cleaned;
  const parts = ['counters reset'];
  if (messages > 0) parts.push(`${messages} queued message(s) deleted`);
  if (hostsDown > 0) parts.push(`${hostsDown} host(s) no longer marked down`);
  if (suspended) parts.push('receiving and delivery resumed');
  return `The appliance starts clean: ${parts.join(', ')}.`;
}

function printEvents(io: CommandIO, run: ScenarioRun, from: number, upTo = Infinity): void {
  for (const e of run.events) if (e.at >= from && e.at <= upTo) say(io, `  ${since(run, e.at).padStart(8)}  ${e.text}`);
}

function status(io: CommandIO): void {
  const run = runningOf(io);
  const now = io.engine.now();
  say(io, `Scenario: ${run.scenario.title} (${run.scenario.name}), ${since(run, now)} since the start`);
  say(io, `Goal: ${run.scenario.goal}`);
  io.blank();
  io.print('So far:');
  printEvents(io, run, run.startedAt);
  const next = run.nextDue();
  io.blank();
  if (next !== undefined) say(io, `Something happens next at ${since(run, next)} (in ${formatDuration(next - now)}).`);
  say(io, whenJudged(run, now));
  say(io, `Messages sent: ${run.senders.messages.length}, kept by the senders now: ${run.senders.kept().length}, in the appliance's queue: ${io.engine.gauges().queuedMessages}.`);
}

/**
 * When the scenario is judged, in words: it may pass from `judgeAfter` on (every check met),
 * and is over, passed or not, at its end (`scenarioEnd`: the last deadline of its checks).
 */
function whenJudged(run: ScenarioRun, now: number): string {
  const from = run.startedAt + run.scenario.judgeAfter;
  const end = run.startedAt + scenarioEnd(run.scenario);
  const jump = (at: number) => `in ${formatDuration(at - now)} (sim clock +${formatDuration(at - now).replaceAll(' ', '')})`;
  if (now >= end) return 'The scenario can be judged now: sim scenario check.';
  if (now >= from) return `It passes as soon as every check is ok, and is over at ${since(run, end)}, its last deadline, ${jump(end)}.`;
  const over = end > from ? `; it is over at ${since(run, end)}, its last deadline` : '';
  return `It is judged from ${since(run, from)} on, ${jump(from)}${over}.`;
}

function hint(io: CommandIO, args: string[]): void {
  const run = runningOf(io);
  const hints = run.scenario.hints;
  if (hints.length === 0) throw new CommandError('This scenario has no hints.');
  if ((args[0] ?? '').toLowerCase() === 'all') {
    run.hintsShown = hints.length;
    hints.forEach((h, i) => say(io, `Hint ${i + 1} of ${hints.length}: ${h}`));
    return;
  }
  const i = Math.min(run.hintsShown, hints.length - 1);
  run.hintsShown = i + 1;
  say(io, `Hint ${i + 1} of ${hints.length}: ${hints[i]}`);
}

async function verdictOf(io: CommandIO, run: ScenarioRun) {
  await run.catchUp();
  const now = io.engine.now();
  const outcomes = await gatherOutcomes(io.engine, run.sandbox.backend.mailboxes, run.run, run.senders.messages, run.startedAt);
  run.sampler.sample();
  const ctx: JudgeContext = { now, startedAt: run.startedAt, queuedNow: io.engine.gauges().queuedMessages, peakWhileDown: run.sampler.peakWhileDown(run.startedAt, now) };
  return { outcomes, ctx, verdict: judge(run.scenario, outcomes, ctx) };
}

async function check(io: CommandIO): Promise<void> {
  const run = runningOf(io);
  const { verdict } = await verdictOf(io, run);
  say(io, `Checking ${run.scenario.title} against what really happened${verdict.over ? '' : ' so far'}:`);
  // A check's text wraps under itself, right of its mark.
  for (const r of verdict.results) io.print(...wrapLine(`  ${markOf(r)} ${r.text}`, widthOf(io), 7));
  io.blank();
  if (verdict.passed) {
    say(io, 'PASSED. "sim scenario debrief" tells each message\'s story; "sim scenario stop" ends the scenario.');
    return;
  }
  if (!verdict.over) {
    if (verdict.results.some((r) => !r.ok && !r.open)) say(io, 'A FAIL above cannot turn ok any more.');
    const now = io.engine.now();
    const from = run.startedAt + run.scenario.judgeAfter;
    const end = run.startedAt + scenarioEnd(run.scenario);
    throw new CommandError(
      now < from
        ? `Not over yet: it is judged from ${since(run, from)} on, in ${formatDuration(from - now)} (sim clock +${formatDuration(from - now).replaceAll(' ', '')}).`
        : `Not over yet: every check must be ok by ${since(run, end)} (in ${formatDuration(end - now)}).`,
    );
  }
  throw new CommandError('NOT PASSED. "sim scenario debrief" says what happened to each message.');
}

async function debrief(io: CommandIO): Promise<void> {
  const run = runningOf(io);
  const { outcomes, ctx, verdict } = await verdictOf(io, run);
  // At a terminal, wrapped to it; a script gets each line whole (the mail log lines of the proof too).
  const lines = debriefLines(run.scenario, outcomes, verdict, ctx);
  io.print(...(io.columns === undefined ? lines : lines.flatMap((l) => wrapLine(l, widthOf(io)))));
}

async function stop(io: CommandIO): Promise<void> {
  const { seat } = seatOf(io);
  const run = runningOf(io);
  await run.stop();
  seat.run = undefined;
  say(io, `Scenario ${run.scenario.name} stopped: the configuration, the backend and the clock speed are as before it.`);
}

/** `sim scenario ...` */
export async function scenario(io: CommandIO, args: string[]): Promise<void> {
  const [word, ...rest] = args;
  switch ((word ?? 'status').toLowerCase()) {
    case 'list':
      return list(io);
    case 'start':
      return start(io, rest);
    case 'status':
      return status(io);
    case 'hint':
      return hint(io, rest);
    case 'check':
      return check(io);
    case 'debrief':
      return debrief(io);
    case 'stop':
      return stop(io);
    default:
      throw new CommandError('Usage: sim scenario list | start <name> | status | hint [all] | check | debrief | stop');
  }
}

/** `sim graph [duration]`: the queue over the last duration of simulated time (default: since sampling began). */
export async function graph(io: CommandIO, args: string[]): Promise<void> {
  const { seat } = seatOf(io);
  const now = io.engine.now();
  let from = seat.run?.active ? seat.run.startedAt : seat.sampler.since;
  if (args[0]) {
    const ms = parseDuration(args[0]);
    if (ms === undefined || ms === 0) throw new CommandError(`Usage: sim graph [duration], e.g. sim graph 2h (got ${args[0]})`);
    from = now - ms;
  }
  seat.sampler.sample();
  const columns = Math.min(112, widthOf(io));
  io.print(`Messages in the queue over ${formatDuration(now - from)} of simulated time (UTC):`);
  io.print(...drawQueueGraph(seat.sampler.samples, seat.sampler.marks, from, now, columns));
  io.print(...wrapLines(['backend: _ up, x down; d delivered, B bounced, r refused (totals at the right).'], columns));
}

/**
 * `sim clock +<duration>` while a scenario runs: the jump goes through each due step of the
 * timeline; otherwise the plain clock command. What the jump made happen is printed after it.
 */
export async function scenarioClock(io: CommandIO, args: string[], plain: (io: CommandIO, args: string[]) => Promise<void>): Promise<void> {
  const { seat } = seatOf(io);
  const run = seat.run;
  const ms = args[0]?.startsWith('+') ? parseDuration(args[0]) : undefined;
  if (!run?.active || ms === undefined) {
    await plain(io, args);
    seat.sampler.sample();
    return;
  }
  const from = io.engine.now();
  const known = run.events.length;
  const report = await run.jumpTo(from + ms, jumpShown(io, from, from + ms));
  seat.sampler.sample();
  const fresh = run.events.slice(known);
  if (fresh.length > 0) {
    io.print(`Scenario ${run.scenario.name}:`);
    for (const e of fresh) say(io, `  ${since(run, e.at).padStart(8)}  ${e.text}`);
  }
  io.print(...jumpLines(report, io.columns));
  await plain(io, ['show']);
}
