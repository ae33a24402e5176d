// The steps Cisco's Selenium drivers take in the legacy GUI, for the browser tests: log in, move
// through the menus (hover the logo, hover the tab, click the visible item), click and wait for
// the next page, read the result banner, commit with a comment.
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';

/** A fresh browser context at 1280×800, logged in as `user`. */
export async function login(browser: Browser, base: string, user: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  assert.match(await page.title(), /Welcome/);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await clickAndLoad(page, 'input[name="action:Login"]');
  assert.doesNotMatch(await page.title(), /welcome/i);
  return page;
}

/** Does `act` and waits for the next page's load event (registered first, so an early load is not missed). */
export async function andLoad(page: Page, act: () => Promise<unknown>): Promise<void> {
  const loaded = page.waitForEvent('load');
  await act();
  await loaded;
}

export const clickAndLoad = (page: Page, target: string | Locator): Promise<void> =>
  andLoad(page, () => (typeof target === 'string' ? page.locator(target) : target).click());

/** The drivers' navigation: hover the logo, hover the tab, click the first visible item with an absolute href. */
export async function navigate(page: Page, tab: string, item: string): Promise<void> {
  await page.hover('img.logo');
  await page.hover(`a.yuimenubaritemlabel-hassubmenu:text-is("${tab}")`);
  const link = page.locator(`a[href^="http"]:visible`, { hasText: item }).first();
  await clickAndLoad(page, link);
  assert.equal((await page.title()).split(' — ')[0], `${tab} > ${item}`);
}

export async function banner(page: Page): Promise<{ title: string; message: string }> {
  await page.locator('#action-results-title').waitFor({ state: 'visible' });
  return { title: await page.locator('#action-results-title').innerText(), message: await page.locator('#action-results-message').innerText() };
}

/** The header's "Commit Changes »", a comment, "Commit Changes": the drivers' commit_changes. */
export async function commitChanges(page: Page, comment: string): Promise<void> {
  await clickAndLoad(page, 'input[value="Commit Changes »"]');
  await page.fill('#comment', comment);
  await clickAndLoad(page, 'input[value="Commit Changes"]');
  assert.match(await page.content(), /Your changes have been committed\./);
}
