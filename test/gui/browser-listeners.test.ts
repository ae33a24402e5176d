// Network > Listeners and Mail Policies > Recipient Access Table in a real headless Chromium, as
// the drivers reach them through the menus: an admin adds a listener on a free port and commits
// it with a comment, and a real SMTP client gets its greeting there; a recipient added to its RAT
// as REJECT with a custom response is then refused with that reply. The listener is deleted from
// its row's icon and confirm dialog.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { launchBrowser } from './browser.js';
import { andLoad, banner, clickAndLoad, commitChanges, login, navigate } from './driver-steps.js';
import { ADMIN_PASSWORD, startGuiEngine, type GuiEngine } from './gui-harness.js';

let e: GuiEngine;
let browser: Browser;

before(async () => {
  e = await startGuiEngine();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await e?.stop();
});

test('an admin adds a listener and a REJECT entry to its RAT; a real SMTP client is greeted, then refused with the custom reply', async () => {
  const page = await login(browser, e.base, 'admin', ADMIN_PASSWORD);
  await navigate(page, 'Network', 'Listeners');
  await clickAndLoad(page, 'input[value="Add Listener..."]');
  await page.fill('#list_name', 'LabMail');
  await page.click('#type_public');
  await page.selectOption('select[name="interface"]', { label: 'Loopback' });
  await page.fill('#list_port', '0');
  await page.fill('#accept', 'example.com');
  await page.selectOption('select[name="bounce_profile"]', { label: 'Default' });
  await clickAndLoad(page, 'input[value="Submit"]');
  assert.deepEqual((await banner(page)).title, 'Success');
  await commitChanges(page, 'a lab listener');

  await navigate(page, 'Network', 'Listeners');
  const row = page.locator('xpath=//table[@class="cols"]//tr[td[1]/a[normalize-space()="LabMail"]]');
  const port = Number(await row.locator('td').nth(3).innerText());
  assert.ok(port > 0, `the bound port: ${port}`);
  const greeted = await SmtpTalk.open(port);
  assert.match(await greeted.reply(), /^220 \S+ ESMTP/);
  greeted.close();

  await navigate(page, 'Mail Policies', 'Recipient Access Table (RAT)');
  // The drivers' listener choice: the option whose label has the name; the page reloads for it.
  await andLoad(page, () => page.selectOption('//select[@name="listener_id"]', { label: 'LabMail' }));
  assert.equal(await page.locator('select[name="listener_id"]').inputValue(), 'LabMail');
  await clickAndLoad(page, 'input[value="Add Recipient..."]');
  await page.fill('//input[@id="rat_address"]', 'boss@example.com');
  await page.selectOption('//select[@id="rat_action"]', { label: 'Reject' });
  await page.click('#smtp_response_yes');
  // Revealed in the click's own handler: visible at once, as the drivers need.
  assert.ok(await page.locator('#smtp_response_code').isVisible());
  await page.fill('#smtp_response_code', '551');
  await page.fill('//textarea[@name="smtp_response_text"]', 'Boss is away');
  await clickAndLoad(page, 'input[value="Submit"]');
  assert.equal((await banner(page)).title, 'Success');
  assert.equal(await page.locator('//a[normalize-space()="boss@example.com"]').count(), 1);
  await commitChanges(page, 'boss refused');

  const smtp = await SmtpTalk.open(port);
  assert.match(await smtp.reply(), /^220 /);
  assert.match(await smtp.command('EHLO client.example.org'), /^250/);
  assert.match(await smtp.command('MAIL FROM:<alice@example.org>'), /^250/);
  assert.equal(await smtp.command('RCPT TO:<boss@example.com>'), '551 5.0.0 Boss is away');
  assert.match(await smtp.command('RCPT TO:<carol@example.com>'), /^250/);
  smtp.close();

  // The row's delete icon asks in the confirm dialog, whose button says Delete.
  await navigate(page, 'Network', 'Listeners');
  await row.locator('td').last().locator('img').click();
  await page.locator('//*[@type="button" and text()="Delete"]').waitFor({ state: 'visible' });
  await clickAndLoad(page, '//*[@type="button" and text()="Delete"]');
  assert.match((await banner(page)).message, /Deleted listener "LabMail"\./);
  await clickAndLoad(page, 'input[value="Commit Changes »"]');
  await clickAndLoad(page, 'input[value="Abandon Changes"]');
  assert.match(await page.content(), /Your changes have been abandoned\./);
  assert.ok(e.cli.engine.api.listenerViews().some((l) => l.name === 'LabMail'));
  await page.context().close();
});
