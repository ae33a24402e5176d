// The web GUI in a real headless Chromium (playwright-core), navigated as Cisco's Selenium drivers
// do: hover the logo, hover the tab, click the visible item. An admin suspends the listener on
// Shutdown/Suspend (a real SMTP client then gets 421) and resumes it; Delivery Status shows the
// down host with its active recipients and follows new mail by itself; a guest reads every page
// and is refused every change.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { listenerPort, sendMail } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { launchBrowser } from './browser.js';
import { banner, clickAndLoad, login as loginIn, navigate } from './driver-steps.js';
import { ADMIN_PASSWORD, addUser, startGuiEngine, type GuiEngine } from './gui-harness.js';

const GUEST_PASSWORD = 'Gu3st#Look!x';

let e: GuiEngine;
let browser: Browser;

before(async () => {
  // The route leads to a closed port: the backend is down from the start.
  e = await startGuiEngine({ liveMinMs: 100 });
  await addUser(e, 'guest1', 'Guests', GUEST_PASSWORD);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await e?.stop();
});

const login = (user: string, password: string): Promise<Page> => loginIn(browser, e.base, user, password);

test('an admin suspends the listener on Shutdown/Suspend (a sender gets 421), then resumes it', async () => {
  const page = await login('admin', ADMIN_PASSWORD);
  await navigate(page, 'System Administration', 'Shutdown/Suspend');
  const row = page.locator('xpath=//th[normalize-space()="Receiving:"]/following::table[contains(@class,"cols")]//tr[.//input]').first();
  assert.equal(await row.locator('td').nth(0).innerText(), 'IncomingMail');
  assert.equal(await row.locator('td').nth(2).innerText(), 'Online');
  await row.locator('td').nth(1).locator('input').check();
  await page.fill('input[name="delay_suspend"]', '0');
  await clickAndLoad(page, 'input[name="SuspendResume"]');
  const suspended = await banner(page);
  assert.equal(suspended.title, 'Success');
  assert.match(suspended.message, /Receiving suspended for IncomingMail\./);
  assert.equal(await row.locator('td').nth(1).innerText(), 'Suspended');

  const smtp = await SmtpTalk.open(listenerPort(e.cli.engine));
  assert.match(await smtp.reply(), /^421 /);
  smtp.socket.destroy();

  await row.locator('td').nth(2).locator('input').check();
  await clickAndLoad(page, 'input[name="SuspendResume"]');
  assert.match((await banner(page)).message, /Receiving resumed for IncomingMail\./);
  assert.equal(await row.locator('td').nth(2).innerText(), 'Online');
  const sent = await sendMail(listenerPort(e.cli.engine), { to: 'carol@example.com' });
  assert.ok(sent.ok, sent.response);
  await page.context().close();
});

test('Delivery Status shows the down host with its active recipients and follows new mail by itself', async () => {
  const page = await login('admin', ADMIN_PASSWORD);
  await navigate(page, 'Monitor', 'Delivery Status');
  const port = listenerPort(e.cli.engine);
  for (let i = 0; i < 3; i++) assert.ok((await sendMail(port, { to: `bob${i}@example.com` })).ok);
  // A mark that a reload would wipe: the table must change under it.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  const row = page.locator('table[summary="Outgoing Destinations Status"] tbody tr', { has: page.locator('a', { hasText: /^example\.com$/ }) });
  const active = () => e.cli.engine.api.hostRows().find((r) => r.domain === 'example.com')!.activeRecipients;
  /** Waits (in the page, on its own updates) until the host's Active Recipients cell shows `want`. */
  const shows = (want: number) =>
    page.waitForFunction((n) => {
      const cells = [...document.querySelectorAll('table[summary="Outgoing Destinations Status"] tbody tr')]
        .find((tr) => tr.querySelector('a')?.textContent === 'example.com')
        ?.querySelectorAll('td');
      return cells !== undefined && Number(cells[2].textContent?.replace(/,/g, '')) === n;
    }, want);
  await row.locator('td', { hasText: '* Down' }).waitFor();
  const before = active();
  await shows(before);
  for (let i = 0; i < 2; i++) assert.ok((await sendMail(port, { to: `dave${i}@example.com` })).ok);
  assert.equal(active(), before + 2);
  await shows(before + 2);
  assert.equal(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'updated in place, not reloaded');

  // The host's detail, as hoststatus shows it.
  await clickAndLoad(page, row.locator('a'));
  assert.equal((await page.title()).split(' — ')[0], 'Monitor > Delivery Status Details');
  const current = page.locator(
    'xpath=//dt[.//span[normalize-space()="Current Information for example.com"]]/following-sibling::dd//table[contains(@class,"dashboard-innertable")]',
  );
  assert.match(await current.innerText(), /Host up\/down:\s+down/);
  assert.match(await current.innerText(), /Last 4XX error:/);
  await page.context().close();
});

test('a guest reads every page through the menus and is refused every change', async () => {
  const page = await login('guest1', GUEST_PASSWORD);
  const items = await page.$$eval('#navbar .yuimenu a', (as) =>
    as.map((a) => ({ tab: a.closest('li.yuimenubaritem')!.querySelector('a')!.textContent!, item: a.textContent! })),
  );
  for (const { tab, item } of items.filter((i) => i.item !== 'Log Out')) await navigate(page, tab, item);

  await navigate(page, 'Monitor', 'System Status');
  await clickAndLoad(page, 'input[value="Reset Counters"]');
  assert.deepEqual(await banner(page), { title: 'Error', message: ACCESS_REFUSED });

  await navigate(page, 'System Administration', 'Shutdown/Suspend');
  await page.locator('input[name="suspend_listener"]').check();
  await clickAndLoad(page, 'input[name="SuspendResume"]');
  assert.deepEqual(await banner(page), { title: 'Error', message: ACCESS_REFUSED });
  assert.deepEqual(e.cli.engine.api.operational().suspendedListeners, []);

  // Delivery domains typed into the chip box: a space makes a chip, as the drivers expect.
  const field = page.locator('xpath=//*[@id="form"]/dl[2]/dd/table/tbody/tr[3]/td/div[1]/ul/li/input');
  await field.pressSequentially('slow.example ');
  await page.locator('li.search-choice', { hasText: 'slow.example' }).waitFor();
  await clickAndLoad(page, 'input[name="SuspendResume"]');
  assert.deepEqual(await banner(page), { title: 'Error', message: ACCESS_REFUSED });
  assert.deepEqual(e.cli.engine.api.operational().suspendedDomains, []);

  await page.hover('img.logo');
  await page.hover('a.yuimenubaritemlabel-hassubmenu:text-is("Options")');
  await clickAndLoad(page, page.locator('a:visible', { hasText: 'Log Out' }));
  assert.match(await page.content(), /You have been logged out\./);
  assert.doesNotMatch(await page.content(), /Uncommitted Changes/);
  await page.context().close();
});
