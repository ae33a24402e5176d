// Reading a typed command line: `;` separates commands, words are split on blanks, and
// "double" or 'single' quotes keep blanks (and `;`) inside one word: commit "fixed retries".
import { CommandError } from './command.js';

/** Splits a line into words; quotes group, a backslash escapes the next character (in "...": only `"` and `\`). */
export function tokenize(line: string): string[] {
  return scan(line).words;
}

/** Splits a line at `;` outside quotes; blank pieces are dropped. */
export function splitCommands(line: string): string[] {
  return scan(line)
    .commands.map((c) => c.trim())
    .filter((c) => c !== '');
}

function scan(line: string): { words: string[]; commands: string[] } {
  const words: string[] = [];
  const commands: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  let commandStart = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      // As in a shell, inside "..." a backslash escapes only `"` and itself: `grep -e "\d+"` keeps its regex.
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === ';') {
      commands.push(line.slice(commandStart, i));
      commandStart = i + 1;
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new CommandError(`Unterminated quote (${quote}) in the command line.`);
  if (inWord) words.push(word);
  commands.push(line.slice(commandStart));
  return { words, commands };
}

/** `key=value` arguments of a batch form, keys lower-cased; anything else is an error. */
export function parseAssignments(args: readonly string[]): { key: string; value: string }[] {
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CommandError(`Expected key=value, got "${arg}".`);
    return { key: arg.slice(0, eq).toLowerCase(), value: arg.slice(eq + 1) };
  });
}
