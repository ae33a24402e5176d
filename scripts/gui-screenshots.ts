// The screenshots of docs/gui.md: a sandbox engine (backend down, mail queued for two domains,
// half an hour of retries) with its web GUI, photographed page by page at 1280×800 by the same
// headless Chromium the browser tests use. Writes docs/gui/*.png.
//   node --import tsx scripts/gui-screenshots.ts
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ControlServer } from '../src/appliance/control/server.js';
import { SANDBOX_COMMANDS } from '../src/appliance/registry.js';
import { GuiServer } from '../src/gui/server.js';
import { BackendServer } from '../src/sandbox/backend.js';
import { Sandbox } from '../src/sandbox/sandbox.js';
import { ensureFirstAdmin } from '../src/users/first-admin.js';
import { launchBrowser } from '../test/gui/browser.js';
import { removeDir, ROOT, startEngine, tempDir } from '../test/helpers/harness.js';

const PASSWORD = 'Adm1n#Secret';
const out = path.join(ROOT, 'docs', 'gui');
await mkdir(out, { recursive: true });

const dataDir = await tempDir('esa-gui-shots-');
const backend = new BackendServer({ host: '127.0.0.1', port: 0, name: 'exchange.example.com', mailboxDir: path.join(dataDir, 'mailboxes') });
await backend.start();
const sandbox = new Sandbox(backend);
const engine = await startEngine({ dataDir, sandbox, backendPort: backend.port, accept: ['example.com', 'sales.example.net'] });
const control = await ControlServer.start(engine.api, path.join(dataDir, 'esa.sock'), SANDBOX_COMMANDS);
await ensureFirstAdmin(engine.api, PASSWORD);
const gui = await GuiServer.start({ control, listen: { host: '127.0.0.1', port: 0 } });
const base = gui.url.replace(/\/$/, '');

await sandbox.setBackendMode('down');
await sandbox.inject(120, 'example.com');
await sandbox.inject(35, 'sales.example.net');
sandbox.clock.advance(30 * 60_000);
await sandbox.settle();

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();

async function shot(name: string, full = false): Promise<void> {
  await page.mouse.move(1270, 790);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: full });
  process.stdout.write(`docs/gui/${name}.png\n`);
}

async function open(where: string): Promise<void> {
  const loaded = page.waitForEvent('load');
  await page.goto(`${base}${where}`);
  await loaded.catch(() => undefined);
}

async function click(p: Page, selector: string): Promise<void> {
  const loaded = p.waitForEvent('load');
  await p.click(selector);
  await loaded;
}

await open('/');
await page.fill('#username', 'admin');
await shot('login');
await page.fill('#password', PASSWORD);
await click(page, 'input[name="action:Login"]');
await shot('system-status', true);
await open('/monitor/delivery_status');
await page.hover('img.logo');
await page.hover('a.yuimenubaritemlabel-hassubmenu:text-is("Monitor")');
await shot('delivery-status');
await open('/monitor/delivery_status/host?domain=example.com');
await shot('host-detail', true);
await open('/system_administration/shutdown_suspend');
await page.check('input[name="suspend_listener"]');
await page.fill('input[name="delay_suspend"]', '0');
await page.locator('#domains_text').pressSequentially('sales.example.net ');
await click(page, 'input[name="SuspendResume"]');
await shot('shutdown-suspend', true);
// A pending change of this browser's session, made through the CLI session it owns.
await gui.sessions.list()[0].run(['bounceconfig', 'edit', 'Default', 'max_retries=50']);
await open('/system_administration/commit?from=/monitor/system_status');
await page.fill('#comment', 'fewer retries during the maintenance');
await shot('commit-changes');
await open('/sandbox/trainer');
await shot('trainer', true);
// Network > Listeners, the access tables and Users, with changes of this browser's session: a
// Private listener and a REJECT entry in the RAT.
const own = gui.sessions.list()[0];
await own.run(['listenerconfig', 'new', 'Outbound', '127.0.0.1:0', 'type=private', 'relay=10.0.0.0/8']);
await own.run(['listenerconfig', 'edit', 'IncomingMail', 'rcptaccess', 'add', 'boss@example.com', 'reject', '551', 'Boss is away']);
await open('/network/listeners');
await shot('listeners');
await open('/network/listeners?edit=Outbound');
await shot('listener-form', true);
await open('/mail_policies/hat_overview?listener_id=Outbound');
await shot('hat-overview');
await open('/mail_policies/mail_flow_policies?listener_id=IncomingMail&edit=Default%20Policy%20Parameters');
await shot('mail-flow-policy', true);
await open('/mail_policies/rat?listener_id=IncomingMail');
await shot('rat', true);
await open('/system_administration/users');
await shot('users', true);
await open('/system_administration/users?add=1');
await page.click('#sys_gen');
await page.click('input[value="Generate"]');
await shot('user-form', true);
// Network > Bounce Profiles, SMTP Routes and Mail Policies > Destination Controls: a short-lived
// profile for example.com, a route with two hosts, as changes of this browser's session.
await own.run(['bounceconfig', 'new', 'ShortLife', 'max_queue_lifetime=600', 'max_retry_timeout=300', 'bounce_subject=Undeliverable: ShortLife']);
await own.run(['destconfig', 'new', 'example.com', 'concurrency=5', 'bounce_profile=ShortLife']);
await own.run(['smtproutes', 'new', 'sales.example.net', 'mx1.sales.example.net/pri=10,mx2.sales.example.net:2525/pri=20']);
await open('/network/bounce_profiles');
await shot('bounce-profiles');
await open('/network/bounce_profiles?add=1');
await page.fill('#newName', 'Patient');
await page.fill('#max_queue_lifetime', '604800');
await page.click('#yes_warnings');
await shot('bounce-profile-form', true);
await open('/network/bounce_profiles?edit=Default');
await shot('bounce-profile-default', true);
await open('/network/bounce_profiles/global');
await shot('bounce-global-settings');
await open('/network/smtp_routes');
await shot('smtp-routes');
await open('/network/smtp_routes?edit=sales.example.net');
await page.click('#dest_hosts_domtable_AddRow');
await shot('smtp-route-form');
await open('/mail_policies/destination_controls');
await shot('destination-controls');
await open('/mail_policies/destination_controls?edit=example.com');
await shot('destination-form', true);
await open('/no/such/page');
await shot('not-found');
await open('/logout');
await shot('logged-out');

await browser.close();
await gui.close();
await control.close();
await engine.stop();
await backend.stop();
await removeDir(dataDir);
