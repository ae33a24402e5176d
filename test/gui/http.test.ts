// The web GUI over plain HTTP (no browser): login and its lockout shared with SSH, the session's
// idle timeout, the CSRF refusal, the 404 page, a guest refused every change as the CLI refuses
// it, the audit logs, and a page declared as data whose changes wait in the session's pending
// changes until Commit Changes — where a CLI session's commit of another setting lands as well.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { refuse, type ConfigChange } from '../../src/model/change.js';
import { integerField } from '../../src/model/field.js';
import { textField } from '../../src/model/field.js';
import { GUI_PAGES } from '../../src/gui/pages.js';
import { tablePage } from '../../src/gui/table-page.js';
import { NOTICE_BAD_TOKEN, NOTICE_EXPIRED, NOTICE_FAILED, NOTICE_LOCKED } from '../../src/gui/app.js';
import { COMMITTED, ABANDONED } from '../../src/gui/pages/commit.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { batch } from '../cli/cli-harness.js';
import { ADMIN_PASSWORD, addUser, bannerOf, csrfOf, startGuiEngine, titleOf, WebClient, type GuiEngine } from './gui-harness.js';

const GUEST_PASSWORD = 'Gu3st#Look!x';
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');

/** A table page declared in the test: the destinations' concurrency, with its own model operations. */
const destinationsPage = tablePage({
  place: { tab: 'Mail Policies', item: 'Test Destinations' },
  path: '/test/destinations',
  caption: 'Destinations',
  noun: 'Destination',
  addLabel: 'Add Destination...',
  columns: [{ name: 'Destination' }, { header: 'Concurrent Connections' }, { delete: true }],
  rows: (config) =>
    config.destinations.map((d) => ({
      key: d.domain,
      removable: d.domain !== 'DEFAULT',
      cells: { 'Concurrent Connections': String(d.concurrency ?? 'default') },
    })),
  form: (config, key) => {
    const d = key === undefined ? undefined : config.destinations.find((x) => x.domain === key);
    if (key !== undefined && !d) return undefined;
    return {
      fields: [
        {
          name: 'new_name',
          label: 'Destination',
          field: textField((t) => (/^[a-z0-9.-]+$/.test(t) ? undefined : 'Enter a domain.')),
          readOnly: key !== undefined,
        },
        { name: 'max_host_concurrency', label: 'Concurrent Connections', field: integerField({ min: 1, max: 1_000 }) },
      ],
      values: { new_name: d?.domain ?? '', max_host_concurrency: String(d?.concurrency ?? 10) },
    };
  },
  change: (values, _config, key): ConfigChange => {
    const domain = String(values.new_name);
    const concurrency = values.max_host_concurrency as number;
    return {
      description: `${key ? 'Edited' : 'Added'} destination ${domain}: concurrency ${concurrency}.`,
      apply(config) {
        const found = config.destinations.find((x) => x.domain === domain);
        if (!key && found) refuse(`The destination ${domain} exists already.`);
        if (found) found.concurrency = concurrency;
        else config.destinations.push({ domain, concurrency });
      },
    };
  },
  remove: (key) => ({
    description: `Deleted destination ${key}.`,
    apply(config) {
      config.destinations = config.destinations.filter((d) => d.domain !== key);
    },
  }),
});

let e: GuiEngine;
let wallNow = Date.UTC(2026, 0, 1);

before(async () => {
  e = await startGuiEngine({ pages: [...GUI_PAGES, destinationsPage], idleTimeoutMs: 30 * 60_000, now: () => wallNow });
  await addUser(e, 'guest1', 'Guests', GUEST_PASSWORD);
});

after(async () => {
  await e.stop();
});

test('only the login page says Welcome; a login lands on System Status with the menus', async () => {
  const w = new WebClient(e.base);
  const login = await w.get('/monitor/delivery_status');
  assert.equal(login.status, 200);
  assert.match(titleOf(login.text), /Welcome/);
  assert.match(login.text, /name="username"/);
  assert.match(login.text, /name="action:Login"/);
  const home = await w.login('admin', ADMIN_PASSWORD);
  assert.equal(home.status, 200);
  assert.equal(titleOf(home.text).split(' — ')[0], 'Monitor > System Status');
  assert.doesNotMatch(titleOf(home.text), /welcome/i);
  assert.match(home.text, /<img class="logo"/);
  assert.match(
    home.text,
    /class="yuimenubaritemlabel yuimenubaritemlabel-hassubmenu[^"]*" href="http:\/\/127\.0\.0\.1:\d+\/[^"]*"[^>]*>System Administration</,
  );
  assert.match(home.text, /href="http:\/\/127\.0\.0\.1:\d+\/system_administration\/shutdown_suspend">Shutdown\/Suspend</);
  assert.match(home.text, /<th>Messages Received<\/th>|<th class="i1">Messages Received<\/th>/);
  assert.doesNotMatch(home.text, /Uncommitted Changes|Loading|Application Error/);
});

test('an unknown page is a 404 page, never a trace; the root leads to the login', async () => {
  const w = new WebClient(e.base);
  const missing = await w.get('/no/such/page');
  assert.equal(missing.status, 404);
  assert.match(missing.text, /There is no page at \/no\/such\/page on this appliance\./);
  assert.doesNotMatch(missing.text, /Error:|at .*\.ts:\d+/);
  const root = await w.get('/');
  assert.equal(root.status, 302);
  assert.match(root.location ?? '', /\/login$/);
});

test('a form without its CSRF token does nothing and ends the session', async () => {
  const w = new WebClient(e.base);
  await w.login('admin', ADMIN_PASSWORD);
  const forged = await w.post('/monitor/system_status', { 'action:ResetCounters': 'Reset Counters' });
  assert.equal(forged.status, 403);
  assert.match(forged.text, new RegExp(escaped(NOTICE_BAD_TOKEN).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(titleOf(forged.text), /Welcome/);
  assert.equal(e.cli.engine.api.statusSnapshot(false).lastReset, undefined);
  const after = await w.get('/monitor/system_status');
  assert.match(titleOf(after.text), /Welcome/, 'the session ended');
  // A wrong token is the same.
  await w.login('admin', ADMIN_PASSWORD);
  const wrong = await w.post('/monitor/system_status', { CSRFKey: 'x'.repeat(43), 'action:ResetCounters': 'Reset Counters' });
  assert.equal(wrong.status, 403);
});

test('an idle session expires: the next page is the login page with one line', async () => {
  const w = new WebClient(e.base);
  const page = await w.login('admin', ADMIN_PASSWORD);
  wallNow += 31 * 60_000;
  const expired = await w.get('/monitor/delivery_status');
  assert.match(titleOf(expired.text), /Welcome/);
  assert.match(expired.text, new RegExp(NOTICE_EXPIRED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const post = await w.post('/monitor/system_status', { CSRFKey: csrfOf(page.text), 'action:ResetCounters': 'Reset Counters' });
  assert.equal(post.status, 401);
  assert.equal(e.cli.engine.api.statusSnapshot(false).lastReset, undefined);
  await e.cli.control.audit.flushed();
  const auth = await readFile(path.join(e.cli.engine.api.dataDir, 'logs', 'authentication'), 'utf8');
  assert.match(auth, /The web session of the user admin from 127\.0\.0\.1 expired after 30 minutes without activity\./);
});

test('an admin resets the counters and retries delivery: banners, cli_logs and gui_logs', async () => {
  const w = new WebClient(e.base);
  const page = await w.login('admin', ADMIN_PASSWORD);
  const reset = await w.follow(await w.post('/monitor/system_status', { CSRFKey: csrfOf(page.text), 'action:ResetCounters': 'Reset Counters' }));
  assert.equal(bannerOf(reset.text)?.title, 'Success');
  assert.match(bannerOf(reset.text)!.message, /^Counters reset: /);
  assert.notEqual(e.cli.engine.api.statusSnapshot(false).lastReset, undefined);
  const retry = await w.follow(await w.post('/monitor/delivery_status', { CSRFKey: csrfOf(reset.text), 'action:RetryAll': 'Retry All Delivery' }));
  assert.deepEqual(bannerOf(retry.text), { title: 'Success', message: 'Rescheduling all messages for immediate delivery.' });
  await e.cli.control.audit.flushed();
  const cli = await readFile(path.join(e.cli.engine.api.dataDir, 'logs', 'cli_logs'), 'utf8');
  assert.match(cli, /User admin \(127\.0\.0\.1\) entered 'resetcounters'/);
  assert.match(cli, /User admin \(127\.0\.0\.1\) entered 'delivernow ALL'/);
  const gui = await readFile(path.join(e.cli.engine.api.dataDir, 'logs', 'gui_logs'), 'utf8');
  assert.match(gui, /User admin \(127\.0\.0\.1\) on page 'Monitor > System Status': clicked "Reset Counters" => Success: Counters reset: /);
  const auth = await readFile(path.join(e.cli.engine.api.dataDir, 'logs', 'authentication'), 'utf8');
  assert.match(auth, /The user admin successfully logged on from 127\.0\.0\.1 using an HTTP connection \(password\)\./);
});

test('a guest reads every page and is refused every change, as the CLI refuses it', async () => {
  const w = new WebClient(e.base);
  const home = await w.login('guest1', GUEST_PASSWORD);
  const links = [...home.text.matchAll(/class="yuimenuitemlabel" href="([^"]+)">([^<]+)</g)].filter((m) => m[2] !== 'Log Out');
  assert.ok(links.length >= 8, `menu items: ${links.map((l) => l[2]).join(', ')}`);
  for (const [, href, label] of links) {
    const r = await w.get(href);
    assert.equal(r.status, 200, href);
    assert.match(titleOf(r.text), new RegExp(`> ${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} —`), href);
  }
  const token = csrfOf(home.text);
  const changes: [string, Record<string, string | string[]>][] = [
    ['/monitor/system_status', { 'action:ResetCounters': 'Reset Counters' }],
    ['/monitor/delivery_status', { 'action:RetryAll': 'Retry All Delivery' }],
    ['/system_administration/shutdown_suspend', { suspend_listener: 'IncomingMail', delay_suspend: '0', SuspendResume: 'Apply' }],
    ['/system_administration/shutdown_suspend', { domains: 'ALL', delay_suspend: '0', SuspendResume: 'Apply' }],
    ['/test/destinations', { key: '', new_name: 'guest.example', max_host_concurrency: '5', 'action:Submit': 'Submit' }],
  ];
  for (const [where, fields] of changes) {
    const r = await w.follow(await w.post(where, { CSRFKey: token, ...fields }));
    assert.deepEqual(bannerOf(r.text), { title: 'Error', message: ACCESS_REFUSED }, where);
  }
  assert.deepEqual(e.cli.engine.api.operational().suspendedListeners, []);
  assert.equal(e.cli.engine.api.operational().deliverySuspended, false);
  assert.doesNotMatch((await w.get('/monitor/system_status')).text, /Commit Changes »/);
});

test('five failed logins lock the address out (the right passphrase too), for SSH as for the web', async () => {
  const w = new WebClient(e.base);
  for (let i = 0; i < 5; i++) {
    const r = await w.login('admin', 'Wrong#Pass1');
    assert.equal(r.status, 401);
    assert.match(r.text, new RegExp(escaped(NOTICE_FAILED).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
  const locked = await w.login('admin', ADMIN_PASSWORD);
  assert.equal(locked.status, 401);
  assert.match(locked.text, new RegExp(NOTICE_LOCKED));
  assert.ok(e.cli.control.logins.lockout.locked('127.0.0.1'), 'the lockout SSH checks too');
  e.cli.control.logins.lockout.succeeded('127.0.0.1');
  // The five failures locked the account too (whatever the address): the later tests log in as admin.
  e.cli.control.logins.accounts.succeeded('admin');
  await e.cli.control.audit.flushed();
  const auth = await readFile(path.join(e.cli.engine.api.dataDir, 'logs', 'authentication'), 'utf8');
  assert.match(auth, /The address 127\.0\.0\.1 is locked out for 60 seconds after 5 failed logins\./);
  assert.match(auth, /An authentication attempt by the user admin from 127\.0\.0\.1 was refused: the address is locked out\./);
});

test('a page declared as data: field errors in place, a change waits for Commit Changes, a CLI commit lands too', async () => {
  const w = new WebClient(e.base);
  const list = await w.login('admin', ADMIN_PASSWORD);
  const token = csrfOf(list.text);
  const bad = await w.post('/test/destinations', {
    CSRFKey: token,
    key: '',
    new_name: 'slow.example',
    max_host_concurrency: '5000',
    'action:Submit': 'Submit',
  });
  assert.equal(bad.status, 200);
  assert.equal(bannerOf(bad.text)?.title, 'Error');
  assert.match(bad.text, /<div class="error">[^<]*1,000[^<]*<\/div>/);
  assert.match(bad.text, /value="slow\.example"/, 'what was typed is kept');
  assert.doesNotMatch(bad.text, /Commit Changes »/, 'nothing recorded');
  const good = await w.follow(
    await w.post('/test/destinations', { CSRFKey: token, key: '', new_name: 'slow.example', max_host_concurrency: '3', 'action:Submit': 'Submit' }),
  );
  assert.match(bannerOf(good.text)!.message, /Added destination slow\.example: concurrency 3\./);
  assert.match(good.text, /value="Commit Changes »"/);
  assert.match(good.text, /Uncommitted Changes/);
  assert.equal(
    e.cli.engine.api.config().destinations.some((d) => d.domain === 'slow.example'),
    false,
    'not applied before the commit',
  );
  // Meanwhile a CLI session commits another setting.
  const cli = await batch(e.cli.socket, 'bounceconfig edit Default max_retries=9\ncommit "from the CLI"\n');
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  const commitPage = await w.get('/system_administration/commit');
  assert.match(commitPage.text, /Added destination slow\.example/);
  assert.match(commitPage.text, /id="comment" name="comment"/);
  const done = await w.follow(
    await w.post('/system_administration/commit', { CSRFKey: token, comment: 'slow destination', 'action:Commit': 'Commit Changes' }),
  );
  assert.match(done.text, new RegExp(COMMITTED));
  assert.doesNotMatch(done.text, /Commit Changes »|Uncommitted Changes/);
  const config = e.cli.engine.api.config();
  assert.equal(config.destinations.find((d) => d.domain === 'slow.example')?.concurrency, 3);
  assert.equal(config.bounceProfiles.Default.max_retries, 9, "the CLI's commit is kept");
  assert.equal(config.commits.at(-1)?.comment, 'slow destination');
  // Abandon: a change recorded, then dropped.
  await w.post('/test/destinations', { CSRFKey: token, delete_key: 'slow.example', delete: 'Delete' });
  const abandoned = await w.follow(await w.post('/system_administration/commit', { CSRFKey: token, 'action:Abandon': 'Abandon Changes' }));
  assert.match(abandoned.text, new RegExp(ABANDONED));
  assert.equal(
    e.cli.engine.api.config().destinations.some((d) => d.domain === 'slow.example'),
    true,
  );
  // Logging out with a change pending says so, and drops it.
  await w.post('/test/destinations', { CSRFKey: token, delete_key: 'slow.example', delete: 'Delete' });
  const out = await w.get('/logout');
  assert.match(out.text, /You have been logged out\./);
  assert.match(out.text, /Uncommitted Changes/);
  const clean = new WebClient(e.base);
  await clean.login('admin', ADMIN_PASSWORD);
  assert.doesNotMatch((await clean.get('/logout')).text, /Uncommitted Changes/);
});
