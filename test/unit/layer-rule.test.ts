// The layer rule of eslint.config.js, shown on deliberate violations: a command or front end that
// imports an engine part fails the lint (and CI), while the engine API and the model pass; the
// model may not import the engine either.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { ROOT } from '../helpers/harness.js';

const eslint = new ESLint({ cwd: ROOT });

/** The rule ids ESLint reports for `code` as if it were the file at `file`. */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

const LAYERS = 'no-restricted-imports';

test('a command importing an engine part fails the lint; the API and the model pass', async () => {
  const file = 'src/appliance/commands/queue/example.ts';
  assert.deepEqual(await ruleIds(file, "import { MailQueue } from '../../../engine/queue/queue.js';\nexport const q = MailQueue;\n"), [LAYERS]);
  assert.deepEqual(await ruleIds(file, "import type { EngineApi } from '../../../api/engine-api.js';\nexport type A = EngineApi;\n"), []);
  assert.deepEqual(await ruleIds(file, "import { parseYesNo } from '../../../model/answers.js';\nexport const p = parseYesNo;\n"), []);
});

test('front ends (cli, the web GUI) may not import the engine; the entry points only its front door', async () => {
  assert.deepEqual(await ruleIds('cli/shell-example.ts', "import { SimClock } from '../src/engine/clock.js';\nexport const c = SimClock;\n"), [LAYERS]);
  assert.deepEqual(await ruleIds('src/gui/pages/example.tsx', "import { Engine } from '../../engine/engine.js';\nexport const e = Engine;\n"), [LAYERS]);
  assert.deepEqual(await ruleIds('cli/start.ts', "import { Engine } from '../src/engine/engine.js';\nexport const e = Engine;\n"), []);
  assert.deepEqual(await ruleIds('cli/start.ts', "import { MailLog } from '../src/engine/log/mail-log.js';\nexport const m = MailLog;\n"), [LAYERS]);
});

test('the model stays pure: no engine, no API, no files', async () => {
  const file = 'src/model/tables/example.ts';
  assert.deepEqual(await ruleIds(file, "import { SimClock } from '../../engine/clock.js';\nexport const c = SimClock;\n"), [LAYERS]);
  assert.deepEqual(await ruleIds(file, "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n"), [LAYERS]);
  assert.deepEqual(await ruleIds(file, "import { refuse } from '../change.js';\nexport const r = refuse;\n"), []);
});
