// `resumedel`: delivery starts again for all or some suspended domains.
import type { Command } from './command.js';
import { askDomains, deliverySuspended, domainsArg, resumeDelivering } from './suspension.js';

export const resumedel: Command = {
  name: 'resumedel',
  summary: 'Resume delivery.',
  help: `resumedel - Resume delivery.

Asks the domains to resume (default ALL; a comma list as for suspenddel); their queued
mail becomes due. With nothing suspended it says so and asks nothing.

Batch: resumedel <domain[,domain...] | ALL>`,
  argWords: (io) => ['ALL', ...io.engine.operational().suspendedDomains],
  async run(io, args) {
    if (args.length > 0) {
      await resumeDelivering(io, domainsArg(args[0]));
      return;
    }
    if (!deliverySuspended(io)) {
      io.print('Mail delivery was not suspended.');
      return;
    }
    await resumeDelivering(io, await askDomains(io, 'resume'));
  },
};
