// The shared pieces of every command dialog: one ask / validate / ask-again loop, and the
// question kinds built on it (number in a range, yes/no, text, menu, numbered list, comma
// list). A bad answer prints why and asks again; it never ends or half-applies a dialog.
// What an answer means is answers.ts's alone: this file only asks.
import { parseChoice, parseCommaList, parseInteger, parseYesNo, yesNoText, type Parsed } from '../../model/answers.js';
import type { CommandIO } from './command.js';

interface AskSpec {
  label: string;
  /** Text taken for an empty answer (and shown in brackets). */
  default?: string;
  choices?: string[];
  /** A passphrase: typed blind (see Question.secret). */
  secret?: boolean;
  /** The prompt line instead of `[default]> ` (see Question.prompt). */
  prompt?: string;
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

export function askInteger(io: CommandIO, label: string, range: { min: number; max: number; default?: number }): Promise<number> {
  return askValid(io, { label, default: range.default === undefined ? undefined : String(range.default) }, (a) => parseInteger(a, range.min, range.max));
}

// ----- yes / no -----

export function askYesNo(io: CommandIO, label: string, defaultValue: boolean): Promise<boolean> {
  return askValid(io, { label, default: yesNoText(defaultValue), choices: ['Yes', 'No'] }, parseYesNo);
}

// ----- text -----

/**
 * Free text; `check` returns the reason an answer is refused. An empty answer without a default
 * is ''. `secret`: a passphrase, typed blind.
 */
export function askText(
  io: CommandIO,
  label: string,
  options: { default?: string; check?: (text: string) => string | undefined; secret?: boolean; prompt?: string } = {},
): Promise<string> {
  const extra = { ...(options.secret ? { secret: true } : {}), ...(options.prompt !== undefined ? { prompt: options.prompt } : {}) };
  return askValid<string>(io, { label, default: options.default, ...extra }, (a) => {
    const error = options.check?.(a);
    return error ? { error } : { value: a };
  });
}

// ----- menus and lists -----

export interface MenuOption {
  word: string;
  description: string;
}

/** The appliance's menu words this simulator does not model: each is answered with `why(WORD)`, then the menu again. */
export interface Unmodelled {
  words: readonly string[];
  why(word: string): string;
}

/** `- NEW - Create a new profile.` lines; an empty answer leaves (undefined). */
export function askMenu(io: CommandIO, label: string, options: readonly MenuOption[], unmodelled?: Unmodelled): Promise<string | undefined> {
  const lines = [label, ...options.map((o) => `- ${o.word} - ${o.description}`)];
  return askValid(io, { label: lines.join('\n'), choices: options.map((o) => o.word) }, (a) => {
    if (a === '') return { value: undefined };
    // The menu is shown without numbers: it is picked by word only.
    const p = parseChoice(
      a,
      options.map((o) => o.word),
      false,
    );
    if ('value' in p) return { value: options[p.value].word };
    const word = a.toUpperCase();
    return unmodelled?.words.includes(word) ? { error: unmodelled.why(word) } : p;
  });
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
  return askValid<number | undefined>(io, { label: text, default: def, choices: [...items] }, (a) => {
    if (a === '') return { value: undefined };
    const p = parseChoice(a, items);
    if ('error' in p) return p;
    const refused = options.refuse?.(p.value);
    return refused ? { error: refused } : p;
  });
}

/** Several items of a numbered list, `1, 3` or names, separated by commas. */
export function askNumberedMany(io: CommandIO, label: string, items: readonly string[], defaultIndex: number): Promise<number[]> {
  const text = [label, 'Separate multiple entries with commas.', ...numberedLines(items)].join('\n');
  return askValid<number[]>(io, { label: text, default: String(defaultIndex + 1), choices: [...items] }, (a) =>
    parseCommaList<number>(a, (item) => parseChoice(item, items)),
  );
}
