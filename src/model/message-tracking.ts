// Message tracking over the mail log (`findevent`): which messages a search finds — by MID, by
// envelope sender, envelope recipient or subject (a regular expression) — and which log lines
// tell their whole story: the lines of the message (and of the notices generated for it), and
// the lines of its injection and delivery connections that name no other message. Pure: fed
// one log line at a time, oldest first.

export type SearchKind = 'from' | 'mid' | 'subject' | 'to';

export interface Search {
  kind: SearchKind;
  /** For `mid`. */
  mid?: number;
  /** For `from`, `to`, `subject`: a compiled pattern (the front end compiles it in linear time). */
  pattern?: { test(text: string): boolean };
}

/** One message found, for the list a search with several results asks from. */
export interface Found {
  mid: number;
  /** The log date of its first line. */
  at?: string;
  from?: string;
  to: string[];
  subject?: string;
}

const DATE = /^(\w{3} \w{3} \d{1,2} \d{2}:\d{2}:\d{2} \d{4})/;
const FROM = /\bMID (\d+) ICID \d+ From: <([^>]*)>/;
const TO = /\bMID (\d+) ICID \d+ RID \d+ To: <([^>]*)>/;
const SUBJECT = /\bMID (\d+) Subject '(.*)'$/;
const START = /\bStart MID (\d+) ICID (\d+)\b/;
const GENERATED = /\bMID (\d+) was generated for .* of MID (\d+)\b/;
const DELIVERY = /\bDCID (\d+) MID (\d+)\b/;
const ANY_MID = /\bMID (\d+)\b/g;

/** First pass: the messages a search finds, with what the list shows of them. */
export class Finder {
  readonly found = new Map<number, Found>();

  constructor(readonly search: Search) {}

  line(line: string): void {
    const { kind, mid, pattern } = this.search;
    const m = /\bMID (\d+)\b/.exec(line);
    if (!m) return;
    const n = Number(m[1]);
    const from = FROM.exec(line);
    const to = TO.exec(line);
    const subject = SUBJECT.exec(line);
    const hit =
      (kind === 'mid' && n === mid) ||
      (kind === 'from' && from !== null && pattern!.test(from[2])) ||
      (kind === 'to' && to !== null && pattern!.test(to[2])) ||
      (kind === 'subject' && subject !== null && pattern!.test(subject[2]));
    if (hit && !this.found.has(n)) this.found.set(n, { mid: n, at: DATE.exec(line)?.[1], to: [] });
    const f = this.found.get(n);
    if (!f) return;
    if (from) f.from = from[2];
    if (to) f.to.push(to[2]);
    if (subject) f.subject = subject[2];
  }
}

/** The list line of a message found. */
export function foundLine(f: Found): string {
  const to = f.to.length > 2 ? `${f.to.slice(0, 2).join(', ')} and ${f.to.length - 2} more` : f.to.join(', ');
  return `MID ${f.mid}${f.at ? ` (${f.at})` : ''} From: <${f.from ?? ''}> To: ${to || '(none)'}${f.subject !== undefined ? ` Subject: '${f.subject}'` : ''}`;
}

/**
 * The story of some messages, in two passes over the same lines: `learn` sees every line and
 * finds the connections and the generated notices; `keep` then says which lines to show.
 */
export class Story {
  readonly mids: Set<number>;
  readonly #icids = new Set<number>();
  readonly #dcids = new Set<number>();

  constructor(mids: Iterable<number>) {
    this.mids = new Set(mids);
  }

  learn(line: string): void {
    const generated = GENERATED.exec(line);
    if (generated && this.mids.has(Number(generated[2]))) this.mids.add(Number(generated[1]));
    const start = START.exec(line);
    if (start && this.mids.has(Number(start[1]))) this.#icids.add(Number(start[2]));
    const delivery = DELIVERY.exec(line);
    if (delivery && this.mids.has(Number(delivery[2]))) this.#dcids.add(Number(delivery[1]));
  }

  keep(line: string): boolean {
    const named = [...line.matchAll(ANY_MID)].map((m) => Number(m[1]));
    if (named.some((mid) => this.mids.has(mid))) return true;
    if (named.length > 0) return false;
    const icid = /\bICID (\d+)\b/.exec(line);
    if (icid && this.#icids.has(Number(icid[1]))) return true;
    const dcid = /\bDCID (\d+)\b/.exec(line);
    return dcid !== null && this.#dcids.has(Number(dcid[1]));
  }
}

/** `1,3` or `1-2` (or both, `1-2,4`): which of `count` log files, 0-based, in order; an error for anything else. */
export function parseFileSelection(text: string, count: number): { value: number[] } | { error: string } {
  const picked = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    const first = m ? Number(m[1]) : NaN;
    const last = m?.[2] !== undefined ? Number(m[2]) : first;
    if (!m || first < 1 || last > count || first > last)
      return { error: `Choose log files from 1 to ${count}: numbers separated by commas, or a range with a dash (1-3).` };
    for (let i = first; i <= last; i++) picked.add(i - 1);
  }
  return { value: [...picked].sort((a, b) => a - b) };
}
