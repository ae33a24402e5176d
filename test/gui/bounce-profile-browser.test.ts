// Network > Bounce Profiles and SMTP Routes in a real headless Chromium, driven as Cisco's Selenium
// drivers drive them. An admin reaches Bounce Profiles through the menus, adds a profile with a
// short queue lifetime and commits it with a comment; the CLI's bounceconfig shows its values;
// mail for a destination given that profile, while the backend is down, expires by that lifetime
// and its sender gets a DSN (failed, 5.4.7). A guest sees the page and every change is refused.
// SMTP Routes: rows added and removed in the page, and the drivers' delete dialog.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { engineParts } from '../../src/engine/test-seam.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { parseDsn } from '../bounce/dsn-parse.js';
import { generator } from '../bounce/bounce-fixtures.js';
import { batch } from '../cli/cli-harness.js';
import { listenerPort, sendMail, waitFor } from '../helpers/harness.js';
import { launchBrowser } from './browser.js';
import { banner as bannerIn, clickAndLoad, commitChanges, login as loginIn, navigate } from './driver-steps.js';
import { ADMIN_PASSWORD, addUser, startGuiEngine, type GuiEngine } from './gui-harness.js';

const GUEST_PASSWORD = 'Gu3st#Look!x';
const RECORDED = 'Commit your changes to make them take effect.';

let e: GuiEngine;
let browser: Browser;
/** The company's mail server behind the appliance (example.com): down. */
let backend: BackendServer;
/** The sender's mail server (example.org): where the DSN goes. */
let senders: BackendServer;

before(async () => {
  backend = new BackendServer({ port: 0, keep: true });
  await backend.start();
  senders = new BackendServer({ port: 0, keep: true, name: 'mx.example.org' });
  await senders.start();
  e = await startGuiEngine({ backendPort: backend.port });
  await addUser(e, 'guest1', 'Guests', GUEST_PASSWORD);
  const routed = await batch(e.cli.socket, `smtproutes new example.org 127.0.0.1:${senders.port}\ncommit "the senders' domain"\n`);
  assert.equal(routed.code, 0, routed.stdout + routed.stderr);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await generator(e.cli.engine).idle();
  await e?.stop();
  await backend?.stop();
  await senders?.stop();
});

test('an admin adds a bounce profile in the browser and commits it; the CLI shows it; mail for a destination using it expires by its lifetime', async () => {
  const page = await loginIn(browser, e.base, 'admin', ADMIN_PASSWORD);
  await navigate(page, 'Network', 'Bounce Profiles');
  await clickAndLoad(page, "xpath=//input[@value='Add Bounce Profile...']");
  await page.fill("xpath=//input[@name='newName']", 'ShortLife');
  await page.fill("xpath=//input[@name='max_retries']", '20');
  await page.fill("xpath=//input[@name='max_queue_lifetime']", '600');
  await page.fill("xpath=//input[@name='initial_retry']", '120');
  await page.fill("xpath=//input[@name='max_retry_timeout']", '300');
  // A radio shows and hides its dependent fields in its own click: the next step sees them at once.
  const subject = page.locator("xpath=//input[@name='bounce_subject']");
  await page.click('#no_bounces');
  assert.equal(await subject.isVisible(), false);
  await page.click('#yes_bounces');
  assert.equal(await subject.isVisible(), true);
  await subject.fill('Undeliverable: ShortLife');
  await page.click('#alternate');
  assert.equal(await page.locator('#alt_address').isVisible(), true);
  await page.click('#message_sender');
  assert.equal(await page.locator('#alt_address').isVisible(), false);
  await clickAndLoad(page, page.locator("xpath=//input[@value='Submit']").first());
  assert.deepEqual(await bannerIn(page), { title: 'Success', message: `Bounce profile "ShortLife" was added.\n${RECORDED}` });
  const row = page.locator("xpath=//table[@class='cols']/tbody/tr[td][2]");
  assert.equal((await row.locator('td').first().innerText()).trim(), 'ShortLife');
  assert.match(await row.innerText(), /600 s/);

  await commitChanges(page, 'a short queue lifetime for example.com');
  assert.equal(await page.locator('input[value="Commit Changes »"]').count(), 0);
  assert.equal(e.cli.engine.api.config().commits.at(-1)?.comment, 'a short queue lifetime for example.com');

  // bounceconfig: the profile in the listing, and its values in EDIT's questions (Enter keeps each).
  const shown = await batch(e.cli.socket, `bounceconfig\nedit\n2\n${'\n'.repeat(20)}`);
  assert.equal(shown.code, 0, shown.stdout + shown.stderr);
  assert.match(shown.stdout, /Current bounce profiles:\n1\. Default\n2\. ShortLife\n/);
  assert.match(shown.stdout, /Please enter the maximum number of retries\.\n\[20\]> /);
  assert.match(shown.stdout, /stay in the queue before being hard bounced\.\n\[600\]> /);
  assert.match(shown.stdout, /initial number of seconds to wait before retrying a message\.\n\[120\]> /);
  assert.match(shown.stdout, /maximum number of seconds to wait before retrying a message\.\n\[300\]> /);
  assert.match(shown.stdout, /Enter the subject to use:\n\[Undeliverable: ShortLife\]> /);

  // example.com's mail gets the profile; its mail server goes down.
  const dest = await batch(e.cli.socket, 'destconfig new example.com bounce_profile=ShortLife\ncommit "example.com bounces sooner"\n');
  assert.equal(dest.code, 0, dest.stdout + dest.stderr);
  await backend.setMode('down');
  const sent = await sendMail(listenerPort(e.cli.engine), { from: 'alice@example.org', to: 'bob@example.com', subject: 'quarterly report' });
  assert.ok(sent.ok, sent.response);
  await waitFor(() => e.cli.engine.api.hostRows().some((r) => r.domain === 'example.com' && r.down), 'example.com marked down');

  // Within the lifetime (Default's would be 72 hours): still queued, no DSN.
  const clock = engineParts(e.cli.engine).clock;
  clock.advance(500_000);
  await e.cli.engine.idle();
  await generator(e.cli.engine).idle();
  await e.cli.engine.idle();
  assert.equal(senders.dsns().length, 0, 'no DSN within the lifetime');
  assert.equal(e.cli.engine.api.hostRows().find((r) => r.domain === 'example.com')?.activeRecipients, 1, 'still queued');
  // Past it: bounced at its next retry, the DSN to the sender.
  clock.advance(3_600_000);
  await waitFor(() => senders.dsns().length === 1, 'the DSN at the sender');
  const [mail] = senders.dsns();
  assert.deepEqual(mail.to, ['alice@example.org']);
  const dsn = await parseDsn(mail.content);
  assert.equal(dsn.parsed.subject, 'Undeliverable: ShortLife');
  assert.equal(dsn.recipients.length, 1);
  assert.equal(dsn.recipients[0].action, 'failed');
  assert.equal(dsn.recipients[0].status, '5.4.7');
  assert.equal(dsn.recipients[0]['final-recipient'], 'rfc822; bob@example.com');
  assert.match(dsn.parsed.text ?? '', /<bob@example\.com>: Delivery expired: the message was in the queue longer than 600 seconds/);
  assert.equal(backend.messages.length, 0, 'nothing reached the down server');
  await page.context().close();
});

test('a guest sees Bounce Profiles and every change is refused as the CLI refuses it', async () => {
  assert.ok(e.cli.engine.api.config().bounceProfiles.ShortLife, 'the profile the first test committed');
  const before = structuredClone(e.cli.engine.api.config());
  const page = await loginIn(browser, e.base, 'guest1', GUEST_PASSWORD);
  await navigate(page, 'Network', 'Bounce Profiles');
  const names = await page.locator("xpath=//table[@class='cols']/tbody/tr[td]/td[1]").allInnerTexts();
  assert.deepEqual(
    names.map((n) => n.trim()),
    ['Default', 'ShortLife'],
  );
  const refused = { title: 'Error', message: ACCESS_REFUSED };

  await clickAndLoad(page, "xpath=//input[@value='Add Bounce Profile...']");
  await page.fill("xpath=//input[@name='newName']", 'GuestProfile');
  await clickAndLoad(page, page.locator("xpath=//input[@value='Submit']").first());
  assert.deepEqual(await bannerIn(page), refused);

  await clickAndLoad(page, "xpath=//table[@class='cols']//td/a[normalize-space()='ShortLife']");
  await page.fill("xpath=//input[@name='max_queue_lifetime']", '60');
  await clickAndLoad(page, page.locator("xpath=//input[@value='Submit']").first());
  assert.deepEqual(await bannerIn(page), refused);

  // Delete as the drivers do: the box in the next cell, the Delete button, the dialog's Delete.
  await page.check("xpath=//table[@class='cols']//td[normalize-space()='ShortLife']/following-sibling::td[1]/input");
  await page.click("xpath=//input[@id='delete']");
  const confirm = page.locator('xpath=//div[@id="confirmation_dialog"]//button[text()="Delete"]');
  assert.equal(await confirm.isVisible(), true, 'the dialog is open at once');
  await clickAndLoad(page, confirm);
  assert.deepEqual(await bannerIn(page), refused);

  await clickAndLoad(page, "xpath=//input[@name='EditGlobalForm']");
  await page.check('#bounce_all_host_down');
  await clickAndLoad(page, page.locator("xpath=//input[@value='Submit']").first());
  assert.deepEqual(await bannerIn(page), refused);
  assert.equal((await page.title()).split(' — ')[0], 'Network > Bounce Profiles');

  assert.deepEqual(e.cli.engine.api.config(), before);
  const cli = await e.gui.sessions
    .list()
    .find((s) => s.user.name === 'guest1')!
    .run(['bounceconfig', 'delete', 'ShortLife']);
  assert.equal(cli.error, ACCESS_REFUSED, 'the CLI says the same');
  await page.context().close();
});

test("SMTP Routes in the browser: rows added and removed in place, the drivers' delete dialog", async () => {
  const page = await loginIn(browser, e.base, 'admin', ADMIN_PASSWORD);
  await navigate(page, 'Network', 'SMTP Routes');
  await clickAndLoad(page, "xpath=//input[@value='Add Route...']");
  await page.fill("xpath=//input[@name='new_domain']", 'partner.example.net');
  const row = (r: number) => `xpath=//tbody[@id='dest_hosts_rowContainer']/tr[${r}]`;
  await page.fill(`${row(1)}/td[1]//input`, '10');
  await page.fill(`${row(1)}/td[2]//input`, 'mx1.partner.example.net');
  for (let r = 2; r <= 3; r++) await page.click("xpath=//*[@id='dest_hosts_domtable_AddRow']");
  await page.fill(`${row(2)}/td[2]//input`, 'wrong.partner.example.net');
  await page.fill(`${row(3)}/td[1]//input`, '20');
  await page.fill(`${row(3)}/td[2]//input`, 'mx2.partner.example.net');
  await page.fill(`${row(3)}/td[3]//input`, '2525');
  await page.click(`${row(2)}/td[4]/img`);
  assert.equal(await page.locator("xpath=//tbody[@id='dest_hosts_rowContainer']/tr").count(), 2);
  assert.equal(await page.locator(`${row(2)}/td[2]//input`).inputValue(), 'mx2.partner.example.net');
  await clickAndLoad(page, page.locator("xpath=//input[@value='Submit']").first());
  assert.deepEqual(await bannerIn(page), { title: 'Success', message: `The SMTP route for partner.example.net was added.\n${RECORDED}` });
  const cells = page.locator("xpath=//table[@class='cols']//tr[td/a[normalize-space()='partner.example.net']]/td");
  assert.equal((await cells.nth(1).innerText()).trim(), 'mx1.partner.example.net/pri=10, mx2.partner.example.net:2525/pri=20');

  await page.check("xpath=//input[@value='partner.example.net']");
  await page.click("xpath=//*[@id='_click' and @value='Delete']");
  await clickAndLoad(page, "xpath=//*[@type='button' and text()='Delete']");
  assert.deepEqual(await bannerIn(page), { title: 'Success', message: `The SMTP route for partner.example.net was deleted.\n${RECORDED}` });
  assert.equal(await page.locator("xpath=//table[@class='cols']//a[normalize-space()='partner.example.net']").count(), 0);
  await page.context().close();
});
