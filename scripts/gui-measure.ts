// The web GUI's figures for docs/gui.md: `esa start` (the built dist/) on a queue seeded with the
// benchmark's big-queue mail (half to example.com, half over 1,000 hosts: 1,001 hosts, all down),
// then the time to serve and to load Delivery Status and System Status (fetch, and a real headless
// Chromium's navigation timing), and the engine's RSS with the GUI off, idle, and after the pages
// were loaded with a live page open.
//   npm run build && node --import tsx scripts/gui-measure.ts [messages, default 1000000]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bigQueueRecipient } from '../bench/big-queue-mail.js';
import { seedQueue } from '../bench/queue-seed.js';
import { launchBrowser } from '../test/gui/browser.js';
import { removeDir, ROOT, tempDir } from '../test/helpers/harness.js';
import { WebClient } from '../test/gui/gui-harness.js';

const PASSWORD = 'Adm1n#Secret';
const messages = Number(process.argv[2] ?? 1_000_000);
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Running {
  child: ChildProcess;
  url?: string;
  /** The whole queue on disk is loaded (the engine logs `Startup: N message(s) in the queue`). */
  loaded: Promise<void>;
}

async function start(dataDir: string, gui: 'on' | 'off'): Promise<Running> {
  const args = [
    'bin/esa.js',
    'start',
    '--data-dir',
    dataDir,
    '--listen',
    '127.0.0.1:0',
    '--route',
    '127.0.0.1:1',
    '--accept',
    'example.com,.example.com',
    '--gui',
    gui === 'on' ? '127.0.0.1:0' : 'off',
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ESA_ADMIN_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let markLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/Startup: \d+ message/.test(out)) markLoaded();
      if (/engine ready/.test(out)) resolve({ child, url: /web GUI on (http:\/\/\S+?)\/? /.exec(out)?.[1], loaded });
      // Only the lines up to the start matter here.
      if (out.length > 1_000_000) out = out.slice(-10_000);
    });
    child.stderr!.on('data', (d) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`esa start exited with ${code}: ${out}`)));
  });
}

async function stop(r: Running): Promise<void> {
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill('SIGTERM');
  await exited;
}

async function rssMb(r: Running): Promise<number> {
  const status = await readFile(`/proc/${r.child.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the engine's queue is loaded and every host has been tried (polling the GUI: a script, not a test). */
async function settled(w: WebClient, hosts: number): Promise<void> {
  for (;;) {
    const status = await w.get('/monitor/system_status');
    const delivery = await w.get('/monitor/delivery_status');
    const down = (delivery.text.match(/\* Down/g) ?? []).length;
    if (!/still loading/.test(status.text) && new RegExp(`of ${hosts.toLocaleString('en-US')},`).test(delivery.text) && down > 0) return;
    await sleep(1_000);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeFetch(w: WebClient, where: string, n = 15): Promise<{ median: number; max: number; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await w.get(where);
    ms.push(performance.now() - t);
    bytes = r.text.length;
  }
  return { median: median(ms), max: Math.max(...ms), bytes };
}

const dataDir = await tempDir('esa-gui-measure-');
try {
  // A first start makes the data dir (and the user admin); then the queue is seeded with the engine stopped.
  await stop(await start(dataDir, 'off'));
  say(`seeding ${messages.toLocaleString('en-US')} messages...`);
  const seeded = await seedQueue({ dataDir, messages, size: 2048, tag: 'gui-measure', recipient: bigQueueRecipient });
  say(`seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
  const hosts = Math.min(messages, 1_001);

  const off = await start(dataDir, 'off');
  await off.loaded;
  await sleep(10_000);
  const rssOff = await rssMb(off);
  await stop(off);

  const on = await start(dataDir, 'on');
  await on.loaded;
  await sleep(10_000);
  const rssIdle = await rssMb(on);
  const w = new WebClient(on.url!);
  await w.login('admin', PASSWORD);
  await settled(w, hosts);
  const delivery = await timeFetch(w, '/monitor/delivery_status');
  const delivery100 = await timeFetch(w, '/monitor/delivery_status?rows=100');
  const system = await timeFetch(w, '/monitor/system_status');

  const browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${on.url}/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForEvent('load'), page.click('input[name="action:Login"]')]);
  const loadMs = async (where: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) {
      await page.goto(`${on.url}${where}`, { waitUntil: 'load' });
      ms.push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd));
    }
    return median(ms);
  };
  const deliveryLoad = await loadMs('/monitor/delivery_status');
  const systemLoad = await loadMs('/monitor/system_status');
  // A live page stays open (its stream pushes on every queue event, at most once a second).
  await page.goto(`${on.url}/monitor/delivery_status`, { waitUntil: 'load' });
  await sleep(10_000);
  const rssUsed = await rssMb(on);
  await browser.close();
  await stop(on);

  const f = (n: number) => `${n.toFixed(0)} ms`;
  say(`queue: ${messages.toLocaleString('en-US')} messages over ${hosts.toLocaleString('en-US')} hosts (all down)`);
  say(
    `Delivery Status (50 rows of ${hosts}): served in ${f(delivery.median)} median (max ${f(delivery.max)}), ${Math.round(delivery.bytes / 1024)} KB; 100 rows ${f(delivery100.median)}; browser load ${f(deliveryLoad)}`,
  );
  say(`System Status: served in ${f(system.median)} median (max ${f(system.max)}), ${Math.round(system.bytes / 1024)} KB; browser load ${f(systemLoad)}`);
  say(`engine RSS: GUI off ${rssOff} MB; GUI on, idle ${rssIdle} MB; after the page loads with a live page open ${rssUsed} MB`);
} finally {
  await removeDir(dataDir);
  void path;
}
