// Summarises V8 CPU profiles (node --cpu-prof) of the engine: where self time goes, by
// function and by area (a package, a Node.js subsystem, a file of the project, GC).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the busy time (idle excluded), 0..1. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  /** Self time by function; a native function is named with the JavaScript function that called it. */
  functions: SelfTime[];
  areas: SelfTime[];
  /** Inclusive (synchronous) time of the engine's own functions. */
  engineInclusive: SelfTime[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length).replace(/\/dist\/(esm|cjs)\//, '/');
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName.startsWith('(')) return functionName;
    return '(native/V8 builtins)';
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `npm: ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
    return `node: ${m ? m[1] : url}`;
  }
  return `esa: ${shortUrl(url)}`;
}

export function summarizeProfile(profile: CpuProfile, file = '', top = 15): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const label = (frame: ProfileNode['callFrame']) => `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  /** The nearest ancestor that is JavaScript with a source (who called a native function). */
  const jsCaller = (id: number): string => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const f = byId.get(p)!.callFrame;
      if (f.url) return label(f);
    }
    return '?';
  };
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = frame.url ? label(frame) : frame.functionName.startsWith('(') ? frame.functionName : `${frame.functionName || '(native)'} ← ${jsCaller(id)}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busy = total - idle;
  // Inclusive time of the engine's functions: self time of a node counts for every distinct
  // engine function on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const f = byId.get(p)!.callFrame;
      if (!f.url || f.url.includes('node_modules') || f.url.startsWith('node:')) continue;
      const name = label(f);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return { file, totalMs: total / 1000, busyMs: busy / 1000, functions: list(fns), areas: list(areas), engineInclusive: list(inclusive) };
}

/** Node's default profile name: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile. */
const DEFAULT_NAME = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/;

/** Summaries of every profile under `dir` (one folder per engine start), main threads first. */
export async function summarizeProfiles(dir: string, top = 15): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  const files: { file: string; label: string; worker: boolean }[] = [];
  const walk = async (d: string, label: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p, label ? `${label}/${e.name}` : e.name);
      else if (e.name.endsWith('.cpuprofile')) {
        const m = DEFAULT_NAME.exec(e.name);
        const tid = m ? Number(m[1]) : 0;
        files.push({ file: p, label: `${label || e.name}${tid ? ` (worker thread ${tid})` : ' (main thread)'}`, worker: tid !== 0 });
      }
    }
  };
  await walk(dir, '');
  files.sort((a, b) => Number(a.worker) - Number(b.worker) || a.label.localeCompare(b.label));
  for (const f of files) {
    const profile = JSON.parse(await readFile(f.file, 'utf8')) as CpuProfile;
    out.push(summarizeProfile(profile, f.label, f.worker ? 5 : top));
  }
  return out;
}

export function formatProfile(s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `${s.file}: ${(s.totalMs / 1000).toFixed(1)} s profiled, ${(s.busyMs / 1000).toFixed(1)} s busy`,
    '  by area (self time):',
    ...s.areas.map((a) => `    ${pct(a.share)}  ${Math.round(a.ms).toString().padStart(7)} ms  ${a.name}`),
    '  top functions (self time):',
    ...s.functions.map((f) => `    ${pct(f.share)}  ${Math.round(f.ms).toString().padStart(7)} ms  ${f.name}`),
    "  the engine's functions (inclusive, synchronous part):",
    ...s.engineInclusive.map((f) => `    ${pct(f.share)}  ${Math.round(f.ms).toString().padStart(7)} ms  ${f.name}`),
  ];
  return lines.join('\n');
}
