// A running scenario: sets the world up (configuration, backend, clock), plays its timeline on
// the simulated clock — sends, backend changes, the senders' retries of what was refused — and
// keeps what happened for status, check and debrief. One per sandbox; `stop` puts the world back.
import { createServer } from 'node:net';
import type { ApplianceConfig, HostPort } from '../../model/config.js';
import type { EngineApi } from '../../api/engine-api.js';
import type { BackendMode } from '../backend.js';
import { formatDuration } from '../duration.js';
import type { PlayOptions, PlayReport } from '../../model/clock.js';
import { BACKEND_MODES, firstListenerTarget, JUMP_WALL_BUDGET_MS, type SandboxControls } from '../sandbox.js';
import type { Scenario, TimelineStep } from './format.js';
import { QueueSampler } from './queue-graph.js';
import { Senders } from './senders.js';

/** One line of what happened, for status and the clock's report. */
export interface RunEvent {
  at: number;
  text: string;
}

/** A port where nothing listens: "the old address" of a moved or dead mail server. */
async function unreachableAddress(): Promise<HostPort> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 9;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { host: '127.0.0.1', port };
}

function backendHostPort(sandbox: SandboxControls): HostPort {
  const [host, port] = sandbox.backend.address.split(/:(?=\d+$)/);
  return { host, port: Number(port) };
}

/** The configuration the scenario's setup asks for, over the running one. */
export function configFor(scenario: Scenario, running: Readonly<ApplianceConfig>, backend: HostPort, unreachable: HostPort): ApplianceConfig {
  const next = structuredClone(running) as ApplianceConfig;
  const { setup } = scenario;
  for (const [name, settings] of Object.entries(setup.profiles)) next.bounceProfiles[name] = { ...settings };
  if (setup.queueMaxMessages !== undefined) next.queueMaxMessages = setup.queueMaxMessages;
  for (const [domain, target] of Object.entries(setup.routes)) {
    const hosts = [target === 'backend' ? backend : unreachable];
    const route = next.routes.find((r) => r.domain.toLowerCase() === domain.toLowerCase());
    if (route) {
      route.hosts = hosts;
      delete route.special;
    } else next.routes.push({ domain: domain === 'all' ? 'ALL' : domain, hosts });
  }
  const first = next.listeners[0];
  if (first) {
    for (const d of setup.accept) {
      if (!first.rat.some((e) => e.pattern.toLowerCase() === d && e.action === 'ACCEPT')) first.rat.unshift({ pattern: d, action: 'ACCEPT' });
    }
  }
  return next;
}

/** What the start found left by earlier exercises and cleared. */
export interface Cleaned {
  /** Queued messages deleted. */
  messages: number;
  /** Hosts that were marked down. */
  hostsDown: number;
  /** Listeners or delivery that were suspended. */
  suspended: boolean;
}

/**
 * Every scenario starts from a clean appliance: nothing an earlier exercise or scenario left
 * (queued mail, hosts marked down, suspended listeners or delivery, counters) changes its story
 * or its judging (`queueEmpty`, the queue's peak). Said in the mail log and by `start`.
 */
async function cleanAppliance(api: EngineApi, sandbox: SandboxControls): Promise<Cleaned> {
  const op = api.operational();
  const cleaned: Cleaned = {
    messages: api.gauges().queuedMessages,
    hostsDown: api.gauges().hostsDown,
    suspended: op.suspendedListeners.length > 0 || op.deliverySuspended || op.suspendedDomains.length > 0,
  };
  if (op.suspendedListeners.length > 0) await api.resumeListeners(op.suspendedListeners);
  if (op.deliverySuspended || op.suspendedDomains.length > 0) await api.resumeDelivery(['ALL']);
  if (cleaned.messages > 0) await api.deleteRecipients({ kind: 'all' });
  // With the queue empty this only clears the marks of hosts found down (nothing is left to try).
  api.deliverNow();
  await sandbox.settle();
  api.resetCounters();
  sandbox.logLine(
    `the appliance starts clean for a scenario: ${cleaned.messages} queued message(s) deleted, ${cleaned.hostsDown} host(s) no longer marked down${cleaned.suspended ? ', receiving and delivery resumed' : ''}, counters reset`,
  );
  return cleaned;
}

export class ScenarioRun {
  readonly events: RunEvent[] = [];
  readonly senders: Senders;
  readonly startedAt: number;
  /** Hints shown so far. */
  hintsShown = 0;
  /** What an earlier exercise left and the start cleared. */
  cleaned: Cleaned = { messages: 0, hostsDown: 0, suspended: false };
  #stepIndex = 0;
  #busy: Promise<void> = Promise.resolve();
  #cancelTimer: (() => void) | undefined;
  #stopped = false;

  private constructor(
    readonly scenario: Scenario,
    readonly api: EngineApi,
    readonly sandbox: SandboxControls,
    readonly sampler: QueueSampler,
    readonly run: string,
    readonly unreachable: HostPort,
    private readonly before: { config: ApplianceConfig; backend: BackendMode; scale: number },
  ) {
    this.startedAt = api.now();
    this.senders = new Senders(run, scenario.title, scenario.senderRetry, () => firstListenerTarget(api));
  }

  /** Sets the world up and plays what is due at the start. */
  static async start(scenario: Scenario, api: EngineApi, sandbox: SandboxControls, sampler: QueueSampler): Promise<ScenarioRun> {
    const before = { config: structuredClone(api.config()) as ApplianceConfig, backend: sandbox.backendMode(), scale: sandbox.clock.scale };
    const unreachable = await unreachableAddress();
    await api.applyConfig(configFor(scenario, api.config(), backendHostPort(sandbox), unreachable));
    const cleaned = await cleanAppliance(api, sandbox);
    const { setup } = scenario;
    if (setup.startAt) {
      const [h, m] = setup.startAt.split(':').map(Number);
      const now = sandbox.clock.now();
      const d = new Date(now);
      let at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m);
      if (at < now) at += 86_400_000;
      await sandbox.jump(at - now);
    }
    sandbox.clock.setScale(setup.clockScale);
    await sandbox.setBackendMode(setup.backend);
    const run = new ScenarioRun(scenario, api, sandbox, sampler, Date.now().toString(36).slice(-5), unreachable, before);
    run.cleaned = cleaned;
    run.note(`scenario ${scenario.name} started; the backend mail server is ${BACKEND_MODES[setup.backend]}`);
    await run.catchUp();
    return run;
  }

  get active(): boolean {
    return !this.#stopped;
  }

  /** Simulated ms since the start. */
  elapsed(at = this.api.now()): number {
    return at - this.startedAt;
  }

  note(text: string): void {
    this.events.push({ at: this.api.now(), text });
  }

  /** The simulated time of the next thing the scenario does (a step, or the senders' retry). */
  nextDue(): number | undefined {
    const step = this.scenario.timeline[this.#stepIndex];
    const times = [step ? this.startedAt + step.at : undefined, this.senders.nextRetry].filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Plays everything due now, in time order, one thing at a time; then arms the timer for the next. */
  catchUp(): Promise<void> {
    this.#busy = this.#busy.then(() => this.#playDue());
    return this.#busy;
  }

  async #playDue(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    for (;;) {
      if (this.#stopped) return;
      const due = this.nextDue();
      const now = this.api.now();
      if (due === undefined || due > now) break;
      const step = this.scenario.timeline[this.#stepIndex];
      if (step && this.startedAt + step.at === due) {
        this.#stepIndex++;
        await this.#play(step);
      } else {
        const kept = this.senders.kept().length;
        await this.senders.retryKept(now);
        this.#afterSend(kept, kept - this.senders.kept().length, 'the senders try their kept mail again');
      }
      await this.sandbox.settle();
    }
    const next = this.nextDue();
    // With the clock running by itself the scenario goes on alone; a jump plays it through jumpTo.
    if (next !== undefined && !this.#stopped) this.#cancelTimer = this.api.after(next - this.api.now(), () => void this.catchUp());
  }

  async #play(step: TimelineStep): Promise<void> {
    if ('send' in step) {
      const before = this.senders.messages.length;
      await this.senders.send(step.send, step.to, this.api.now());
      const fresh = this.senders.messages.slice(before);
      this.#afterSend(step.send, fresh.filter((m) => m.accepted).length, `the senders send ${step.send} message(s) to ${step.to}`);
    } else if ('backend' in step) {
      await this.sandbox.setBackendMode(step.backend);
      this.note(`the backend mail server is ${BACKEND_MODES[step.backend]}`);
    } else {
      this.note(step.say);
    }
  }

  #afterSend(tried: number, accepted: number, what: string): void {
    const refused = tried - accepted;
    if (refused > 0) this.sampler.mark('refused', refused);
    this.sampler.sample();
    const replies = new Set(this.senders.messages.flatMap((m) => m.refusals.filter((r) => r.at === this.api.now()).map((r) => r.reply)));
    this.note(`${what}: ${accepted} accepted${refused ? `, ${refused} refused (${[...replies].join('; ')}): the senders keep them and try again in ${formatDuration(this.scenario.senderRetry)}` : ''}`);
  }

  /**
   * A clock jump during the scenario: time passes up to each due step in turn (the engine's own
   * timers fire at their times on the way), then the step plays, so a long jump tells the same
   * story as small ones. The jump's real-time bound is shared by its stretches; past it, the
   * engine's timers of the stretches left fire at their ends, and the steps still play in order.
   */
  async jumpTo(target: number, options: PlayOptions = {}): Promise<PlayReport> {
    const step = this.scenario.jumpStep ?? Infinity;
    const from = this.api.now();
    const report: PlayReport = { from, target, steps: 0, playedTo: target };
    const deadline = Date.now() + (options.wallBudgetMs ?? JUMP_WALL_BUDGET_MS);
    for (;;) {
      await this.#busy;
      const now = this.api.now();
      if (this.#stopped || now >= target) break;
      const stop = Math.min(this.nextDue() ?? Infinity, target, now + step);
      if (stop > now) {
        const stretch = await this.sandbox.jump(stop - now, { ...options, wallBudgetMs: Math.max(0, deadline - Date.now()) });
        report.steps += stretch.steps;
        if (stretch.stopped && !report.stopped) {
          report.stopped = stretch.stopped;
          report.playedTo = stretch.playedTo;
        }
        if (stretch.stopped === 'interrupted') break;
      }
      await this.catchUp();
    }
    return report;
  }

  /** Ends the scenario and puts back the configuration, backend and clock speed it found. */
  async stop(): Promise<void> {
    await this.#busy;
    this.#stopped = true;
    this.#cancelTimer?.();
    const config = structuredClone(this.api.config()) as ApplianceConfig;
    // Commits made during the scenario stay in the history; the settings go back.
    await this.api.applyConfig({ ...this.before.config, commits: config.commits, users: config.users });
    await this.sandbox.setBackendMode(this.before.backend);
    this.sandbox.clock.setScale(this.before.scale);
  }
}
