// The line for a command word the registry does not know: the appliance's `Unknown command:`
// (automation looks for it) followed by the nearest commands, if any, and where the list is. Pure.
import type { CommandRegistry } from './command.js';

/** Edits (insert, delete, replace, swap two neighbours) from one word to the other. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Commands the word may have meant: ones it starts (3 letters at least), else ones at most 2 edits away; 3 at most. */
export function nearCommands(word: string, commands: CommandRegistry): string[] {
  const w = word.toLowerCase();
  const names = commands.list.map((c) => c.name);
  const started = w.length >= 3 ? names.filter((n) => n.startsWith(w)) : [];
  if (started.length > 0) return started.slice(0, 3);
  const limit = w.length <= 4 ? 1 : 2;
  return names
    .map((n) => ({ n, d: distance(w, n) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => x.n);
}

export function unknownCommandLine(word: string, commands: CommandRegistry): string {
  const near = nearCommands(word, commands);
  const hint = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
  return `Unknown command: ${word}.${hint} "help" lists every command.`;
}
