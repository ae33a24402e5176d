// RFC 5321 4.5.1: `RCPT TO:<postmaster>`, with no domain and in any case, must be accepted.
// The appliance has no mailbox of its own, so it relays it to the organisation's postmaster:
// postmaster@ the listener's first plainly accepted RAT domain (a mailbox the backend keeps for
// every domain it serves), else postmaster@ the appliance's host name. Pure.
import type { RatEntry } from '../../model/config.js';

const PLAIN_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

/** The address a bare `postmaster` is queued for; undefined for any other address. */
export function postmasterAddress(address: string, rat: readonly RatEntry[], hostname: string): string | undefined {
  if (address.toLowerCase() !== 'postmaster') return undefined;
  const accepted = rat.find((e) => e.action === 'ACCEPT' && PLAIN_DOMAIN.test(e.pattern));
  return `postmaster@${(accepted?.pattern ?? hostname).toLowerCase()}`;
}
