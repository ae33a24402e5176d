// `suspenddel`: stop delivery for all or some recipient domains; queued mail waits.
import type { Command } from '../../kit/command.js';
import { askCloseDelay, askDomains, closeDelayArg, domainsArg, suspendDelivering } from './suspension.js';

export const suspenddel: Command = {
  name: 'suspenddel',
  summary: 'Suspend delivery.',
  help: `suspenddel - Suspend delivery.

Asks how many seconds deliveries in progress may take (default 30), then the domains
(default ALL; a comma list of example.com, .example.com for its subdomains, [1.2.3.4]).
Queued mail for them waits: nothing is attempted and nothing bounces meanwhile.
Undo with "resumedel". No commit needed.

Batch: suspenddel <domain[,domain...] | ALL> [seconds]`,
  argWords: () => ['ALL'],
  async run(io, args) {
    if (args.length > 0) {
      await suspendDelivering(io, domainsArg(args[0]), closeDelayArg(args[1]));
      return;
    }
    const delay = await askCloseDelay(io);
    const domains = await askDomains(io, 'suspend');
    await suspendDelivering(io, domains, delay);
  },
};
