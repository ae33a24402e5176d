// Tab completion at the main prompt: command names for the first word, then the words a
// command declares (`bounceconfig new`, `bounceconfig edit <profile>`, `status detail`, `help <command>`).
import type { CommandIO } from './command.js';

export function completeLine(line: string, io: Pick<CommandIO, 'engine' | 'pending' | 'commands'>): string[] {
  const words = line.trimStart().split(/\s+/);
  const partial = (words.pop() ?? '').toLowerCase();
  let candidates: readonly string[];
  if (words.length === 0) {
    candidates = io.commands.list.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  } else if (words.length === 1) {
    candidates = io.commands.find(words[0])?.argWords?.(io) ?? [];
  } else {
    candidates = io.commands.find(words[0])?.laterWords?.(io, words.slice(1)) ?? [];
  }
  return [...new Set(candidates.filter((c) => c.toLowerCase().startsWith(partial)))].sort();
}
