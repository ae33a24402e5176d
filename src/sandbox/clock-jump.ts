// How a clock jump (`sim clock +<duration>`) shows itself at the prompt: the simulated time it
// has reached, drawn in place while the engine's timers play in order, and what it did in words.
import type { CommandIO } from '../appliance/kit/command.js';
import { wrapLine } from '../appliance/kit/wrap-text.js';
import type { PlayOptions, PlayReport } from '../model/clock.js';
import { formatApplianceDate } from '../model/format-date.js';
import { formatDuration } from './duration.js';
import { JUMP_WALL_BUDGET_MS } from './sandbox.js';

/** Wall ms between two redraws of the time reached. */
const REDRAW_EVERY_MS = 100;

/** The jump's options for a command: Ctrl-C stops it, and the time reached is drawn in place. */
export function jumpShown(io: CommandIO, now: number, target: number): PlayOptions {
  const shown = (at: number) => `Time passing: ${formatApplianceDate(at)} UTC, ${formatDuration(Math.max(0, target - at))} to go (Ctrl-C stops)`;
  io.progress(shown(now));
  let drawn = 0;
  return {
    signal: io.signal,
    onStep: (at) => {
      const wall = Date.now();
      if (wall - drawn < REDRAW_EVERY_MS) return;
      drawn = wall;
      io.progress(shown(at));
    },
  };
}

/** What a jump did, wrapped to the terminal (80 columns when not known). */
export function jumpLines(report: PlayReport, columns: number | undefined): string[] {
  return jumpReport(report).flatMap((l) => wrapLine(l, columns ?? 80));
}

/** What a jump did: how far the clock moved, and where it stopped playing timers in order. */
function jumpReport(report: PlayReport): string[] {
  const asked = formatDuration(report.target - report.from);
  if (report.stopped === 'interrupted') return [`The clock stopped (Ctrl-C) after ${formatDuration(report.playedTo - report.from)} of ${asked}.`];
  const lines = [`The clock moved ahead ${asked}.`];
  if (report.stopped === 'budget')
    lines.push(
      `Timers played in order up to ${formatApplianceDate(report.playedTo)} UTC; then the jump reached its limit of ${JUMP_WALL_BUDGET_MS / 1000} s of real time and the rest passed at once.`,
    );
  return lines;
}
