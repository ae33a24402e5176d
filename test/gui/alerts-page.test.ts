// System Administration > Alerts over plain HTTP: a recipient added with the class/severity grid
// and committed is what alertconfig lists; the row's delete icon is the 13th cell after the
// address, as the appliance's drivers find it; the same bad address gets the CLI's refusal; the
// global settings; a guest reads the page and is refused every change.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { batch } from '../cli/cli-harness.js';
import { ADMIN_PASSWORD, addUser, bannerOf, csrfOf, startGuiEngine, WebClient, type GuiEngine, type Reply } from './gui-harness.js';

const ALERTS = '/system_administration/alerts';
const SETTINGS = '/system_administration/alerts/settings';
const GUEST_PASSWORD = 'Gu3st#Look!x';

let e: GuiEngine;

before(async () => {
  e = await startGuiEngine();
  await addUser(e, 'guest1', 'Guests', GUEST_PASSWORD);
});

after(async () => {
  await e.stop();
});

async function session(user = 'admin', password = ADMIN_PASSWORD): Promise<{ w: WebClient; token: string }> {
  const w = new WebClient(e.base);
  const home = await w.login(user, password);
  return { w, token: csrfOf(home.text) };
}

async function post(s: { w: WebClient; token: string }, path: string, fields: Record<string, string | string[]>): Promise<Reply> {
  return s.w.follow(await s.w.post(path, { CSRFKey: s.token, ...fields }));
}

const decode = (t: string) =>
  t
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

test('Alerts: add with the grid, commit, alertconfig lists it; the delete icon 13 cells on; refusals; settings; delete', async () => {
  const admin = await session();
  const page = await admin.w.get(ALERTS);
  assert.equal(page.status, 200);
  assert.match(page.text, /There are no alerts stored currently on the appliance/);
  assert.match(page.text, /value="Add Recipient\.\.\."/);

  const bad = await post(admin, ALERTS, { key: '', recipient: 'nobody', 'system-critical': 'Yes', 'action:Submit': 'Submit' });
  assert.match(decode(bad.text), /An email address is a localname and a domain joined by "@", such as admin@example\.com\./);
  const none = await post(admin, ALERTS, { key: '', recipient: 'ops@example.net', 'action:Submit': 'Submit' });
  assert.match(none.text, /Choose at least one alert class and severity\./);

  const added = await post(admin, ALERTS, {
    key: '',
    recipient: 'ops@example.net',
    'system-critical': 'Yes',
    'system-warning': 'Yes',
    'rnt-all': 'Yes',
    'action:Submit': 'Submit',
  });
  assert.equal(bannerOf(added.text)?.title, 'Success', added.text);
  const list = (await admin.w.get(ALERTS)).text;
  const row = list.slice(list.indexOf('>ops@example.net</a></td>'));
  const cells = row.split('<td').slice(1);
  assert.doesNotMatch(cells.slice(0, 12).join(''), /row-delete/);
  assert.match(cells[12], /class="row-delete"/, 'the delete icon is in the 13th cell after the address');

  const dup = await post(admin, ALERTS, { key: '', recipient: 'OPS@example.net', 'all-all': 'Yes', 'action:Submit': 'Submit' });
  assert.match(dup.text, /already receives alerts/);

  const settings = await admin.w.get(SETTINGS);
  assert.equal(settings.status, 200);
  const wrong = await post(admin, SETTINGS, {
    from_address: '',
    initial_seconds: '600',
    max_seconds: '300',
    forecast_down: '0',
    forecast_bounce: '6',
    forecast_full: '60',
    'action:Submit': 'Submit',
  });
  assert.match(wrong.text, /The maximum number of seconds must be at least the initial number of seconds\./);
  const set = await post(admin, SETTINGS, {
    from_address: 'esa@example.net',
    initial_seconds: '60',
    max_seconds: '600',
    forecast_down: '5',
    forecast_bounce: '6',
    forecast_full: '60',
    'action:Submit': 'Submit',
  });
  assert.equal(bannerOf(set.text)?.title, 'Success', set.text);

  const committed = await post(admin, '/system_administration/commit', { comment: 'alerts', 'action:Commit': 'Commit Changes' });
  assert.equal(bannerOf(committed.text)?.title, 'Success');
  const printed = await batch(e.cli.socket, 'alertconfig print\n');
  assert.match(
    printed.stdout,
    /1\. ops@example\.net\n {8}Class: System - Severities: Critical, Warning\n {8}Class: Release and Support Notifications - Severities: All\n/,
  );
  assert.match(printed.stdout, /Duplicate alerts are held back 60 seconds at first, doubling up to 600 seconds\./);
  assert.match(printed.stdout, /Alerts are sent from esa@example\.net\./);

  const deleted = await post(admin, ALERTS, { delete_row: 'ops@example.net' });
  assert.equal(bannerOf(deleted.text)?.title, 'Success');
  await post(admin, '/system_administration/commit', { 'action:Abandon': 'Abandon Changes' });
});

test('Alerts: a guest reads the page and is refused every change', async () => {
  const guest = await session('guest1', GUEST_PASSWORD);
  assert.equal((await guest.w.get(ALERTS)).status, 200);
  const changes: Record<string, string>[] = [
    { key: '', recipient: 'eve@example.net', 'all-all': 'Yes', 'action:Submit': 'Submit' },
    { delete_row: 'ops@example.net' },
  ];
  for (const fields of changes) {
    const r = await post(guest, ALERTS, fields);
    assert.deepEqual(bannerOf(r.text), { title: 'Error', message: ACCESS_REFUSED });
  }
  const r = await post(guest, SETTINGS, {
    from_address: '',
    initial_seconds: '1',
    max_seconds: '2',
    forecast_down: '0',
    forecast_bounce: '6',
    forecast_full: '60',
    'action:Submit': 'Submit',
  });
  assert.deepEqual(bannerOf(r.text), { title: 'Error', message: ACCESS_REFUSED });
});
