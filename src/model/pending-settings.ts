// What `showchanges` prints: the settings a session's pending configuration changes, as the
// appliance prints them — one Python literal, a mapping of cluster mode to section to settings
// (`{'standalone': {'': {'<setting>': <value>, ...}}}`; `{}` when nothing changes), which its
// drivers read with `eval`. A setting is a dotted path into the configuration; entries of a
// list that have a name (listeners, users), a domain (routes, destinations) or a pattern (a
// recipient access table) are keyed by it.
// A setting that is gone has the value None; passphrase hashes are never shown. Pure.
import { printable } from './printable.js';
import type { ApplianceConfig } from './config.js';

/** Parts of the configuration that are not settings: the commit history. */
const NOT_SETTINGS = new Set(['commits']);
/** Values shown masked. */
const MASKED = new Set(['passwordHash']);
export const MASK = '*****';

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };

const isObject = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key of an entry of a list of named entries, or undefined when the list is not one. */
function entryKey(v: Json): string | undefined {
  if (!isObject(v)) return undefined;
  const key = v.name ?? v.domain ?? v.pattern;
  return typeof key === 'string' ? key : undefined;
}

/** A list whose entries all have a name or a domain is a mapping by them; any other list is one value. */
function keyed(list: Json[]): Map<string, Json> | undefined {
  if (list.length === 0) return undefined;
  const out = new Map<string, Json>();
  for (const entry of list) {
    const key = entryKey(entry);
    if (key === undefined || out.has(key)) return undefined;
    out.set(key, entry);
  }
  return out;
}

function asMap(v: Json): Map<string, Json> | undefined {
  if (isObject(v)) return new Map(Object.entries(v));
  if (Array.isArray(v)) return keyed(v);
  return undefined;
}

/** An entry's own key (its name, domain or pattern) is in its path already: it is not a setting of its own. */
function withoutKey(m: Map<string, Json>, entry: Json): Map<string, Json> {
  const key = entryKey(entry);
  if (key === undefined) return m;
  const out = new Map(m);
  for (const k of ['name', 'domain', 'pattern']) if (out.get(k) === key) out.delete(k);
  return out;
}

function walk(path: string, before: Json, after: Json, out: [string, Json][]): void {
  const last = path.slice(path.lastIndexOf('.') + 1);
  if (MASKED.has(last)) {
    if (JSON.stringify(before) !== JSON.stringify(after)) out.push([path, after === undefined ? null : MASK]);
    return;
  }
  const a = asMap(before);
  const b = asMap(after);
  // Both sides are mappings (an empty list counts as an empty one): compare setting by setting.
  if ((a || (Array.isArray(before) && before.length === 0)) && (b || (Array.isArray(after) && after.length === 0))) {
    const left = a ?? new Map<string, Json>();
    const right = b ?? new Map<string, Json>();
    for (const key of new Set([...left.keys(), ...right.keys()])) walk(path ? `${path}.${key}` : key, left.get(key), right.get(key), out);
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  // A new entry: its settings one by one (an entry with none shows as one, empty).
  if (before === undefined && b) {
    const settings = withoutKey(b, after);
    if (settings.size === 0) out.push([path, {}]);
    for (const [key, value] of settings) walk(`${path}.${key}`, undefined, value, out);
    return;
  }
  out.push([path, after === undefined ? null : after]);
}

/** The settings `after` changes from `before`, in the configuration's order. */
export function changedSettings(before: Readonly<ApplianceConfig>, after: Readonly<ApplianceConfig>): [string, Json][] {
  const out: [string, Json][] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (NOT_SETTINGS.has(key)) continue;
    walk(key, (before as unknown as Record<string, Json>)[key], (after as unknown as Record<string, Json>)[key], out);
  }
  return out;
}

/** A value as a Python literal. */
export function pythonLiteral(v: Json): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'None';
  if (typeof v === 'string') return `'${printable(v.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pythonLiteral(k)}: ${pythonLiteral(x)}`)
    .join(', ')}}`;
}

/**
 * showchanges' output lines: the mapping, one setting a line (Python reads it whole); `{}` when
 * nothing changes. In a cluster the mode is `cluster`, `group` or `machine`, with the group's or
 * machine's name as the section.
 */
export function showChangesLines(
  before: Readonly<ApplianceConfig>,
  after: Readonly<ApplianceConfig>,
  section: { mode: string; name: string } = { mode: 'standalone', name: '' },
): string[] {
  const settings = changedSettings(before, after);
  if (settings.length === 0) return ['{}'];
  const head = `{${pythonLiteral(section.mode)}: {${pythonLiteral(section.name)}: {`;
  const pad = ' '.repeat(head.length);
  return settings.map(([k, v], i) => `${i === 0 ? head : pad}${pythonLiteral(k)}: ${pythonLiteral(v)}${i === settings.length - 1 ? '}}}' : ','}`);
}
