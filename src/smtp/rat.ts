// The recipient access table: which recipient domains a listener accepts mail for.
// `example.com` matches the domain itself, `.example.com` its subdomains, `ALL` anything.

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).toLowerCase().replace(/\.$/, '');
}

export function ratAccepts(rat: readonly string[], domain: string): boolean {
  const d = domain.toLowerCase();
  for (const raw of rat) {
    const entry = raw.trim().toLowerCase();
    if (entry === 'all') return true;
    if (entry.startsWith('.')) {
      if (d.endsWith(entry)) return true;
    } else if (d === entry) {
      return true;
    }
  }
  return false;
}

/** Matches a domain against the domain lists of suspenddel/resumedel (`[1.2.3.4]` included). */
export function domainListMatches(list: readonly string[], domain: string): boolean {
  return ratAccepts(list, domain);
}
