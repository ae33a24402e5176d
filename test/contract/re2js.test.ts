// The re2js seam (src/platform/linear-regex.ts) against the installed package: the pin in
// package.json is the seam's, the shape check passes, and matching is linear in the line.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { installedVersion } from '../../src/platform/library-shape.js';
import { checkRe2jsShape, compileLinePattern, RE2JS_PIN } from '../../src/platform/linear-regex.js';
import { ROOT } from '../helpers/harness.js';

test('re2js is pinned as the seam says, and has the shape it uses', async () => {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(pkg.dependencies.re2js, RE2JS_PIN);
  const [major, minor, patch] = installedVersion('re2js').split('.').map(Number);
  const [pMajor, pMinor, pPatch] = RE2JS_PIN.slice(1).split('.').map(Number);
  assert.ok(major === pMajor && minor === pMinor && patch >= pPatch, `installed ${installedVersion('re2js')} is in ${RE2JS_PIN}`);
  checkRe2jsShape();
  // A nested quantifier over 200,000 characters ends (a backtracking engine would not).
  assert.equal(compileLinePattern('(x+x+)+y', true).test('x'.repeat(200_000)), false);
});
