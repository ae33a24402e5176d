// Operator redirects (`redirectrecipients`): a queued domain's mail goes to another host instead
// of its route, for as long as the domain has mail queued. Kept in the operational state.
import type { HostPort, OperationalState } from '../../model/config.js';
import type { Destination } from './destination.js';

export class Redirects {
  constructor(
    readonly operational: () => OperationalState,
    /** The scheduler's destinations by domain (how much each has queued). */
    readonly destinations: ReadonlyMap<string, Destination>,
  ) {}

  /** The host a domain's mail is redirected to, if any. */
  of(domain: string): HostPort | undefined {
    const r = this.operational().redirects.find((x) => x.domain === domain);
    return r ? { host: r.host, port: r.port } : undefined;
  }

  /** Where a connection for the domain goes instead of its route: a redirect ends once its domain has no mail queued. */
  forConnection(domain: string): HostPort | undefined {
    const target = this.of(domain);
    if (target && (this.destinations.get(domain)?.counters.activeRecipients ?? 0) === 0) {
      const op = this.operational();
      op.redirects = op.redirects.filter((x) => x.domain !== domain);
      return undefined;
    }
    return target;
  }

  /** The domains that have mail queued now, all redirected to `target` (replacing earlier redirects of them). */
  redirectQueued(target: HostPort): string[] {
    const domains = [...this.destinations.values()].filter((d) => d.counters.activeRecipients > 0).map((d) => d.domain);
    if (domains.length === 0) return domains;
    const op = this.operational();
    const kept = op.redirects.filter((r) => !domains.includes(r.domain));
    op.redirects = [...kept, ...domains.map((domain) => ({ domain, host: target.host, port: target.port }))];
    return domains;
  }
}
