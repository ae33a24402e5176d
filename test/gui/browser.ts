// A real headless Chromium for the browser tests, driven by playwright-core. The browser comes with
// `npm ci`: the npm package @sparticuz/chromium ships a Chromium (headless shell) compressed inside
// it; it is unpacked once into node_modules/.cache (a temp folder renamed into place, so two test
// files starting together never see half a binary) and launched with a fresh profile, offline.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../helpers/harness.js';

/** The flags for a machine without internet or GPU; playwright adds its own temp `--user-data-dir` per launch. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function sparticuzVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'node_modules/@sparticuz/chromium/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The unpacked Chromium executable (unpacked now if this is the first use). */
export async function chromiumExecutable(): Promise<string> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'esa-sim-chromium');
  const dir = path.join(cache, await sparticuzVersion());
  const exe = path.join(dir, 'chromium');
  if (existsSync(exe)) return exe;
  await mkdir(cache, { recursive: true });
  const scratch = await mkdtemp(path.join(cache, 'unpacking-'));
  // The package unpacks into os.tmpdir(), which follows TMPDIR: point it at the scratch folder.
  const before = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    const { default: Chromium } = await import('@sparticuz/chromium');
    Chromium.setGraphicsMode = false;
    const unpacked = await Chromium.executablePath();
    if (path.dirname(unpacked) !== scratch) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not into ${scratch}`);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  try {
    await rename(scratch, dir);
  } catch (e) {
    // Another test file unpacked it first: use theirs.
    await rm(scratch, { recursive: true, force: true });
    if (!existsSync(exe)) throw e;
  }
  return exe;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  return chromium.launch({
    executablePath,
    args: CHROMIUM_FLAGS,
    timeout: 60_000,
  });
}
