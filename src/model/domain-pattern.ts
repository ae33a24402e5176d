// Domain patterns, the one syntax of the recipient access table, SMTP routes, destination
// settings and suspenddel/resumedel: `example.com`, `.example.com`, `ALL`, `[1.2.3.4]`. Pure.
//
// `.example.com` matches the subdomains of example.com only, not example.com itself, as a
// partial domain does in an AsyncOS RAT or SMTP route: list both to cover both.

import { ParsedLists } from './parsed-lists.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const LITERAL = /^\[(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\]$/;

/** Above any `.parent` depth (a domain has at most 127 labels). */
const EXACT = 1_000;

export type DomainPatternKind = 'exact' | 'subdomains' | 'all' | 'literal';

export const invalidDomainError = (text: string): string => `Invalid domain "${text}": use example.com, .example.com, [1.2.3.4] or ALL.`;

/** A domain as patterns compare it: lower case, no trailing dot. */
export function normalizeDomain(domain: string): string {
  const d = domain.toLowerCase();
  return d.endsWith('.') ? d.slice(0, -1) : d;
}

export class DomainPattern {
  static readonly ALL = new DomainPattern('all', 'ALL');

  private constructor(
    readonly kind: DomainPatternKind,
    /** The pattern as written back: `example.com`, `.example.com`, `ALL`, `[1.2.3.4]`. */
    private readonly text: string,
  ) {}

  /** A pattern typed by a user (answer, batch argument, command-line flag). */
  static parse(input: string): { value: DomainPattern } | { error: string } {
    const t = normalizeDomain(input.trim());
    if (t === 'all') return { value: DomainPattern.ALL };
    const literal = LITERAL.exec(t);
    if (literal) {
      if (literal.slice(1).every((octet) => Number(octet) <= 255)) return { value: new DomainPattern('literal', t) };
    } else if (t.startsWith('.') ? DOMAIN.test(t.slice(1)) : DOMAIN.test(t)) {
      return { value: new DomainPattern(t.startsWith('.') ? 'subdomains' : 'exact', t) };
    }
    return { error: invalidDomainError(input.trim()) };
  }

  /**
   * A pattern from a stored configuration. An entry that `parse` refuses (written by hand or
   * before patterns were checked) still matches the identical domain, as it always did.
   */
  static fromStored(input: string): DomainPattern {
    const p = DomainPattern.parse(input);
    return 'value' in p ? p.value : new DomainPattern('exact', normalizeDomain(input.trim()));
  }

  /** Whether `domain` (any case; `[1.2.3.4]` for an address literal) falls under this pattern. */
  matches(domain: string): boolean {
    return this.matchesNormalized(normalizeDomain(domain));
  }

  /** `matches` for a domain already in lower case without a trailing dot (the hot path). */
  matchesNormalized(d: string): boolean {
    switch (this.kind) {
      case 'all':
        return true;
      case 'subdomains':
        return d.endsWith(this.text);
      default:
        return d === this.text;
    }
  }

  /** Higher wins: a domain itself, then `.parent` by its depth (`.a.example.com` over `.example.com`), then ALL. */
  get specificity(): number {
    if (this.kind === 'all') return 0;
    if (this.kind === 'subdomains') return this.text.split('.').length - 1;
    return EXACT;
  }

  toString(): string {
    return this.text;
  }
}

/**
 * A comma list of patterns as a command-line flag gives it (`--accept a.com,.b.com`): every
 * entry checked, an empty entry (`a.com,,` or a trailing comma) refused rather than dropped.
 */
export function parsePatternList(text: string): { value: DomainPattern[] } | { error: string } {
  const value: DomainPattern[] = [];
  // The first problem in the order written.
  for (const item of text.split(',').map((entry) => entry.trim())) {
    if (item === '') return { error: `an empty entry in "${text}": separate the domains with single commas.` };
    const p = DomainPattern.parse(item);
    if ('error' in p) return p;
    value.push(p.value);
  }
  return { value };
}

// ----- stored lists, parsed once -----

const storedLists = new ParsedLists((text) => DomainPattern.fromStored(text));

/** Whether any pattern of a stored list (a RAT, the suspended domains) matches the domain. */
export function listMatches(list: readonly string[], domain: string): boolean {
  const d = normalizeDomain(domain);
  for (const p of storedLists.of(list, (t) => t)) if (p!.matchesNormalized(d)) return true;
  return false;
}

/**
 * Of items that each carry a pattern (routes, destination settings), the one whose pattern
 * matches the domain most specifically; the first of equals. `patternOf` may return
 * undefined for an item that is not a pattern (a destination's `DEFAULT`).
 */
export function mostSpecific<T>(items: readonly T[], patternOf: (item: T) => string | undefined, domain: string): T | undefined {
  const d = normalizeDomain(domain);
  const patterns = storedLists.of(items, patternOf);
  let best: T | undefined;
  let bestScore = -1;
  for (let i = 0; i < items.length; i++) {
    const p = patterns[i];
    if (p && p.specificity > bestScore && p.matchesNormalized(d)) {
      best = items[i];
      bestScore = p.specificity;
    }
  }
  return best;
}
