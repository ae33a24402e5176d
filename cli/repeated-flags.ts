// Flags given more than once: yargs hands their values over as an array. A list flag
// (`--accept a.com --accept b.com`) combines them; any other flag is refused with one line.

type Coerce = (v: never) => unknown;
interface OptionSpec {
  type?: string;
  coerce?: Coerce;
  [key: string]: unknown;
}

/** The one-line refusal of a single-valued flag given more than once. */
export function repeatedFlagError(flag: string, values: readonly unknown[]): Error {
  return new Error(`--${flag} was given ${values.length} times (${values.map((v) => JSON.stringify(v)).join(', ')}): give it once`);
}

/** A list flag's values as one comma list (each value may itself be a comma list). */
export function joinListValues(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * The options with every flag made repeat-safe: the ones named in `lists` join their values
 * into one comma list before their own coerce runs; the others refuse an array.
 */
export function repeatSafe<T extends Record<string, OptionSpec>>(options: T, lists: readonly (keyof T & string)[] = []): T {
  const out: Record<string, OptionSpec> = {};
  for (const [flag, spec] of Object.entries(options)) {
    const own = spec.coerce as ((v: unknown) => unknown) | undefined;
    const isList = lists.includes(flag);
    out[flag] = {
      ...spec,
      coerce: (v: unknown) => {
        let value = v;
        if (Array.isArray(v)) {
          if (!isList) throw repeatedFlagError(flag, v);
          value = joinListValues(v as string[]);
        }
        return own ? own(value) : value;
      },
    };
  }
  return out as T;
}
