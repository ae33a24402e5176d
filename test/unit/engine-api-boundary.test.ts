// Commands, CLI sessions and front ends reach the engine only through the engine API: no
// file there names the engine's parts (scheduler, queue, listeners, counters, records).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/harness.js';

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(p)));
    else if (/\.tsx?$/.test(entry.name)) out.push(p);
  }
  return out;
}

const INTERNALS = /\bengine\.(scheduler|queue|listeners|counters|records|state|log|clock|ids|bounces)\b(?!\()|from '(\.\.\/)+(src\/)?engine\/engine\.js'/;

test('src/appliance and cli use only the engine API', async () => {
  const offenders: string[] = [];
  for (const dir of ['src/appliance', 'cli']) {
    for (const file of await sources(path.join(ROOT, dir))) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (INTERNALS.test(line) && !/^\s*(\/\/|\*)/.test(line)) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  // cli/start.ts and cli/sandbox.ts start the engine (Engine.start) and then hand its api on.
  const starting = offenders.filter((o) => !/^cli\/(start|sandbox)\.ts:\d+: import \{ Engine \}/.test(o));
  assert.deepEqual(starting, []);
});
