// The recipient access table: which recipient domains a listener accepts mail for, as
// domain patterns (src/domain-pattern.ts): `example.com`, `.example.com` (its subdomains), `ALL`.
import { listMatches } from '../domain-pattern.js';

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).toLowerCase().replace(/\.$/, '');
}

export function ratAccepts(rat: readonly string[], domain: string): boolean {
  return listMatches(rat, domain);
}

/** Matches a domain against the domain lists of suspenddel/resumedel (`[1.2.3.4]` included). */
export function domainListMatches(list: readonly string[], domain: string): boolean {
  return listMatches(list, domain);
}
