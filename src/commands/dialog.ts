// The shared pieces of every command dialog: one ask / validate / ask-again loop, and the
// question kinds built on it (number in a range, yes/no, text, menu, numbered list, comma
// list). A bad answer prints why and asks again; it never ends or half-applies a dialog.
import { formatCount } from '../bounce/profile.js';
import type { CommandIO } from './command.js';

export type Parsed<T> = { value: T } | { error: string };

export const UNKNOWN_OPTION = 'Unknown option.';

interface AskSpec {
  label: string;
  /** Text taken for an empty answer (and shown in brackets). */
  default?: string;
  choices?: string[];
}

/** Asks until `parse` accepts the answer (the default replaces an empty one). */
export async function askValid<T>(io: CommandIO, spec: AskSpec, parse: (answer: string) => Parsed<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    io.blank();
    const raw = (await io.ask({ ...spec, attempt })).trim();
    const parsed = parse(raw === '' && spec.default !== undefined ? spec.default : raw);
    if ('value' in parsed) return parsed.value;
    io.blank();
    io.print(parsed.error);
  }
}

// ----- numbers -----

export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  const n = /^-?\d{1,3}(,\d{3})+$|^-?\d+$/.test(t) ? Number(t.replace(/,/g, '')) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    return { error: `Value must be an integer from ${formatCount(min)} to ${formatCount(max)}.` };
  }
  return { value: n };
}

export function askInteger(io: CommandIO, label: string, range: { min: number; max: number; default?: number }): Promise<number> {
  return askValid(io, { label, default: range.default === undefined ? undefined : String(range.default) }, (a) =>
    parseInteger(a, range.min, range.max),
  );
}

// ----- yes / no -----

export function parseYesNo(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (t === 'y' || t === 'yes') return { value: true };
  if (t === 'n' || t === 'no') return { value: false };
  return { error: 'Please answer Yes or No.' };
}

export const yesNoDefault = (value: boolean): string => (value ? 'Y' : 'N');

export function askYesNo(io: CommandIO, label: string, defaultValue: boolean): Promise<boolean> {
  return askValid(io, { label, default: yesNoDefault(defaultValue), choices: ['Yes', 'No'] }, parseYesNo);
}

// ----- text -----

/** Free text; `check` returns the reason an answer is refused. An empty answer without a default is ''. */
export function askText(io: CommandIO, label: string, options: { default?: string; check?: (text: string) => string | undefined } = {}): Promise<string> {
  return askValid<string>(io, { label, default: options.default }, (a) => {
    const error = options.check?.(a);
    return error ? { error } : { value: a };
  });
}

// ----- menus and lists -----

export interface MenuOption {
  word: string;
  description: string;
}

/** `- NEW - Create a new profile.` lines; an empty answer leaves (undefined). */
export function askMenu(io: CommandIO, label: string, options: readonly MenuOption[]): Promise<string | undefined> {
  const lines = [label, ...options.map((o) => `- ${o.word} - ${o.description}`)];
  return askValid(io, { label: lines.join('\n'), choices: options.map((o) => o.word) }, (a) => {
    if (a === '') return { value: undefined };
    const hit = options.find((o) => o.word.toLowerCase() === a.toLowerCase());
    return hit ? { value: hit.word } : { error: UNKNOWN_OPTION };
  });
}

/** An item of a numbered list by its number or its text (case-insensitive); its index. */
export function matchNumbered(answer: string, items: readonly string[]): number | undefined {
  const a = answer.trim();
  if (/^\d+$/.test(a)) {
    const n = Number(a);
    return n >= 1 && n <= items.length ? n - 1 : undefined;
  }
  const i = items.findIndex((item) => item.toLowerCase() === a.toLowerCase());
  return i >= 0 ? i : undefined;
}

export const numberedLines = (items: readonly string[]): string[] => items.map((item, i) => `${i + 1}. ${item}`);

/**
 * Picks one item of a numbered list. With `defaultIndex` an empty answer picks it; without,
 * an empty answer leaves (undefined). `refuse` may turn down a valid pick with a reason.
 */
export function askNumbered(
  io: CommandIO,
  label: string,
  items: readonly string[],
  options: { defaultIndex?: number; showList?: boolean; refuse?: (index: number) => string | undefined } = {},
): Promise<number | undefined> {
  const text = options.showList === false ? label : [label, ...numberedLines(items)].join('\n');
  const def = options.defaultIndex === undefined ? undefined : String(options.defaultIndex + 1);
  return askValid(io, { label: text, default: def, choices: [...items] }, (a) => {
    if (a === '') return { value: undefined };
    const i = matchNumbered(a, items);
    if (i === undefined) return { error: UNKNOWN_OPTION };
    const refused = options.refuse?.(i);
    return refused ? { error: refused } : { value: i };
  });
}

/** Splits a comma list; blank entries are dropped. */
export function splitCommaList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses every entry of a comma list, or the first entry's error. */
export function parseCommaList<T>(text: string, parseItem: (item: string) => Parsed<T>): Parsed<T[]> {
  const items = splitCommaList(text);
  if (items.length === 0) return { error: 'Please enter at least one entry.' };
  const values: T[] = [];
  for (const item of items) {
    const p = parseItem(item);
    if ('error' in p) return p;
    values.push(p.value);
  }
  return { value: values };
}

/** Several items of a numbered list, `1, 3` or names, separated by commas. */
export function askNumberedMany(io: CommandIO, label: string, items: readonly string[], defaultIndex: number): Promise<number[]> {
  const text = [label, 'Separate multiple entries with commas.', ...numberedLines(items)].join('\n');
  return askValid<number[]>(io, { label: text, default: String(defaultIndex + 1), choices: [...items] }, (a) =>
    parseCommaList<number>(a, (item) => {
      const i = matchNumbered(item, items);
      return i === undefined ? { error: UNKNOWN_OPTION } : { value: i };
    }),
  );
}
