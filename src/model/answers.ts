// The one grammar of typed answers, shared by every dialog question and every batch argument:
// integers, yes/no, the `Default` inherit word, list and menu choices, comma lists. Pure.
import { formatCount } from './format-count.js';

export type Parsed<T> = { value: T } | { error: string };

export const UNKNOWN_OPTION = 'Unknown option.';
export const YES_OR_NO = 'Please answer Yes or No.';

// ----- numbers -----

/** Plain digits, or digits grouped by thousands with commas: `1,000` yes; `1,0000`, `1,00`, `,100` no. */
const DIGITS = /^(?:\d+|[1-9]\d{0,2}(?:,\d{3})+)$/;
/** The same, with a fraction: `0.5`, `1,000.25`. */
const DECIMAL = /^(?:\d+|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?$/;

/** The number an answer spells, or undefined. A minus sign only when the range has negatives. */
function readNumber(text: string, grammar: RegExp, negative: boolean): number | undefined {
  let t = text.trim();
  const minus = t.startsWith('-');
  if (minus) {
    if (!negative) return undefined;
    t = t.slice(1);
  }
  if (!grammar.test(t)) return undefined;
  const n = Number(t.replaceAll(',', ''));
  return minus ? 0 - n : n;
}

export const integerRangeError = (min: number, max: number): string => `Value must be an integer from ${formatCount(min)} to ${formatCount(max)}.`;

/** An integer in [min, max]; the refusal names the range. */
export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  const n = readNumber(text, DIGITS, min < 0);
  if (n === undefined || !Number.isSafeInteger(n) || n < min || n > max) return { error: integerRangeError(min, max) };
  return { value: n };
}

/** A number with an optional fraction in [min, max] (a speed, not a count); same separators. */
export function parseDecimal(text: string, min: number, max: number): Parsed<number> {
  const n = readNumber(text, DECIMAL, min < 0);
  if (n === undefined || !Number.isFinite(n) || n < min || n > max) {
    return { error: `Value must be a number from ${formatCount(min)} to ${formatCount(max)}.` };
  }
  return { value: n };
}

// ----- yes / no -----

// The words of AsyncOS (its CLI drivers type `Y`, `N`, `yes`, `no`); nothing else, so a `1`
// typed ahead for a numbered list can never confirm a deletion.
const YES = new Set(['y', 'yes']);
const NO = new Set(['n', 'no']);

/** `Y`, `YES`, `N`, `NO` in any case, at every yes/no question and for every batch yes/no value. */
export function parseYesNo(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (YES.has(t)) return { value: true };
  if (NO.has(t)) return { value: false };
  return { error: YES_OR_NO };
}

/** A yes/no value as a prompt shows it (`[Y]> `) and as it may be typed back. */
export const yesNoText = (value: boolean): string => (value ? 'Y' : 'N');

// ----- the inherit word -----

/** What a value inherited from the Default profile is shown as, and typed as. */
export const INHERIT = 'Default';

/** `D` or `Default` in any case: the setting of a non-Default profile inherits from Default. */
export function isInherit(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === 'd' || t === 'default';
}

// ----- choices -----

/** An item of a list: its word, or several words that all pick it (`['Active Recipients', 'active']`). */
export type ChoiceItem = string | readonly string[];

/**
 * The index of the item an answer picks: its number (1-based) when the list is shown
 * numbered, or any of its words, case-insensitive; undefined for anything else.
 */
export function matchChoice(answer: string, items: readonly ChoiceItem[], numbered = true): number | undefined {
  const a = answer.trim();
  if (numbered) {
    const n = readNumber(a, DIGITS, false);
    if (n !== undefined) return n >= 1 && n <= items.length ? n - 1 : undefined;
  }
  const lower = a.toLowerCase();
  const i = items.findIndex((item) => (typeof item === 'string' ? [item] : item).some((w) => w.toLowerCase() === lower));
  return i >= 0 ? i : undefined;
}

export function parseChoice(answer: string, items: readonly ChoiceItem[], numbered = true): Parsed<number> {
  const i = matchChoice(answer, items, numbered);
  return i === undefined ? { error: UNKNOWN_OPTION } : { value: i };
}

// ----- comma lists -----

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
