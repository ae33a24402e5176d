// `resumedel`: delivery starts again for all or some suspended domains.
import { CommandError, type Command, type CommandIO } from '../../kit/command.js';
import { askDomains, deliverySuspended, domainsArg, resumeDelivering } from './suspension.js';

/**
 * Under `suspenddel ALL` one domain cannot be resumed alone: say so (and change nothing) rather
 * than resume nothing in silence.
 */
function refuseUnderGlobalSuspension(io: CommandIO, domains: string[]): void {
  if (!io.engine.operational().deliverySuspended || domains.includes('ALL')) return;
  throw new CommandError(
    `Delivery is suspended for all domains (suspenddel ALL): ${domains.join(', ')} cannot be resumed alone. Use "resumedel ALL" to resume all delivery.`,
  );
}

export const resumedel: Command = {
  name: 'resumedel',
  summary: 'Resume delivery.',
  help: `resumedel - Resume delivery.

Asks the domains to resume (default ALL; a comma list as for suspenddel); their queued
mail becomes due. With nothing suspended it says so and asks nothing. Under suspenddel ALL
only ALL can be resumed (it says so).

Batch: resumedel <domain[,domain...] | ALL>`,
  argWords: (io) => ['ALL', ...io.engine.operational().suspendedDomains],
  async run(io, args) {
    if (args.length > 0) {
      const domains = domainsArg(args[0]);
      refuseUnderGlobalSuspension(io, domains);
      await resumeDelivering(io, domains);
      return;
    }
    if (!deliverySuspended(io)) {
      io.print('Mail delivery was not suspended.');
      return;
    }
    const domains = await askDomains(io, 'resume');
    refuseUnderGlobalSuspension(io, domains);
    await resumeDelivering(io, domains);
  },
};
