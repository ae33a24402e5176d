// Finds and reads the scenario files: `scenarios/*.json` of the project (found from this module's
// place, in the sources and in dist/ alike), or a trainer's own file given by its path.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario, ScenarioFormatError, type Scenario } from './format.js';

/** The project's `scenarios/` directory: the nearest one above this module next to a package.json. */
export function scenariosDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scenarios'))) return path.join(dir, 'scenarios');
    const up = path.dirname(dir);
    if (up === dir) return path.join(process.cwd(), 'scenarios');
    dir = up;
  }
}

/** The scenario names of the directory, in file order (the files are numbered: 1-..., 2-...). */
export async function scenarioNames(dir = scenariosDir()): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Everything listed, each parsed (a file with a mistake is listed with it, not dropped). */
export async function loadAll(dir = scenariosDir()): Promise<({ name: string } & ({ scenario: Scenario } | { error: string }))[]> {
  const out: ({ name: string } & ({ scenario: Scenario } | { error: string }))[] = [];
  for (const name of await scenarioNames(dir)) {
    try {
      out.push({ name, scenario: await loadScenario(name, dir) });
    } catch (e) {
      out.push({ name, error: (e as Error).message });
    }
  }
  return out;
}

/**
 * One scenario: by name (`2-planned-maintenance`), by its number (`2`), by a unique start of its
 * name, or a path to a file (`./my-scenario.json`). Throws one line when none fits.
 */
export async function loadScenario(which: string, dir = scenariosDir()): Promise<Scenario> {
  let file: string;
  if (which.endsWith('.json') || which.includes('/')) {
    file = path.resolve(which);
  } else {
    const names = await scenarioNames(dir);
    const exact = names.find((n) => n === which);
    const numbered = names.filter((n) => n.startsWith(`${which}-`));
    const matches = exact ? [exact] : numbered.length > 0 ? numbered : names.filter((n) => n.includes(which));
    if (matches.length === 0) throw new ScenarioFormatError(`No scenario "${which}". "sim scenario list" lists them.`);
    if (matches.length > 1) throw new ScenarioFormatError(`"${which}" could be ${matches.join(' or ')}.`);
    file = path.join(dir, `${matches[0]}.json`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioFormatError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const name = path.basename(file, '.json');
  try {
    return parseScenario(name, text);
  } catch (e) {
    if (e instanceof ScenarioFormatError) throw new ScenarioFormatError(`${path.basename(file)}: ${e.message}`);
    throw e;
  }
}
