// A live line for a wait longer than a second: drawn at once and redrawn every second in place
// (io.progress) in the interactive shell, so the user sees what is awaited and for how long.
// Batch and -c show nothing of it. The caller stops it when the wait ends.
import type { CommandIO } from './command.js';

export const LIVE_LINE_EVERY_MS = 1_000;

/** Starts the live line; returns the function that stops it (the next print replaces it). */
export function liveLine(io: Pick<CommandIO, 'interactive' | 'progress'>, render: () => string): () => void {
  if (!io.interactive) return () => undefined;
  io.progress(render());
  const timer = setInterval(() => io.progress(render()), LIVE_LINE_EVERY_MS);
  return () => clearInterval(timer);
}
