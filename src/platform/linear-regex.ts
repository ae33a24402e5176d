// User-supplied regular expressions (grep, findevent) compiled by re2js, a linear-time engine
// with RE2 semantics: no pattern can make a match take more than time linear in the line, so a
// guest's `(x+x+)+y` cannot stall the engine's one thread. The one file that imports re2js.
import { RE2JS } from 're2js';
import { LibraryShapeError } from './library-shape.js';

/** The range package.json pins re2js to (a contract test keeps the two equal). */
export const RE2JS_PIN = '~2.10.0';

/** A compiled pattern: does it match somewhere in the line. */
export interface LinePattern {
  test(line: string): boolean;
  readonly source: string;
}

/** A pattern re2js refuses: its one-line reason. */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

let checked = false;

/** re2js's reason, in one line: `missing closing )`, `invalid or unsupported Perl syntax: (?=`. */
function reason(e: unknown): string {
  const { error, input } = e as { error?: unknown; input?: unknown };
  const text = typeof error === 'string' ? (typeof input === 'string' && input !== '' ? `${error}: ${input}` : error) : String((e as Error)?.message);
  return text.split('\n')[0].replace(/^error parsing regexp: /, '');
}

/** Stops with one line when the installed re2js lacks what `compileLinePattern` uses. */
export function checkRe2jsShape(): void {
  if (checked) return;
  const lib = RE2JS as unknown as Record<string, unknown>;
  if (typeof lib?.compile !== 'function') throw new LibraryShapeError('re2js', 'RE2JS.compile', RE2JS_PIN);
  if (typeof lib.CASE_INSENSITIVE !== 'number') throw new LibraryShapeError('re2js', 'RE2JS.CASE_INSENSITIVE', RE2JS_PIN);
  if (typeof lib.translateRegExp !== 'function') throw new LibraryShapeError('re2js', 'RE2JS.translateRegExp', RE2JS_PIN);
  if (typeof (RE2JS.compile('a') as unknown as Record<string, unknown>).test !== 'function') throw new LibraryShapeError('re2js', 'RE2JS#test', RE2JS_PIN);
  checked = true;
}

/**
 * Compiles a pattern written in the usual (JavaScript / Perl) syntax. What RE2 cannot do in
 * linear time (backreferences, lookahead and lookbehind) is refused with one line, e.g.
 * `Invalid regular expression: /(?=x)/: invalid or unsupported Perl syntax: (?=`.
 */
export function compileLinePattern(source: string, ignoreCase: boolean): LinePattern {
  checkRe2jsShape();
  let re: RE2JS;
  try {
    // JavaScript's `(?<name>...)` and `\u00e9` written the way RE2 reads them.
    re = RE2JS.compile(RE2JS.translateRegExp(source), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    throw new PatternError(`Invalid regular expression: /${source}/: ${reason(e)}`);
  }
  return { source, test: (line) => re.test(line) };
}
