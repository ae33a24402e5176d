// What a commit does to the running listeners, decided before anything changes: which keep
// their socket (same address and port; a renamed listener too), which need a new one (new or
// moved), which stop (deleted), and where each suspension goes. Pure.

export interface ListenerAddress {
  name: string;
  host: string;
  port: number;
}

export interface ListenerPlan {
  /** Next listener name -> the running listener (its name now) that carries on, socket and all. */
  keep: Map<string, string>;
  /** Next listener names that need a socket of their own (new, or moved to another address or port). */
  bind: string[];
  /** Running listeners that stop: deleted, or moved (their replacement is in `bind`). */
  stop: string[];
}

const sameAddress = (a: ListenerAddress, b: ListenerAddress) => a.host === b.host && a.port === b.port;

export function planListeners(running: readonly ListenerAddress[], next: readonly ListenerAddress[]): ListenerPlan {
  const keep = new Map<string, string>();
  const claimed = new Set<string>();
  const byName = new Map(running.map((r) => [r.name, r]));
  const nextNames = new Set(next.map((n) => n.name));
  for (const lc of next) {
    const same = byName.get(lc.name);
    if (same && sameAddress(same, lc)) {
      keep.set(lc.name, same.name);
      claimed.add(same.name);
    }
  }
  // A listener that is gone by its name but whose address a new name takes was renamed: it keeps
  // its socket (binding a second one to the same port would fail while the first still holds it).
  for (const lc of next) {
    if (keep.has(lc.name) || byName.has(lc.name)) continue;
    const renamed = running.find((r) => !claimed.has(r.name) && !nextNames.has(r.name) && sameAddress(r, lc));
    if (renamed) {
      keep.set(lc.name, renamed.name);
      claimed.add(renamed.name);
    }
  }
  return {
    keep,
    bind: next.filter((lc) => !keep.has(lc.name)).map((lc) => lc.name),
    stop: running.filter((r) => !claimed.has(r.name)).map((r) => r.name),
  };
}

/** The suspended listeners after the plan: a renamed one stays suspended under its new name; a deleted one's suspension ends. */
export function carrySuspensions(plan: ListenerPlan, suspended: readonly string[], next: readonly ListenerAddress[]): string[] {
  const carried: string[] = [];
  const continued = new Set(plan.keep.values());
  for (const lc of next) {
    // A new listener that takes the name of one renamed in the same commit starts fresh.
    const was = plan.keep.get(lc.name) ?? (continued.has(lc.name) ? undefined : lc.name);
    if (was !== undefined && suspended.includes(was) && !carried.includes(lc.name)) carried.push(lc.name);
  }
  return carried;
}
