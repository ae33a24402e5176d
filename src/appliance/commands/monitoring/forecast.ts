// `forecast` (esa-sim's own, not an AsyncOS command): if the destinations stay down, when does
// storage fill and when does the queued mail bounce, per bounce profile — as a short timeline.
import { formatApplianceDate } from '../../../model/format-date.js';
import { forecast as compute, type Forecast } from '../../../model/forecast.js';
import { formatDuration } from '../../../sandbox/duration.js';
import type { Command } from '../../kit/command.js';

const when = (now: number, at: number) => `${formatApplianceDate(at)} (in ${formatDuration(Math.max(0, at - now))})`;

export function forecastLines(f: Forecast): string[] {
  const out = [`Forecast if the destinations stay down (esa-sim, not an AsyncOS command), now ${formatApplianceDate(f.now)} UTC:`, ''];
  if (f.total === 0 && !f.storageFull) return [...out, 'The queue is empty and no mail is arriving: nothing will bounce.'];
  const events: { at: number; text: string }[] = [];
  if (f.storageFull) {
    events.push({
      at: f.storageFull.at,
      text: `storage full (${f.storageFull.limit}) at the measured ${f.storageFull.rate} messages/hour: senders get 452 4.3.1 and keep their mail`,
    });
  }
  for (const p of f.profiles) {
    const mark = p.dsns ? ` (${p.dsns} of them DSNs: dropped, nobody is told)` : '';
    if (p.firstWarning !== undefined)
      events.push({ at: p.firstWarning, text: `first delay warning to a sender (profile ${p.profile}; ${p.warnings} recipient(s) will get one)` });
    if (p.firstBounce === p.lastBounce)
      events.push({
        at: p.firstBounce,
        text: `${p.recipients} recipient(s) bounce (profile ${p.profile}, queue lifetime ${formatDuration(p.lifetime)})${mark}`,
      });
    else {
      events.push({ at: p.firstBounce, text: `first bounce (profile ${p.profile}, queue lifetime ${formatDuration(p.lifetime)})` });
      events.push({ at: p.lastBounce, text: `last bounce of profile ${p.profile}: ${p.recipients} recipient(s) in all${mark}` });
    }
  }
  events.sort((a, b) => a.at - b.at);
  const width = Math.max(...events.map((e) => when(f.now, e.at).length));
  for (const e of events) out.push(`  ${when(f.now, e.at).padEnd(width)}  ${e.text}`);
  out.push('');
  if (f.total > 0) {
    const within = Math.max(...f.profiles.map((p) => p.checkedWithin));
    out.push(
      `${f.total} recipient(s) queued. A down host's mail bounces when it expires, at most ${formatDuration(within)} after the time shown (for a big queue).`,
    );
  }
  if (!f.storageFull) out.push('No mail arrived in the last 15 minutes: storage is not filling.');
  return out;
}

export const forecast: Command = {
  name: 'forecast',
  access: 'look',
  summary: 'esa-sim only: when queued mail bounces if the destinations stay down.',
  help: `forecast - esa-sim's own command (not AsyncOS): the queue's future if the
destinations stay down.

A short timeline from the real queue: when storage fills and senders get 452 (from the
arrival rate of the last 15 minutes and the queue's limits), when the first delay warnings
go out, and when the first and the last queued recipients bounce, per bounce profile (from
each recipient's arrival, attempts and profile: the destination's, else its listener's).

Batch: forecast`,
  maxArgs: 0,
  async run(io) {
    io.print(...forecastLines(compute(await io.engine.forecastSnapshot())));
  },
};
