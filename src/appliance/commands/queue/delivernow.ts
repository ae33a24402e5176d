// `delivernow`: every queued recipient (of one domain, or all) is tried now; a host-down
// mark is cleared.
import type { Command } from '../../kit/command.js';
import { parsedArg } from '../../kit/command.js';
import { parseChoice, type Parsed } from '../../../model/answers.js';
import { askValid, numberedLines } from '../../kit/dialog.js';
import { parseDomainList } from '../suspension/suspension.js';

function parseTarget(text: string): Parsed<string> {
  const p = parseDomainList(text);
  if ('error' in p) return p;
  if (p.value.length !== 1 || p.value[0].startsWith('.')) return { error: 'Please enter one domain, or ALL.' };
  return { value: p.value[0] };
}

/** The appliance's menu; each item is also picked by its word. */
const MENU = ['By recipient domain', 'All messages'];
const MENU_CHOICES = [
  [MENU[0], 'domain'],
  [MENU[1], 'all'],
];

/** At the menu: an item, or (a shortcut) the domain itself. */
function parseMenu(text: string): Parsed<string | undefined> {
  const p = parseChoice(text, MENU_CHOICES);
  if (!('error' in p)) return { value: p.value === 1 ? 'ALL' : undefined };
  if (!/[a-z]/i.test(text)) return p;
  const d = parseTarget(text);
  return 'error' in d ? p : d;
}

export const delivernow: Command = {
  name: 'delivernow',
  summary: 'Reschedule messages for immediate delivery.',
  help: `delivernow - Reschedule messages for immediate delivery.

Asks whether to deliver the mail of one recipient domain (then which) or all messages
(the default). Every queued recipient for it is tried at once, without waiting for its
retry time, and a host marked down is probed now. No confirmation.

Batch: delivernow [domain | ALL]`,
  argWords: (io) => ['ALL', ...io.engine.knownDomains()],
  async run(io, args) {
    let target: string;
    if (args.length > 0) {
      target = parsedArg(parseTarget(args.join(' ')));
    } else {
      const label = ['Please choose an option for scheduling immediate delivery.', ...numberedLines(MENU)].join('\n');
      const picked = await askValid(io, { label, default: '2', choices: ['domain', 'all'] }, parseMenu);
      target =
        picked ??
        (await askValid(io, { label: 'Please enter the recipient domain to schedule for immediate delivery.', choices: io.engine.knownDomains() }, (a) =>
          a === '' ? { error: 'You must enter a domain.' } : parseTarget(a),
        ));
    }
    io.blank();
    if (target === 'ALL') {
      io.engine.deliverNow();
      io.print('Rescheduling all messages for immediate delivery.');
    } else if (!io.engine.knownDomains().includes(target)) {
      io.print(`There are no messages queued for ${target}.`);
    } else {
      io.engine.deliverNow(target);
      io.print(`Rescheduling all messages to ${target} for immediate delivery.`);
    }
  },
};
