// What the status bar says, as pure text: the engine's pushed status made to fit one terminal
// line (long labels, else short ones, else the least useful fields left out). How useful a
// field is depends on its value: a suspension, hosts down, a backend down or a filling queue
// stay to the end; listeners and delivery that are simply on leave first.
import type { StatusParams } from '../../src/appliance/control/protocol.js';

/** The pushed status; its sandbox-only fields (clock, backend) are shown when present. */
export type StatusView = StatusParams;

export type Tone = 'normal' | 'good' | 'warn' | 'bad';

export interface StatusSegment {
  text: string;
  tone: Tone;
}

interface Field {
  long: string;
  short: string;
  tone: Tone;
  /** Lower goes first when the line is too narrow. */
  priority: number;
  /** Listeners or delivery simply on: both on fit in one word when the line is narrow. */
  on?: boolean;
}

/** Listeners receiving and delivery on, in one word (before either is left out). */
const ONLINE: Field = { long: 'Online', short: 'Online', tone: 'good', priority: 3 };

export const SEPARATOR = ' │ ';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const count = (n: number) => n.toLocaleString('en-US');

function clockField(clock: { now: number; scale: number }): Field {
  const d = new Date(clock.now);
  const day = `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())}`;
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  const speed = clock.scale === 1 ? '' : clock.scale === 0 ? ' (stopped)' : ` ×${count(clock.scale)}`;
  const shortSpeed = clock.scale === 0 ? ' stopped' : speed;
  return {
    long: `${DAYS[d.getUTCDay()]} ${day} ${time}:${two(d.getUTCSeconds())} UTC${speed}`,
    short: `${day} ${time}${shortSpeed}`,
    tone: 'normal',
    priority: 8,
  };
}

/** The newest alert's message (its subject after `(<class>) `) is cut to these lengths. */
const ALERT_TEXT = { long: 48, short: 24 } as const;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Alerts raised since the session began: the newest one's message (and how many, when more than one). */
function alertField(n: number, last: NonNullable<StatusView['lastAlert']>): Field {
  const message = last.subject.replace(/^[^(]*\([^)]*\) /, '');
  const tone: Tone = last.severity === 'Critical' ? 'bad' : last.severity === 'Warning' ? 'warn' : 'normal';
  return {
    long: `${n > 1 ? `${count(n)} alerts, last: ` : 'Alert: '}${cut(message, ALERT_TEXT.long)}`,
    short: `${n > 1 ? `Alerts ${count(n)}: ` : 'Alert: '}${cut(message, ALERT_TEXT.short)}`,
    tone,
    priority: last.severity === 'Information' ? 5 : 9,
  };
}

function fields(s: StatusView): Field[] {
  const receiving = s.systemStatus === 'Online' || s.systemStatus === 'Delivery suspended';
  const delivering = s.systemStatus === 'Online' || s.systemStatus === 'Receiving suspended';
  const list: Field[] = [
    receiving
      ? { long: 'Listeners receiving', short: 'Recv on', tone: 'good', priority: 3, on: true }
      : { long: 'Listeners suspended', short: 'Recv SUSP', tone: 'warn', priority: 10 },
    delivering
      ? { long: 'Delivery on', short: 'Deliv on', tone: 'good', priority: 3, on: true }
      : { long: 'Delivery suspended', short: 'Deliv SUSP', tone: 'warn', priority: 10 },
    { long: `Active recipients ${count(s.activeRecipients)}`, short: `Active ${count(s.activeRecipients)}`, tone: 'normal', priority: 7 },
    {
      long: `Hosts down ${count(s.hostsDown)}`,
      short: `Down ${count(s.hostsDown)}`,
      tone: s.hostsDown > 0 ? 'bad' : 'normal',
      priority: s.hostsDown > 0 ? 10 : 6,
    },
  ];
  if (s.storageUsedPercent !== undefined) {
    const p = s.storageUsedPercent;
    list.push({ long: `Storage ${p}%`, short: `Stor ${p}%`, tone: p >= 95 ? 'bad' : p >= 80 ? 'warn' : 'normal', priority: p >= 80 ? 10 : 4 });
  }
  if (s.pendingChanges > 0) {
    const n = count(s.pendingChanges);
    list.push({ long: `${n} uncommitted`, short: `${n} uncommitted`, tone: 'warn', priority: 5 });
  }
  if (s.lastAlert && s.alerts) list.push(alertField(s.alerts, s.lastAlert));
  if (s.clock) list.push(clockField(s.clock));
  if (s.warnings) {
    const n = count(s.warnings);
    list.push({ long: `${n} warning${s.warnings === 1 ? '' : 's'} (mail log)`, short: `Warn ${n}`, tone: 'warn', priority: 2 });
  }
  if (s.backend !== undefined) {
    list.push({
      long: `Backend ${s.backend}`,
      short: `Backend ${s.backend}`,
      tone: s.backend === 'up' ? 'good' : 'bad',
      priority: s.backend === 'up' ? 7 : 10,
    });
  }
  return list;
}

const widthOf = (texts: string[]) => texts.reduce((w, t) => w + t.length, 0) + SEPARATOR.length * Math.max(0, texts.length - 1);

/** The status bar's segments for a terminal `width` columns wide (separators not included). */
export function statusSegments(s: StatusView, width: number): StatusSegment[] {
  const all = fields(s);
  for (const form of ['long', 'short'] as const) {
    if (widthOf(all.map((f) => f[form])) <= width) return all.map((f) => ({ text: f[form], tone: f.tone }));
  }
  // Receiving and delivering both on say one thing: one word, so neither is left out alone.
  const kept = all[0].on && all[1].on ? [ONLINE, ...all.slice(2)] : [...all];
  // Leave out the least important fields until the rest fits.
  while (kept.length > 1 && widthOf(kept.map((f) => f.short)) > width) {
    // Of equals, the rightmost goes first.
    const drop = kept.reduce((lowest, f) => (f.priority <= lowest.priority ? f : lowest));
    kept.splice(kept.indexOf(drop), 1);
  }
  return kept.map((f) => ({ text: f.short.slice(0, Math.max(0, width)), tone: f.tone }));
}

/** The status bar as one plain line (tests, and a terminal without colours). */
export function statusLineText(s: StatusView, width: number): string {
  return statusSegments(s, width)
    .map((seg) => seg.text)
    .join(SEPARATOR);
}
