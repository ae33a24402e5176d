// Network > Listeners, Mail Policies > HAT Overview, Mail Flow Policies and Recipient Access Table,
// System Administration > Users over plain HTTP: add, edit and delete through the forms, refusals
// beside their fields, changes waiting for Commit Changes and then seen by the CLI (and by the
// CLI's refusal of the same bad value), a user added here logging in, and the roles' refusals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMMITTED } from '../../src/gui/pages/commit.js';
import { NO_CUSTOM_POLICIES, NO_SENDER_GROUPS } from '../../src/gui/pages/host-access.js';
import { NO_GLOBAL_SETTINGS } from '../../src/gui/pages/listeners.js';
import { NO_FILES } from '../../src/gui/pages/recipient-access.js';
import { GENERATE_FIRST, NO_EXTERNAL_AUTH } from '../../src/gui/pages/users.js';
import { SIZE_ERROR } from '../../src/model/tables/host-access.js';
import { LISTENER_NAME_IN_USE } from '../../src/model/tables/listeners.js';
import { RESPONSE_ONLY_FOR_REJECT } from '../../src/model/tables/recipient-access.js';
import { ADMIN_STAYS } from '../../src/users/accounts.js';
import { PASSPHRASE_RULE, PASSPHRASES_DIFFER, WRONG_PASSPHRASE } from '../../src/users/passphrase.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { batch } from '../cli/cli-harness.js';
import { listenerPort } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import {
  ADMIN_PASSWORD,
  addUser,
  bannerOf as bannerWithEntities,
  csrfOf,
  startGuiEngine,
  titleOf,
  WebClient,
  type GuiEngine,
  type Reply,
} from './gui-harness.js';

const LISTENERS = '/network/listeners';
const HAT = '/mail_policies/hat_overview';
const MFP = '/mail_policies/mail_flow_policies';
const RAT = '/mail_policies/rat';
const USERS = '/system_administration/users';
const GUEST_PASSWORD = 'Gu3st#Look!x';
const OPERATOR_PASSWORD = 'Op3rat0r#Desk';

let e: GuiEngine;

before(async () => {
  e = await startGuiEngine();
  await addUser(e, 'guest1', 'Guests', GUEST_PASSWORD);
  await addUser(e, 'oper1', 'Operators', OPERATOR_PASSWORD);
});

after(async () => {
  await e.stop();
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The banner's title and message, its text as shown. */
function bannerOf(html: string): { title: string; message: string } | undefined {
  const b = bannerWithEntities(html);
  return b && { title: b.title, message: decode(b.message) };
}

/** The error shown beside a field (in the field's own cell), if any. */
function fieldError(html: string, name: string): string | undefined {
  const at = html.indexOf(`id="${name}"`);
  assert.ok(at >= 0, `no field ${name} on the page`);
  const m = /<div class="error">([^<]*)<\/div>/.exec(html.slice(at, html.indexOf('</td>', at)));
  return m ? decode(m[1]) : undefined;
}

/** A logged-in client and its form token. */
async function session(user = 'admin', password = ADMIN_PASSWORD): Promise<{ w: WebClient; token: string }> {
  const w = new WebClient(e.base);
  const home = await w.login(user, password);
  assert.doesNotMatch(titleOf(home.text), /Welcome/, `${user} logged in`);
  return { w, token: csrfOf(home.text) };
}

/** Posts a form of a page with its token; follows a redirect (a refusal in place renders at once). */
async function post(s: { w: WebClient; token: string }, path: string, fields: Record<string, string | string[]>): Promise<Reply> {
  return s.w.follow(await s.w.post(path, { CSRFKey: s.token, ...fields }));
}

async function commit(s: { w: WebClient; token: string }, comment: string): Promise<void> {
  const done = await post(s, '/system_administration/commit', { comment, 'action:Commit': 'Commit Changes' });
  assert.equal(bannerOf(done.text)?.title, 'Success', bannerOf(done.text)?.message);
  assert.match(done.text, new RegExp(COMMITTED));
}

async function cli(lines: string): Promise<string> {
  const r = await batch(e.cli.socket, `${lines}\n`);
  return r.stdout + r.stderr;
}

const listenerForm = (o: Record<string, string>) => ({
  key: '',
  list_name: 'Relay1',
  type: 'Private',
  interface: 'Loopback',
  other_address: '',
  list_port: '0',
  relay_hosts: '10.0.0.0/8, 127.0.0.1',
  accept: '',
  bounce_profile: 'Default',
  certificate: 'Demo',
  max_concurrency: '7',
  listen_queue_size: '9',
  'action:Submit': 'Submit',
  ...o,
});

test('Listeners: add (errors beside the fields), commit, the CLI lists it on its bound port; edit, delete', async () => {
  const s = await session();
  const list = await s.w.get(LISTENERS);
  assert.equal(titleOf(list.text).split(' — ')[0], 'Network > Listeners');
  assert.match(list.text, /<input type="button" value="Add Listener\.\.\."/);
  assert.match(list.text, /<td><a href="[^"]+">IncomingMail<\/a><\/td>/);
  assert.match(list.text, /<img class="row-delete"[^>]*data-submit-value="IncomingMail"/);

  const form = await s.w.get(`${LISTENERS}?add=1`);
  for (const id of [
    'list_name',
    'type_public',
    'type_private',
    'list_port',
    'interface',
    'bounce_profile',
    'relay_hosts',
    'max_concurrency',
    'listen_queue_size',
  ])
    assert.match(form.text, new RegExp(`id="${id}"`), id);
  // The certificate STARTTLS presents: certconfig's certificates, the demo one to begin with.
  assert.match(form.text, /<select id="certificate" name="certificate"><option value="Demo" selected="">Demo<\/option><\/select>/);

  const bad = await post(s, LISTENERS, listenerForm({ list_name: 'IncomingMail', list_port: '70000' }));
  assert.equal(bad.status, 200);
  assert.equal(bannerOf(bad.text)?.title, 'Error');
  assert.equal(fieldError(bad.text, 'list_name'), LISTENER_NAME_IN_USE);
  assert.equal(fieldError(bad.text, 'list_port'), 'Value must be an integer from 0 to 65,535.');
  assert.match(bad.text, /value="10\.0\.0\.0\/8, 127\.0\.0\.1"/, 'what was typed is kept');

  // The same bad value, refused with the same words by the CLI.
  const tooMany = await post(s, LISTENERS, listenerForm({ max_concurrency: '5000' }));
  const guiWhy = fieldError(tooMany.text, 'max_concurrency')!;
  assert.match(await cli('listenerconfig edit IncomingMail max_connections=5000'), new RegExp(`Invalid "max_connections" value: ${escapeRegExp(guiWhy)}`));

  const added = await post(s, LISTENERS, listenerForm({}));
  assert.deepEqual(bannerOf(added.text), {
    title: 'Success',
    message: 'Created listener "Relay1" on 127.0.0.1:0 (Private).\nCommit your changes to make them take effect.',
  });
  assert.match(added.text, /value="Commit Changes »"/);
  assert.equal(e.cli.engine.api.listenerViews().length, 1, 'not bound before the commit');
  await commit(s, 'a relay listener');

  const port = listenerPort(e.cli.engine, 'Relay1');
  assert.ok(port > 0);
  assert.match(await cli('listenerconfig list'), new RegExp(`Relay1 \\(on Loopback, 127\\.0\\.0\\.1\\) SMTP TCP Port ${port} Private`));
  const config = e.cli.engine.api.config().listeners.find((l) => l.name === 'Relay1')!;
  assert.deepEqual([config.relayHosts, config.maxConnections, config.listenQueue], [['10.0.0.0/8', '127.0.0.1'], 7, 9]);
  const shown = await s.w.get(LISTENERS);
  assert.match(shown.text, new RegExp(`>Relay1</a></td><td>Private</td><td>Loopback \\(127\\.0\\.0\\.1\\)</td><td>${port}</td>`));

  const edit = await s.w.get(`${LISTENERS}?edit=Relay1`);
  assert.match(edit.text, /id="list_name" name="list_name" value="Relay1"/);
  assert.match(edit.text, /id="type_private" value="Private" checked/);
  const edited = await post(s, LISTENERS, listenerForm({ key: 'Relay1', list_name: 'Relay2', max_concurrency: '8' }));
  assert.equal(
    bannerOf(edited.text)?.message.split('\n')[0],
    'Edited listener "Relay1": maxConnections 7 -> 8, listenQueue 9 -> 9. Edited listener "Relay1": name -> Relay2.',
  );
  const removed = await post(s, LISTENERS, { delete_row: 'Relay2' });
  assert.equal(bannerOf(removed.text)?.message.split('\n')[0], 'Deleted listener "Relay2".');
  await commit(s, 'relay listener gone');
  assert.deepEqual(
    e.cli.engine.api.listenerViews().map((l) => l.name),
    ['IncomingMail'],
  );
  assert.deepEqual(bannerOf((await post(s, LISTENERS, { EditGlobalForm: 'Edit Global Settings...' })).text), { title: 'Error', message: NO_GLOBAL_SETTINGS });
});

test('Mail Flow Policies: the Default Policy Parameters per listener; the greeting follows; HAT Overview shows the table acted on', async () => {
  const s = await session();
  const list = await s.w.get(MFP);
  assert.match(list.text, /<select id="listener_id" name="listener_id"[^>]*><option value="IncomingMail" selected="">IncomingMail<\/option>/);
  assert.match(list.text, /<a href="[^"]+">Default Policy Parameters<\/a>/);
  assert.match(list.text, /id="envSenderRateLimitLinkClosed"/);
  const edit = await s.w.get(`${MFP}?listener_id=IncomingMail&edit=Default%20Policy%20Parameters`);
  assert.match(edit.text, /id="max_message_size" name="max_message_size" value="10M"/);
  assert.match(edit.text, /id="envSenderRateLimitLinkClosed"/);

  const fields = {
    key: 'Default Policy Parameters',
    max_msgs_per_session: '1000000',
    max_rcpts_per_msg: '5',
    max_message_size: '200M',
    max_concurrency: '25',
    smtp_banner_code: '220',
    smtp_banner_text: 'Welcome to the lab',
    reject_banner_code: '554',
    reject_banner_text: '',
    override_hostname: 'mx.example.com',
    tls: 'No',
    'action:Submit': 'Submit',
  };
  const bad = await post(s, `${MFP}?listener_id=IncomingMail`, fields);
  assert.equal(fieldError(bad.text, 'max_message_size'), SIZE_ERROR);
  assert.match(await cli('listenerconfig edit IncomingMail max_size=200M'), new RegExp(`Invalid "max_size" value: ${escapeRegExp(SIZE_ERROR)}`));
  const done = await post(s, `${MFP}?listener_id=IncomingMail`, { ...fields, max_message_size: '5M' });
  assert.match(
    bannerOf(done.text)!.message,
    /^Edited listener "IncomingMail": maxMessageSize 10M -> 5M, maxRecipients 1,000 -> 5, bannerHostname none -> mx\.example\.com, acceptResponse none -> 220 Welcome to the lab\./,
  );
  await commit(s, 'default policy');
  const printed = await cli('listenerconfig edit IncomingMail hostaccess print');
  assert.match(printed, /Maximum Message Size: 5M/);
  assert.match(printed, /Maximum Number Of Recipients Per Message: 5/);
  assert.match(printed, /SMTP Banner Hostname: mx\.example\.com/);
  assert.match(printed, /Custom SMTP Acceptance Response: 220 Welcome to the lab/);
  const smtp = await SmtpTalk.open(listenerPort(e.cli.engine));
  assert.equal(await smtp.reply(), '220 mx.example.com Welcome to the lab');
  smtp.close();
  assert.deepEqual(bannerOf((await post(s, `${MFP}?listener_id=IncomingMail`, { AddPolicy: 'Add Policy...' })).text), {
    title: 'Error',
    message: NO_CUSTOM_POLICIES,
  });

  // A Private listener made in the CLI: its HAT relays for its hosts and rejects the rest.
  assert.match(await cli('listenerconfig new Outbound 127.0.0.1:0 type=private relay=10.0.0.0/8\ncommit "outbound"'), /Listener Outbound created\./);
  const hat = await s.w.get(`${HAT}?listener_id=Outbound`);
  assert.match(hat.text, /<option value="Outbound" selected="">Outbound<\/option>/);
  assert.match(
    hat.text,
    /<table class="col-base">[\s\S]*<td>10\.0\.0\.0\/8 \(relay host\)<\/td><td>Relay<\/td>[\s\S]*<td>ALL \(every other sender\)<\/td><td>Reject<\/td>/,
  );
  assert.deepEqual(bannerOf((await post(s, `${HAT}?listener_id=Outbound`, { AddSenderGroup: 'Add Sender Group...' })).text), {
    title: 'Error',
    message: NO_SENDER_GROUPS,
  });
});

test('Recipient Access Table: Public listeners only; add, edit, delete, clear; the CLI prints the same table', async () => {
  const s = await session();
  await cli('listenerconfig new Outbound2 127.0.0.1:0 type=private relay=127.0.0.1\ncommit "private"');
  const list = await s.w.get(RAT);
  assert.match(list.text, /<option value="IncomingMail" selected="">IncomingMail<\/option>/);
  assert.doesNotMatch(list.text, /<option value="Outbound2"/, 'a Private listener has no RAT');
  assert.match(list.text, /<a href="[^"]+">example\.com<\/a><\/td><td>Accept<\/td>/);
  assert.match(list.text, /<a href="[^"]+">All Other Recipients<\/a><\/td><td>Reject<\/td>/);
  assert.doesNotMatch(list.text, /value="All Other Recipients"/, 'the catch-all has no delete box');

  const at = `${RAT}?listener_id=IncomingMail`;
  const entry = {
    key: '',
    rat_address: 'boss@example.com',
    rat_action: 'Reject',
    smtp_response: 'Yes',
    smtp_response_code: '551',
    smtp_response_text: 'Moved away',
    'action:Submit': 'Submit',
  };
  const dup = await post(s, at, { ...entry, rat_address: 'example.com' });
  const already = 'The address "example.com" is already in the Recipient Access Table: use EDIT to change it.';
  assert.equal(fieldError(dup.text, 'rat_address'), already);
  assert.match(await cli('listenerconfig edit IncomingMail rcptaccess add example.com accept'), new RegExp(escapeRegExp(already)));
  const acceptWithReply = await post(s, at, { ...entry, rat_action: 'Accept' });
  assert.equal(fieldError(acceptWithReply.text, 'smtp_response_no'), RESPONSE_ONLY_FOR_REJECT);
  const added = await post(s, at, entry);
  assert.equal(bannerOf(added.text)?.message.split('\n')[0], 'Edited listener "IncomingMail": RAT added boss@example.com REJECT (551 Moved away).');
  const changed = await post(s, at, { ...entry, key: 'boss@example.com', smtp_response_text: 'Gone fishing' });
  assert.equal(bannerOf(changed.text)?.message.split('\n')[0], 'Edited listener "IncomingMail": RAT changed boss@example.com REJECT (551 Gone fishing).');
  const others = await post(s, at, {
    key: 'All Other Recipients',
    rat_action: 'Accept',
    smtp_response: 'No',
    smtp_response_code: '550',
    smtp_response_text: '',
    'action:Submit': 'Submit',
  });
  assert.equal(bannerOf(others.text)?.message.split('\n')[0], 'Edited listener "IncomingMail": RAT changed ALL ACCEPT.');
  await post(s, at, { ...entry, rat_address: 'temp@example.com, .example.net', smtp_response: 'No' });
  const deleted = await post(s, at, { delete_key: 'temp@example.com', delete: 'Delete' });
  assert.equal(bannerOf(deleted.text)?.message.split('\n')[0], 'Edited listener "IncomingMail": RAT deleted temp@example.com.');
  await commit(s, 'rat entries');
  const printed = await cli('listenerconfig edit IncomingMail rcptaccess print');
  assert.match(printed, /example\.com ACCEPT\nboss@example\.com REJECT\nALL ACCEPT\n\.example\.net REJECT\n/);
  const shown = await s.w.get(at);
  assert.match(shown.text, /boss@example\.com<\/a><\/td><td>Reject<\/td><td>551 Gone fishing<\/td>/);

  const cleared = await post(s, at, { ClearAll: 'Clear All Entries' });
  assert.equal(bannerOf(cleared.text)?.message.split('\n')[0], 'Edited listener "IncomingMail": RAT cleared, ALL ACCEPT.');
  assert.deepEqual(bannerOf((await post(s, at, { ImportRAT: 'Import RAT...' })).text), { title: 'Error', message: NO_FILES });
  await post(s, '/system_administration/commit', { 'action:Abandon': 'Abandon Changes' });
  assert.equal(e.cli.engine.api.config().listeners[0].rat.length, 4, 'the clearing was abandoned');
});

const userForm = (o: Record<string, string>) => ({
  key: '',
  userName: 'Carol',
  fullName: 'Carol Jones',
  role_type: 'Predefined',
  group: 'Operator',
  password_option: 'Enter Passphrase',
  passwdv: 'Bl4ck#Coffee',
  repasswd: 'Bl4ck#Coffee',
  sysgen: '',
  old_pwd: ADMIN_PASSWORD,
  'action:Submit': 'Submit',
  ...o,
});

test('Users: add with the own passphrase and the rules, commit, the user logs in and userconfig lists it; edit, delete', async () => {
  const s = await session();
  const list = await s.w.get(USERS);
  assert.match(list.text, /Two-Factor Authentication is disabled\./);
  assert.match(list.text, /<input type="submit" id="user" name="user" value="Enable\.\.\."/);
  assert.match(list.text, /id="control_all_box"/);
  assert.doesNotMatch(list.text, /data-submit-value="admin"/, 'admin cannot be deleted');

  const wrongOwn = await post(s, USERS, userForm({ old_pwd: 'Wrong#Pass12' }));
  assert.equal(fieldError(wrongOwn.text, 'old_pwd'), WRONG_PASSPHRASE);
  const weak = await post(s, USERS, userForm({ passwdv: 'weak', repasswd: 'weak' }));
  assert.equal(fieldError(weak.text, 'passwdv'), PASSPHRASE_RULE);
  // The CLI refuses the same passphrase with the same words.
  assert.match(await cli('userconfig new weakling role=guest password=weak'), new RegExp(escapeRegExp(PASSPHRASE_RULE)));
  const differ = await post(s, USERS, userForm({ repasswd: 'Bl4ck#Coffea' }));
  assert.equal(fieldError(differ.text, 'repasswd'), PASSPHRASES_DIFFER);
  assert.doesNotMatch(differ.text, /Bl4ck#Coffe|Adm1n#Secret/, 'passphrases are never sent back');
  assert.match(differ.text, /id="fullName" name="fullName" value="Carol Jones"/);

  const added = await post(s, USERS, userForm({}));
  assert.equal(bannerOf(added.text)?.message.split('\n')[0], 'Created user "carol" (Operators).');
  // A generated passphrase: the form offers it behind Generate; none chosen is refused.
  const form = await s.w.get(`${USERS}?add=1`);
  const offered = /data-fill="sysgen" data-values="([^"]+)"/.exec(form.text)![1].split(' ');
  assert.equal(offered.length, 5);
  const generated = { userName: 'dave', fullName: 'Dave', group: 'Guest', password_option: 'Generate Passphrase', passwdv: '', repasswd: '' };
  assert.equal(fieldError((await post(s, USERS, userForm(generated))).text, 'sysgen'), GENERATE_FIRST);
  await post(s, USERS, userForm({ ...generated, sysgen: offered[2] }));
  await commit(s, 'two users');

  assert.match(await cli('userconfig'), /\d\. carol - Carol Jones \(Operators\)[\s\S]*\d\. dave - Dave \(Guests\)/);
  const carol = await session('carol', 'Bl4ck#Coffee');
  await session('dave', offered[2]);

  // Carol may look, not manage users.
  assert.match((await carol.w.get(USERS)).text, />carol<\/a>/);
  assert.deepEqual(bannerOf((await post(carol, USERS, userForm({ userName: 'eve' }))).text), { title: 'Error', message: ACCESS_REFUSED });
  assert.deepEqual(bannerOf((await post(carol, USERS, { delete_row: 'dave' })).text), { title: 'Error', message: ACCESS_REFUSED });

  const keep = { key: 'carol', group: 'Guest', passphrase_change: 'No Change', password_option: 'Enter Passphrase', passwdv: '', repasswd: '' };
  assert.equal(bannerOf((await post(s, USERS, userForm(keep))).text)?.message.split('\n')[0], 'Edited user "carol": role Guests.');
  assert.equal(fieldError((await post(s, USERS, userForm({ ...keep, key: 'admin', group: 'Guest' }))).text, 'group'), ADMIN_STAYS);
  assert.equal(bannerOf((await post(s, USERS, { delete_row: 'dave' })).text)?.message.split('\n')[0], 'Deleted user "dave".');
  assert.deepEqual(bannerOf((await post(s, USERS, { delete_row: 'admin' })).text), { title: 'Error', message: 'User admin cannot be deleted' });
  assert.deepEqual(bannerOf((await post(s, USERS, { user: 'Enable...' })).text), { title: 'Error', message: NO_EXTERNAL_AUTH });
  await commit(s, 'carol a guest, dave gone');
  assert.deepEqual(
    e.cli.engine.api.config().users.map((u) => `${u.name} ${u.role}`),
    ['admin admin', 'guest1 guest', 'oper1 operator', 'carol guest'],
  );
});

test('a guest reads these pages and is refused every change; an operator changes listeners, not users', async () => {
  const guest = await session('guest1', GUEST_PASSWORD);
  for (const path of [LISTENERS, `${LISTENERS}?add=1`, HAT, MFP, RAT, USERS, `${USERS}?add=1`]) assert.equal((await guest.w.get(path)).status, 200, path);
  const changes: [string, Record<string, string>][] = [
    [LISTENERS, listenerForm({ list_name: 'GuestOne' })],
    [LISTENERS, { delete_row: 'IncomingMail' }],
    [LISTENERS, { EditGlobalForm: 'Edit Global Settings...' }],
    [HAT, { AddSenderGroup: 'Add Sender Group...' }],
    [MFP, { key: 'Default Policy Parameters', max_rcpts_per_msg: '1', 'action:Submit': 'Submit' }],
    [MFP, { AddPolicy: 'Add Policy...' }],
    [RAT, { key: '', rat_address: 'guest@example.com', rat_action: 'Accept', smtp_response: 'No', 'action:Submit': 'Submit' }],
    [RAT, { delete_key: 'example.com', delete: 'Delete' }],
    [RAT, { ClearAll: 'Clear All Entries' }],
    [USERS, userForm({ userName: 'mallory', old_pwd: GUEST_PASSWORD })],
    [USERS, { delete_row: 'oper1' }],
    [USERS, { user: 'Enable...' }],
  ];
  for (const [path, fields] of changes)
    assert.deepEqual(bannerOf((await post(guest, path, fields)).text), { title: 'Error', message: ACCESS_REFUSED }, `${path} ${Object.keys(fields).at(-1)}`);
  assert.doesNotMatch((await guest.w.get(LISTENERS)).text, /Commit Changes »/);

  const oper = await session('oper1', OPERATOR_PASSWORD);
  const added = await post(oper, LISTENERS, listenerForm({ list_name: 'OperOne' }));
  assert.equal(bannerOf(added.text)?.title, 'Success');
  assert.deepEqual(bannerOf((await post(oper, USERS, userForm({ userName: 'mallory', old_pwd: OPERATOR_PASSWORD }))).text), {
    title: 'Error',
    message: ACCESS_REFUSED,
  });
  await post(oper, '/system_administration/commit', { 'action:Abandon': 'Abandon Changes' });
});
