// `delivernow`: every queued recipient (of one domain, or all) is tried now; a host-down
// mark is cleared.
import type { Command } from './command.js';
import { CommandError } from './command.js';
import { askValid, type Parsed } from './dialog.js';
import { parseDomainList } from './suspension.js';

function parseTarget(text: string): Parsed<string> {
  const p = parseDomainList(text);
  if ('error' in p) return p;
  if (p.value.length !== 1 || p.value[0].startsWith('.')) return { error: 'Please enter one domain, or ALL.' };
  return { value: p.value[0] };
}

export const delivernow: Command = {
  name: 'delivernow',
  summary: 'Reschedule messages for immediate delivery.',
  help: `delivernow - Reschedule messages for immediate delivery.

Asks for a recipient domain, or ALL (the default). Every queued recipient for it is
tried at once, without waiting for its retry time, and a host marked down is probed now.

Batch: delivernow [domain | ALL]`,
  argWords: (io) => ['ALL', ...io.engine.scheduler.destinations.keys()],
  async run(io, args) {
    let target: string;
    if (args.length > 0) {
      const p = parseTarget(args.join(' '));
      if ('error' in p) throw new CommandError(p.error);
      target = p.value;
    } else {
      target = await askValid(
        io,
        { label: 'Enter the recipient domain to deliver now, or ALL.', default: 'ALL', choices: ['ALL', ...io.engine.scheduler.destinations.keys()] },
        parseTarget,
      );
    }
    io.blank();
    if (target === 'ALL') {
      io.engine.deliverNow();
      io.print('Rescheduling all messages for immediate delivery.');
    } else if (!io.engine.scheduler.destinations.has(target)) {
      io.print(`There are no messages queued for ${target}.`);
    } else {
      io.engine.deliverNow(target);
      io.print(`Rescheduling all messages to ${target} for immediate delivery.`);
    }
  },
};
