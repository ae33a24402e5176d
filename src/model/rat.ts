// The recipient access table: which recipients a Public listener accepts (ACCEPT) or refuses
// (REJECT, with an optional custom reply). Entries are domain patterns (src/model/domain-pattern.ts:
// `example.com`, `.example.com`, `[1.2.3.4]`, `ALL`), full addresses (`joe@example.com`) or
// user names (`postmaster@`). The most specific matching entry decides; none matching: rejected. Pure.
import type { RatEntry } from './config.js';
import { DomainPattern, listMatches, normalizeDomain } from './domain-pattern.js';
import { ParsedLists } from './parsed-lists.js';

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).toLowerCase().replace(/\.$/, '');
}

/** Whether a list of accepted domain patterns accepts the domain (the RAT's ACCEPT-only form). */
export function ratAccepts(rat: readonly string[], domain: string): boolean {
  return listMatches(rat, domain);
}

/** Matches a domain against the domain lists of suspenddel/resumedel (`[1.2.3.4]` included). */
export function domainListMatches(list: readonly string[], domain: string): boolean {
  return listMatches(list, domain);
}

// ----- patterns -----

/** The refusal of a pattern that is none of the forms (the appliance's wording, then the forms). */
export const RAT_PATTERN_ERROR =
  'A Recipient Access Table address can be one of the following: a hostname (example.com), a partial hostname (.example.com), a user name (postmaster@), a full address (joe@example.com or joe@[1.2.3.4]), an address literal ([1.2.3.4]) or ALL.';

// A local part as RAT entries use it: dot-atom characters, no blanks, no second `@`.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;

type Compiled = { kind: 'address'; local: string; domain: DomainPattern } | { kind: 'user'; local: string } | { kind: 'domain'; domain: DomainPattern };

function compilePattern(text: string): Compiled | undefined {
  const t = text.trim().toLowerCase();
  const at = t.lastIndexOf('@');
  if (at < 0) {
    const d = DomainPattern.parse(t);
    return 'value' in d ? { kind: 'domain', domain: d.value } : undefined;
  }
  const local = t.slice(0, at);
  if (!LOCAL.test(local)) return undefined;
  if (at === t.length - 1) return { kind: 'user', local };
  const d = DomainPattern.parse(t.slice(at + 1));
  if (!('value' in d) || (d.value.kind !== 'exact' && d.value.kind !== 'literal')) return undefined;
  return { kind: 'address', local, domain: d.value };
}

/** A pattern typed by a user, in the form it is stored (lower case; `ALL` in capitals). */
export function parseRatPattern(text: string): { value: string } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'Please enter a value.' };
  const c = compilePattern(t);
  if (!c) return { error: RAT_PATTERN_ERROR };
  if (c.kind === 'domain') return { value: c.domain.toString() };
  if (c.kind === 'user') return { value: `${c.local}@` };
  return { value: `${c.local}@${c.domain.toString()}` };
}

/** Same entry? Patterns compare case-insensitively. */
export const samePattern = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

// ----- matching -----

/** Above any domain pattern's specificity (at most 1,000). */
const USER_SCORE = 2_000;
const ADDRESS_SCORE = 3_000;

function score(c: Compiled, local: string, domain: string): number {
  switch (c.kind) {
    case 'address':
      return c.local === local && c.domain.matchesNormalized(domain) ? ADDRESS_SCORE : -1;
    case 'user':
      return c.local === local ? USER_SCORE : -1;
    default:
      return c.domain.matchesNormalized(domain) ? c.domain.specificity : -1;
  }
}

const tables = new ParsedLists(compilePattern);

/** The entry that decides for a recipient address: the most specific match, the first of equals. */
export function ratLookup(table: readonly RatEntry[], address: string): RatEntry | undefined {
  const at = address.lastIndexOf('@');
  const local = (at >= 0 ? address.slice(0, at) : '').toLowerCase();
  const domain = normalizeDomain(at >= 0 ? address.slice(at + 1) : address);
  const entries = tables.of(table, (e) => e.pattern);
  let best: RatEntry | undefined;
  let bestScore = -1;
  for (let i = 0; i < table.length; i++) {
    const c = entries[i];
    const s = c ? score(c, local, domain) : -1;
    if (s > bestScore) {
      best = table[i];
      bestScore = s;
    }
  }
  return best;
}
