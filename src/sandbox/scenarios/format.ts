// The scenario file format (scenarios/*.json): what a trainer writes — the world, the timeline,
// the goal as checks on outcomes, the hints — and its validation, one clear line per mistake.
import { BOUNCE_KEYS, parseSetting, type BounceKey, type StoredProfile } from '../../model/bounce-profile.js';
import type { BackendMode } from '../backend.js';
import { parseDuration } from '../duration.js';

/** Where a route sends mail: the sandbox's backend, or an address where nothing listens. */
export type RouteTarget = 'backend' | 'unreachable';

export interface ScenarioSetup {
  /** Moves the clock ahead to the next HH:MM (UTC) first: "business hours". */
  startAt?: string;
  /** Simulated ms per real ms while the scenario runs (0: time moves only with `sim clock +...`). */
  clockScale: number;
  backend: BackendMode;
  /** Bounce profiles set before the start (settings over the defaults); `{}` resets one to the defaults. */
  profiles: Record<string, StoredProfile>;
  /** The queue's storage limit in messages. */
  queueMaxMessages?: number;
  /** SMTP routes, by domain pattern (`ALL` is the default route). */
  routes: Record<string, RouteTarget>;
  /** More recipient domains the first listener accepts. */
  accept: string[];
}

/** One thing that happens at a time after the start. */
export type TimelineAction =
  | { send: number; to: string }
  | { backend: BackendMode }
  | { say: string };

export type TimelineStep = TimelineAction & { at: number };

/** One check of the goal; each is judged from outcomes (see judge.ts). */
export type Check =
  | { kind: 'delivered'; except?: string }
  | { kind: 'deliveredBy'; within: number }
  | { kind: 'noBounces' }
  | { kind: 'bounced'; domain: string; within?: number }
  | { kind: 'queueEmpty' }
  | { kind: 'maxQueuedWhileDown'; max: number }
  | { kind: 'delayWarnings' }
  | { kind: 'refused'; reply: string };

export interface Scenario {
  /** The file's name without `.json`: what `sim scenario start` takes. */
  name: string;
  title: string;
  teaches: string;
  briefing: string[];
  goal: string;
  setup: ScenarioSetup;
  timeline: TimelineStep[];
  /** How long (simulated) a refused message waits at its sender before the sender tries again. */
  senderRetry: number;
  /** `check` judges only from this long after the start (default: the last step of the timeline). */
  judgeAfter: number;
  /** A clock jump moves at most this far at once (engine timers then fire near their time); undefined: straight to each step. */
  jumpStep?: number;
  checks: Check[];
  hints: string[];
}

export class ScenarioFormatError extends Error {}

const MODES: readonly BackendMode[] = ['up', 'down', 'tempfail', 'reject'];
const DOMAIN = /^(ALL|\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)$/i;

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new ScenarioFormatError(`${where}: ${what}`);
}

function obj(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object { ... }');
  return v as Json;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(where, 'must be a non-empty text');
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(where, 'must be a list [ "...", ... ]');
  return v.map((s, i) => str(s, `${where}[${i}]`));
}

function duration(v: unknown, where: string): number {
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) fail(where, `must be a duration such as "30m", "2h", "1h30m", "4d" (got ${JSON.stringify(v)})`);
  return ms;
}

function count(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(where, `must be a whole number from ${min} to ${max}`);
  return v;
}

function mode(v: unknown, where: string): BackendMode {
  if (!MODES.includes(v as BackendMode)) fail(where, `must be one of ${MODES.join(', ')}`);
  return v as BackendMode;
}

function domain(v: unknown, where: string): string {
  const d = str(v, where).toLowerCase();
  if (!DOMAIN.test(d)) fail(where, `is not a domain: ${d}`);
  return d;
}

function onlyKeys(o: Json, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where, `unknown field "${k}" (known: ${keys.join(', ')})`);
}

function profile(v: unknown, where: string): StoredProfile {
  const o = obj(v, where);
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(o)) {
    if (!BOUNCE_KEYS.includes(k as BounceKey)) fail(where, `unknown bounce setting "${k}"`);
    const parsed = parseSetting(k as BounceKey, typeof raw === 'boolean' ? (raw ? 'yes' : 'no') : String(raw));
    if ('error' in parsed) fail(`${where}.${k}`, parsed.error);
    out[k] = parsed.value;
  }
  return out as StoredProfile;
}

function setupOf(v: unknown): ScenarioSetup {
  const o = obj(v ?? {}, 'setup');
  onlyKeys(o, ['startAt', 'clockScale', 'backend', 'profiles', 'queueMaxMessages', 'routes', 'accept'], 'setup');
  if (o.startAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(o.startAt))) fail('setup.startAt', 'must be HH:MM (UTC), e.g. "09:00"');
  const routes: Record<string, RouteTarget> = {};
  for (const [d, t] of Object.entries(obj(o.routes ?? {}, 'setup.routes'))) {
    if (t !== 'backend' && t !== 'unreachable') fail(`setup.routes.${d}`, 'must be "backend" or "unreachable"');
    routes[domain(d, 'setup.routes')] = t;
  }
  const profiles: Record<string, StoredProfile> = {};
  for (const [name, p] of Object.entries(obj(o.profiles ?? {}, 'setup.profiles'))) profiles[name] = profile(p, `setup.profiles.${name}`);
  return {
    ...(o.startAt !== undefined ? { startAt: String(o.startAt) } : {}),
    clockScale: o.clockScale === undefined ? 0 : count(o.clockScale, 'setup.clockScale', 0, 1_000_000),
    backend: o.backend === undefined ? 'up' : mode(o.backend, 'setup.backend'),
    profiles,
    ...(o.queueMaxMessages !== undefined ? { queueMaxMessages: count(o.queueMaxMessages, 'setup.queueMaxMessages', 1, 1_000_000) } : {}),
    routes,
    accept: strings(o.accept, 'setup.accept').map((d, i) => domain(d, `setup.accept[${i}]`)),
  };
}

function stepOf(v: unknown, i: number): TimelineStep {
  const where = `timeline[${i}]`;
  const o = obj(v, where);
  const at = duration(o.at, `${where}.at`);
  if ('send' in o) {
    onlyKeys(o, ['at', 'send', 'to'], where);
    return { at, send: count(o.send, `${where}.send`, 1, 500), to: domain(o.to ?? 'example.com', `${where}.to`) };
  }
  if ('backend' in o) {
    onlyKeys(o, ['at', 'backend'], where);
    return { at, backend: mode(o.backend, `${where}.backend`) };
  }
  if ('say' in o) {
    onlyKeys(o, ['at', 'say'], where);
    return { at, say: str(o.say, `${where}.say`) };
  }
  fail(where, 'needs one of "send" (with "to"), "backend" or "say"');
}

function checkOf(v: unknown, i: number): Check {
  const where = `checks[${i}]`;
  if (typeof v === 'string') {
    if (v === 'delivered' || v === 'noBounces' || v === 'queueEmpty' || v === 'delayWarnings') return { kind: v };
    fail(where, `unknown check "${v}"`);
  }
  const o = obj(v, where);
  const [kind, ...more] = Object.keys(o);
  if (more.length > 0 || !kind) fail(where, 'one check per entry');
  const arg = o[kind];
  switch (kind) {
    case 'delivered':
      return { kind, except: domain(obj(arg, `${where}.delivered`).except, `${where}.delivered.except`) };
    case 'deliveredBy':
      return { kind, within: duration(arg, `${where}.deliveredBy`) };
    case 'bounced': {
      const b = obj(arg, `${where}.bounced`);
      onlyKeys(b, ['domain', 'within'], `${where}.bounced`);
      return { kind, domain: domain(b.domain, `${where}.bounced.domain`), ...(b.within !== undefined ? { within: duration(b.within, `${where}.bounced.within`) } : {}) };
    }
    case 'maxQueuedWhileDown':
      return { kind, max: count(arg, `${where}.maxQueuedWhileDown`, 0, 1_000_000) };
    case 'refused':
      if (!/^[45]\d\d$/.test(String(arg))) fail(`${where}.refused`, 'must be a reply code such as "452"');
      return { kind, reply: String(arg) };
    default:
      fail(where, `unknown check "${kind}"`);
  }
}

/** A scenario from its file's text; throws ScenarioFormatError with the first mistake. */
export function parseScenario(name: string, text: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioFormatError(`not valid JSON: ${(e as Error).message}`);
  }
  const o = obj(raw, 'the file');
  onlyKeys(o, ['title', 'teaches', 'briefing', 'goal', 'setup', 'timeline', 'senderRetry', 'judgeAfter', 'jumpStep', 'checks', 'hints'], 'the file');
  const timeline = (Array.isArray(o.timeline) ? o.timeline : fail('timeline', 'must be a list of steps')).map(stepOf).sort((a, b) => a.at - b.at);
  const checks = (Array.isArray(o.checks) && o.checks.length > 0 ? o.checks : fail('checks', 'must list at least one check')).map(checkOf);
  if (!timeline.some((s) => 'send' in s)) fail('timeline', 'sends no mail: add a step { "at": "0m", "send": 10, "to": "example.com" }');
  return {
    name,
    title: str(o.title, 'title'),
    teaches: str(o.teaches, 'teaches'),
    briefing: strings(o.briefing, 'briefing'),
    goal: str(o.goal, 'goal'),
    setup: setupOf(o.setup),
    timeline,
    senderRetry: o.senderRetry === undefined ? 15 * 60_000 : duration(o.senderRetry, 'senderRetry'),
    judgeAfter: o.judgeAfter === undefined ? Math.max(...timeline.map((s) => s.at)) : duration(o.judgeAfter, 'judgeAfter'),
    ...(o.jumpStep !== undefined ? { jumpStep: Math.max(60_000, duration(o.jumpStep, 'jumpStep')) } : {}),
    checks,
    hints: strings(o.hints, 'hints'),
  };
}
