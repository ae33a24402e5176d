// Network > Bounce Profiles, Network > SMTP Routes and Mail Policies > Destination Controls over
// plain HTTP, submitted as a browser submits their forms: add, edit, delete; every refusal beside
// its field in the model's words with nothing recorded; the Default entries and global settings;
// a change committed in the GUI is what the CLI then shows; a guest reads and is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMMITTED } from '../../src/gui/pages/commit.js';
import { DomainPattern } from '../../src/model/domain-pattern.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { batch, oneLine } from '../cli/cli-harness.js';
import { ADMIN_PASSWORD, addUser, bannerOf, csrfOf, startGuiEngine, submitForm, titleOf, WebClient, type GuiEngine, type Reply } from './gui-harness.js';

const GUEST_PASSWORD = 'Gu3st#Look!x';
const RECORDED = 'Commit your changes to make them take effect.';
const BOUNCE = '/network/bounce_profiles';
const ROUTES = '/network/smtp_routes';
const DESTINATIONS = '/mail_policies/destination_controls';
const NBSP = '\u00a0';

let e: GuiEngine;

before(async () => {
  e = await startGuiEngine();
  await addUser(e, 'guest1', 'Guests', GUEST_PASSWORD);
  const r = await batch(e.cli.socket, 'bounceconfig new Quick max_retries=3\ncommit "a profile for destinations"\n');
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

after(async () => {
  await e?.stop();
});

/** The field errors of a page, by the last id before each error (a radio group: its last option; a table of rows: its add button). */
function errorsOf(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<div class="error">([^<]*)<\/div>/g)) {
    const id = [...html.slice(0, m.index).matchAll(/\sid="([^"]+)"/g)].at(-1)?.[1] ?? '?';
    out[id] = m[1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  }
  return out;
}

const banner = (r: Reply) => bannerOf(r.text);
const success = (...lines: string[]) => ({ title: 'Success', message: [...lines, RECORDED].join('\n') });
/** The pending changes of the client's session. */
const pendingOf = (w: WebClient): readonly string[] => e.gui.sessions.find(w.cookies.get('esa_sid'), false)!.pending.descriptions;

/** A submission refused field by field: shown again at once with the errors in place, nothing recorded. */
async function refusedInPlace(w: WebClient, submit: Promise<Reply>, errors: Record<string, string>): Promise<Reply> {
  const before = [...pendingOf(w)];
  const r = await submit;
  assert.equal(r.status, 200, 'shown again at once, not redirected');
  assert.equal(banner(r)?.title, 'Error');
  assert.deepEqual(errorsOf(r.text), errors);
  assert.deepEqual(pendingOf(w), before, 'nothing recorded');
  return r;
}

async function admin(): Promise<WebClient> {
  const w = new WebClient(e.base);
  await w.login('admin', ADMIN_PASSWORD);
  return w;
}

async function commit(w: WebClient, comment: string): Promise<void> {
  const page = await w.get('/system_administration/commit');
  const done = await w.follow(await w.post('/system_administration/commit', { CSRFKey: csrfOf(page.text), comment, 'action:Commit': 'Commit Changes' }));
  assert.match(done.text, new RegExp(COMMITTED));
}

/** The list's rows as the drivers read them: the cells' texts, tags dropped. */
function listRows(html: string): string[][] {
  const table = /<table class="cols">([\s\S]*?)<\/table>/.exec(html)![1];
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .filter((r) => r[1].startsWith('<td'))
    .map((r) =>
      [...r[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) =>
        c[1]
          .replace(/<input[^>]*value="([^"]*)"[^>]*>/g, '[x $1]')
          .replace(/<[^>]+>/g, '')
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&'),
      ),
    );
}

const cli = async (line: string) => {
  const r = await oneLine(e.cli.socket, line);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
};

test('Bounce Profiles: add with every kind of setting, refusals in place, edit and rename, the Default profile, global settings, delete', async () => {
  const w = await admin();
  const list = await w.get(BOUNCE);
  assert.equal(titleOf(list.text).split(' — ')[0], 'Network > Bounce Profiles');
  assert.match(list.text, /<input type="button" id="EditGlobalForm" name="EditGlobalForm" value="Edit Settings\.\.\."/);
  assert.match(list.text, /<input type="button" value="Add Bounce Profile\.\.\."/);
  const rows = listRows(list.text);
  assert.deepEqual(rows[0].slice(0, 4), ['Default', NBSP, '100', '259,200 s'], 'Default: no Delete box');
  assert.deepEqual(rows[1].slice(0, 3), ['Quick', '[x Quick]', '3']);

  const add = await w.get(`${BOUNCE}?add=1`);
  // Every input of the form is in the DOM, shown or not, with the appliance's ids.
  for (const id of [
    'newName',
    'max_retries',
    'max_queue_lifetime',
    'initial_retry',
    'max_retry_timeout',
    'default_bounces',
    'yes_bounces',
    'no_bounces',
    'default_dsn',
    'yes_dsn',
    'no_dsn',
    'bounce_subject',
    'bounce_tmpl[0][tmpl]_id',
    'bounce_tmpl[0][lang]',
    'bounce_tmpl_domtable_AddRow',
    'default_dsn_parse',
    'yes_dsn_parse',
    'no_dsn_parse',
    'default_warnings',
    'yes_warnings',
    'no_warnings',
    'delay_subject',
    'delay_tmpl[0][tmpl]_id',
    'send_warnings_interval',
    'send_warnings_count',
    'message_sender',
    'alternate',
    'alt_address',
    'sign_bounce_messages2',
    'sign_bounce_messages1',
    'sign_bounce_messages0',
  ]) {
    assert.match(add.text, new RegExp(`id="${id.replace(/[[\]]/g, '\\$&')}"`), id);
  }
  assert.match(add.text, /<tr data-shown-when="send_warnings=Yes" hidden="">\s*<th><label for="send_warnings_interval">/, 'hidden until warnings are on');

  // Single fields: each refusal beside its field, in the model's words; what was typed is kept.
  const bad = await refusedInPlace(
    w,
    submitForm(w, BOUNCE, add.text, { newName: '9lives', max_retries: '10001', bounce_recipient: 'Alternate', alt_address: '' }),
    {
      newName: 'The bounce profile name must start with a letter or underscore.',
      max_retries: 'Value must be an integer from 0 to 10,000.',
      alt_address: 'Enter the address bounce and warning messages go to.',
    },
  );
  assert.match(bad.text, /id="max_retries" name="max_retries" value="10001"/);
  assert.match(bad.text, /id="alternate" value="Alternate" checked=""/);
  await refusedInPlace(w, submitForm(w, BOUNCE, add.text, { newName: 'DEFAULT' }), { newName: 'Profile name already in use' });
  await refusedInPlace(w, submitForm(w, BOUNCE, add.text, { newName: 'Slow', initial_retry: '600', max_retry_timeout: '300' }), {
    max_retry_timeout: 'The maximum retry wait must be at least the initial retry wait.',
  });
  // An inherited maximum (Default's 3,600) counts too.
  await refusedInPlace(w, submitForm(w, BOUNCE, add.text, { newName: 'Slow', initial_retry: '7200' }), {
    max_retry_timeout: 'The maximum retry wait must be at least the initial retry wait.',
  });
  await refusedInPlace(w, submitForm(w, BOUNCE, add.text, { newName: 'Slow', 'bounce_tmpl[tmpl]': 'Fancy' }), {
    bounce_tmpl_domtable_AddRow: 'bounce_template: no notification templates are configured on this appliance.',
  });

  const added = await submitForm(w, BOUNCE, add.text, {
    newName: 'Slow',
    max_queue_lifetime: '7,200',
    initial_retry: '120',
    max_retry_timeout: '1800',
    send_warnings: 'Yes',
    delay_subject: 'Still trying',
    send_warnings_interval: '600',
    send_warnings_count: '3',
    bounce_recipient: 'Alternate',
    alt_address: 'postmaster@example.com',
    sign_bounce_messages: 'Yes',
    // Two language rows, both the system's text.
    'bounce_tmpl[lang]': ['others', 'de'],
    'bounce_tmpl[tmpl]': ['System Generated', 'System Generated'],
  });
  assert.deepEqual(banner(added), success('Bounce profile "Slow" was added.'));
  assert.match(added.text, /value="Commit Changes »"/);
  assert.deepEqual(listRows(added.text)[2], [
    'Slow',
    '[x Slow]',
    '100',
    '7,200 s',
    '120 s / 1,800 s',
    'Yes (DSN)',
    'Every 600 s, at most 3',
    'postmaster@example.com',
    NBSP,
  ]);

  // Editing shows the stored values (inherited ones empty, their radios Use Default); a rename and an edit are one change.
  const edit = await w.get(`${BOUNCE}?edit=Slow`);
  assert.match(edit.text, /id="max_queue_lifetime" name="max_queue_lifetime" value="7200"/);
  assert.match(edit.text, /id="max_retries" name="max_retries" value="" size="40" autocomplete="off" placeholder="100"/);
  assert.match(edit.text, /id="yes_warnings" value="Yes" checked=""/);
  assert.match(edit.text, /id="default_bounces" value="Use Default" checked=""/);
  assert.deepEqual(banner(await submitForm(w, BOUNCE, edit.text, {})), { title: 'Success', message: 'No changes.' });
  const renamed = await submitForm(w, BOUNCE, edit.text, { newName: 'Slower', max_queue_lifetime: '', send_bounces: 'No' });
  assert.deepEqual(banner(renamed), success('Bounce profile "Slow" was renamed to "Slower" and saved.'));
  assert.deepEqual(listRows(renamed.text)[2].slice(0, 6), ['Slower', '[x Slower]', '100', '259,200 s', '120 s / 1,800 s', 'No']);
  assert.equal((await w.get(`${BOUNCE}?edit=Slow`)).text.includes('There is no bounce profile named Slow.'), true);

  // The Default profile: Yes/No only, the name read-only in a cell with the input newName, the host-level settings.
  const def = await w.get(`${BOUNCE}?edit=Default`);
  assert.match(def.text, /<td><span id="newName_text">Default<\/span><input type="hidden" id="newName" name="newName" value="Default"\/><\/td>/);
  assert.match(def.text, /id="yes_bounces" value="Yes" checked=""/);
  assert.doesNotMatch(def.text, /id="default_bounces"|id="sign_bounce_messages2"/);
  assert.match(def.text, /id="host_initial_retry"/);
  await refusedInPlace(w, submitForm(w, BOUNCE, def.text, { host_initial_retry: '600', host_max_retry_timeout: '300' }), {
    host_max_retry_timeout: 'The maximum host retry wait must be at least the initial host retry wait.',
  });
  await refusedInPlace(w, submitForm(w, BOUNCE, def.text, { max_retries: '' }), { max_retries: 'Value must be an integer from 0 to 10,000.' });
  assert.deepEqual(
    banner(await submitForm(w, BOUNCE, def.text, { max_retries: '40', max_bounce_copy: '5000' })),
    success('Bounce profile "Default" was saved.'),
  );

  // The global settings: the unreachable host's waits (Default's) and SETUP.
  const global = await w.get(`${BOUNCE}/global`);
  assert.equal(titleOf(global.text).split(' — ')[0], 'Network > Bounce Profiles');
  await refusedInPlace(w, submitForm(w, `${BOUNCE}/global`, global.text, { initial_retry: '59' }), {
    initial_retry: 'Value must be an integer from 60 to 86,400.',
  });
  const setup = await submitForm(w, `${BOUNCE}/global`, global.text, { initial_retry: '90', max_retry_timeout: '900', bounce_all_host_down: 'Yes' });
  assert.deepEqual(banner(setup), success('The global bounce settings were saved.'));
  assert.match(setup.text, /<th>Hard Bounce All Queued Mail of a Domain Whose Host Is Down:<\/th><td>Yes<\/td>/);
  assert.equal(titleOf(setup.text).split(' — ')[0], 'Network > Bounce Profiles');

  // Delete: Default never; a profile in use not; the others after the dialog.
  const token = csrfOf(setup.text);
  const del = async (fields: Record<string, string>) => w.follow(await w.post(BOUNCE, { CSRFKey: token, ...fields, delete: 'Delete' }));
  assert.deepEqual(banner(await del({ delete_key: 'Default' })), { title: 'Error', message: 'The default profile may not be deleted' });
  // Several at once are all or nothing: Slower is used by a destination, so Quick stays too.
  await submitForm(w, DESTINATIONS, (await w.get(`${DESTINATIONS}?add=1`)).text, { new_name: 'slow.example', bounce_profile: 'Slower' });
  const pending = [...pendingOf(w)];
  assert.deepEqual(banner(await del({ delete_all: 'Yes' })), {
    title: 'Error',
    message: 'The profile "Slower" is used by destination slow.example: give it another profile first.',
  });
  assert.deepEqual(pendingOf(w), pending, 'nothing recorded');
  await w.post(DESTINATIONS, { CSRFKey: token, delete_key: 'slow.example', delete: 'Delete' });
  assert.deepEqual(banner(await del({ delete_key: 'Quick' })), success('Bounce profile "Quick" was deleted.'));

  await commit(w, 'bounce profiles from the GUI');
  const config = e.cli.engine.api.config();
  assert.deepEqual(config.bounceProfiles.Slower, {
    initial_retry: 120,
    max_retry_timeout: 1800,
    send_bounces: false,
    send_warnings: true,
    send_warnings_interval: 600,
    send_warnings_count: 3,
    delay_subject: 'Still trying',
    bounce_address: 'postmaster@example.com',
    sign_bounce_messages: true,
  });
  assert.equal(config.bounceProfiles.Quick, undefined);
  assert.equal(config.bounceProfiles.Default.max_retries, 40);
  assert.equal(config.bounceProfiles.Default.max_bounce_copy, 5000);
  assert.equal(config.bounceProfiles.Default.host_initial_retry, 90);
  assert.equal(config.bounceProfiles.Default.host_max_retry_timeout, 900);
  assert.equal(config.bounceAllWhenHostDown, true);
  assert.equal(config.commits.at(-1)?.comment, 'bounce profiles from the GUI');
  assert.match(await cli('bounceconfig'), /1\. Default\n2\. Slower\n/);
});

test('Destination Controls: Default first, the Delete box in column 7, concurrency and messages per connection, a bounce profile; the CLI shows what was committed', async () => {
  await cli('bounceconfig new Brief max_queue_lifetime=900 max_retries=7; commit "for a destination"');
  const w = await admin();
  const list = await w.get(DESTINATIONS);
  assert.equal(titleOf(list.text).split(' — ')[0], 'Mail Policies > Destination Controls');
  assert.deepEqual(listRows(list.text), [['Default', '10', '50', "(the listener's)", "(the listener's)", "(the listener's)", NBSP]]);

  const add = await w.get(`${DESTINATIONS}?add=1`);
  for (const id of [
    'new_name',
    'ip_sort_pref',
    'host_concurrency_default',
    'host_concurrency_custom',
    'max_host_concurrency',
    'messages_per_connection_default',
    'max_messages_per_connection',
    'recipient_no_limit',
    'recipient_limit',
    'limit_type_domain',
    'table_tls',
    'dane_option',
    'bounce_validation_default_id',
    'bounce_profile',
  ]) {
    assert.match(add.text, new RegExp(`id="${id}"`), id);
  }
  assert.match(
    add.text,
    /<select id="table_tls" name="table_tls"><option value="Use Default" selected="">/,
    "destconfig's TLS, inherited from Default unless chosen",
  );
  assert.match(add.text, /<select id="dane_option" name="dane_option" disabled="">/, 'DANE: shown disabled, with its reason');
  // A value in a hidden field (messages: Use Default) is not read.
  await refusedInPlace(
    w,
    submitForm(w, DESTINATIONS, add.text, {
      new_name: 'example.com',
      host_concurrency: 'Custom',
      max_host_concurrency: '0',
      max_messages_per_connection: 'abc',
    }),
    {
      max_host_concurrency: 'Value must be an integer from 1 to 1,000.',
    },
  );
  await refusedInPlace(w, submitForm(w, DESTINATIONS, add.text, { new_name: '', bounce_profile: 'Nonesuch' }), {
    new_name: 'You must enter a domain.',
    bounce_profile: 'Invalid profile name "Nonesuch": there is no such bounce profile (create it with bounceconfig).',
  });
  const added = await submitForm(w, DESTINATIONS, add.text, {
    new_name: 'example.com',
    host_concurrency: 'Custom',
    max_host_concurrency: '5',
    bounce_profile: 'Brief',
  });
  assert.deepEqual(banner(added), success('Destination "example.com" was added.'));
  await refusedInPlace(w, submitForm(w, DESTINATIONS, add.text, { new_name: 'EXAMPLE.com' }), {
    new_name: 'The domain example.com is already in the destination control table: use EDIT.',
  });
  // The drivers' Delete box: six cells after the name.
  assert.match(added.text, /<td><a [^>]*>example\.com<\/a><\/td>(<td>[^<]*<\/td>){5}<td><input type="checkbox" name="delete_key" value="example\.com"/);
  assert.deepEqual(listRows(added.text)[1], ['example.com', '5', 'Default (50)', 'Brief', '900 s', '7', '[x example.com]']);

  const edit = await w.get(`${DESTINATIONS}?edit=example.com`);
  assert.match(edit.text, /id="host_concurrency_custom" value="Custom" checked=""/);
  assert.match(edit.text, /<option value="Brief" selected="">Brief<\/option>/);
  const edited = await submitForm(w, DESTINATIONS, edit.text, { messages_per_connection: 'Custom', max_messages_per_connection: '20' });
  assert.deepEqual(banner(edited), success('Destination "example.com" was saved.'));

  const def = await w.get(`${DESTINATIONS}?edit=Default`);
  assert.doesNotMatch(def.text, /id="new_name"|id="host_concurrency_default"|id="bounce_profile"/);
  assert.deepEqual(
    banner(await submitForm(w, DESTINATIONS, def.text, { max_host_concurrency: '25' })),
    success('The default destination controls were saved.'),
  );
  const global = await w.get(`${DESTINATIONS}/global`);
  // destconfig SETUP: the certificate delivery presents (the demo one until another is chosen).
  assert.match(global.text, /<select id="certificate" name="certificate"><option value="Demo" selected="">Demo<\/option><\/select>/);
  assert.deepEqual(banner(await submitForm(w, `${DESTINATIONS}/global`, global.text, {})), { title: 'Success', message: 'No changes.' });

  await commit(w, 'destination controls from the GUI');
  assert.match(
    await cli('destconfig detail example.com'),
    /example\.com\n {4}Maximum concurrency: +5\n {4}Messages per connection: +20\n {4}TLS: +Default \(No\)\n {4}Bounce profile: +Brief\n/,
  );
  assert.match(await cli('destconfig detail default'), /Maximum concurrency: +25\n/);

  const token = csrfOf((await w.get(DESTINATIONS)).text);
  const deleted = await w.follow(await w.post(DESTINATIONS, { CSRFKey: token, delete_key: 'example.com', delete: 'Delete' }));
  assert.deepEqual(banner(deleted), success('Destination "example.com" was deleted.'));
  assert.deepEqual(
    listRows(deleted.text).map((r) => r[0]),
    ['Default'],
  );
  await commit(w, 'no more example.com entry');
  assert.match(await cli('destconfig detail all'), /^\s*$/);
});

test('SMTP Routes: hosts with priority and port, USEDNS and /dev/null, All Other Domains, Clear All; smtproutes print shows what was committed', async () => {
  const w = await admin();
  const list = await w.get(ROUTES);
  assert.equal(titleOf(list.text).split(' — ')[0], 'Network > SMTP Routes');
  assert.deepEqual(listRows(list.text), [['All Other Domains', '127.0.0.1:1', '[x ALL]']]);
  assert.match(list.text, /<input type="submit" id="_click" name="delete" value="Delete"[^>]*data-confirm-label="Delete"/);
  assert.match(list.text, /<input type="submit" id="clear_all" name="clear_all" value="Clear All Routes"[^>]*data-confirm-label="Clear All"/);

  const add = await w.get(`${ROUTES}?add=1`);
  assert.match(add.text, /<tbody id="dest_hosts_rowContainer" data-next-row="1"><tr><td><input type="text" id="dest_hosts\[0\]\[priority\]"/);
  assert.match(add.text, /No outgoing SMTP authentication profiles are configured\./);
  const rows = (...r: [string, string, string][]) => ({
    'dest_hosts[priority]': r.map((x) => x[0]),
    'dest_hosts[host]': r.map((x) => x[1]),
    'dest_hosts[port]': r.map((x) => x[2]),
  });
  const badHost = await refusedInPlace(w, submitForm(w, ROUTES, add.text, { new_domain: 'example.org', ...rows(['', 'bad host', '']) }), {
    dest_hosts_domtable_AddRow: 'Invalid hostname format "bad host".',
  });
  assert.match(badHost.text, /id="dest_hosts\[0\]\[host\]" name="dest_hosts\[host\]" value="bad host"/, 'the rows typed are kept');
  await refusedInPlace(w, submitForm(w, ROUTES, add.text, { new_domain: 'example.org', ...rows(['', 'USEDNS', ''], ['', 'mx.example.org', '']) }), {
    dest_hosts_domtable_AddRow: 'USEDNS must be entered by itself.',
  });
  await refusedInPlace(w, submitForm(w, ROUTES, add.text, { new_domain: 'bad domain!', ...rows(['', 'mx.example.org', '70000']) }), {
    new_domain: (DomainPattern.parse('bad domain!') as { error: string }).error,
    dest_hosts_domtable_AddRow: 'The port of "mx.example.org:70000": Value must be an integer from 1 to 65,535.',
  });
  const added = await submitForm(w, ROUTES, add.text, {
    new_domain: 'example.org',
    ...rows(['10', 'mx1.example.org', ''], ['', '', ''], ['20', 'mx2.example.org', '2525']),
  });
  assert.deepEqual(banner(added), success('The SMTP route for example.org was added.'));
  await refusedInPlace(w, submitForm(w, ROUTES, add.text, { new_domain: 'Example.org', ...rows(['', 'mx.example.org', '']) }), {
    new_domain: 'The value example.org is already in the routing table.',
  });
  await submitForm(w, ROUTES, add.text, { new_domain: 'dns.example.net', ...rows(['', 'usedns', '']) });
  await submitForm(w, ROUTES, add.text, { new_domain: '.null.example.net', ...rows(['', '/dev/null', '']) });
  const listed = await w.get(ROUTES);
  assert.deepEqual(listRows(listed.text), [
    ['.null.example.net', '/dev/null', '[x .null.example.net]'],
    ['dns.example.net', 'USEDNS', '[x dns.example.net]'],
    ['example.org', 'mx1.example.org/pri=10, mx2.example.org:2525/pri=20', '[x example.org]'],
    ['All Other Domains', '127.0.0.1:1', '[x ALL]'],
  ]);

  // Edit: the rows as stored, a rename and new hosts as one change.
  const edit = await w.get(`${ROUTES}?edit=example.org`);
  assert.match(edit.text, /id="dest_hosts\[1\]\[host\]" name="dest_hosts\[host\]" value="mx2\.example\.org"/);
  assert.match(edit.text, /id="dest_hosts\[1\]\[port\]" name="dest_hosts\[port\]" value="2525"/);
  assert.deepEqual(banner(await submitForm(w, ROUTES, edit.text, {})), { title: 'Success', message: 'No changes.' });
  const edited = await submitForm(w, ROUTES, edit.text, { new_domain: 'example.info', ...rows(['', '[10.0.0.7]', '2526']) });
  assert.deepEqual(banner(edited), success('The SMTP route for example.info was saved.'));

  // All Other Domains: deleted it shows (not defined) with no Delete box, and its form defines it again.
  const token = csrfOf(edited.text);
  const reset = await w.follow(await w.post(ROUTES, { CSRFKey: token, delete_key: 'ALL', delete: 'Delete' }));
  assert.deepEqual(banner(reset), success('The route for All Other Domains was deleted: other domains follow their MX records.'));
  assert.deepEqual(listRows(reset.text).at(-1), ['All Other Domains', '(not defined)', NBSP]);
  const all = await w.get(`${ROUTES}?edit=ALL`);
  assert.match(all.text, /<span>Add SMTP Route: All Other Domains<\/span>/);
  assert.doesNotMatch(all.text, /id="new_domain"/);
  assert.deepEqual(
    banner(await submitForm(w, ROUTES, all.text, rows(['', 'relay.example.com', '']))),
    success('The SMTP route for All Other Domains was added.'),
  );

  await commit(w, 'routes from the GUI');
  assert.match(
    await cli('smtproutes print'),
    /Currently configured routes:\n1\. \.null\.example\.net: \/dev\/null\n2\. dns\.example\.net: USEDNS\n3\. example\.info: \[10\.0\.0\.7\]:2526\n4\. ALL: relay\.example\.com\n/,
  );

  // Clear All: every route goes; the button then is gone.
  const cleared = await w.follow(await w.post(ROUTES, { CSRFKey: token, clear_all: 'Clear All Routes' }));
  assert.deepEqual(banner(cleared), success('All SMTP routes were deleted.'));
  assert.deepEqual(listRows(cleared.text), [['All Other Domains', '(not defined)', NBSP]]);
  assert.doesNotMatch(cleared.text, /Clear All Routes/);
  const abandon = await w.follow(await w.post('/system_administration/commit', { CSRFKey: token, 'action:Abandon': 'Abandon Changes' }));
  assert.match(abandon.text, /Your changes have been abandoned\./);
  assert.equal(e.cli.engine.api.config().routes.length, 4);
});

test('a guest sees the three pages and their forms, and every change is refused as the CLI refuses it', async () => {
  const before = structuredClone(e.cli.engine.api.config());
  const w = new WebClient(e.base);
  await w.login('guest1', GUEST_PASSWORD);
  const pages = [
    BOUNCE,
    `${BOUNCE}?add=1`,
    `${BOUNCE}?edit=Default`,
    `${BOUNCE}/global`,
    ROUTES,
    `${ROUTES}?add=1`,
    `${ROUTES}?edit=ALL`,
    DESTINATIONS,
    `${DESTINATIONS}?add=1`,
    `${DESTINATIONS}?edit=Default`,
    `${DESTINATIONS}/global`,
  ];
  const seen: Record<string, string> = {};
  for (const p of pages) {
    const r = await w.get(p);
    assert.equal(r.status, 200, p);
    assert.equal(banner(r), undefined, p);
    seen[p] = r.text;
  }
  const refused = { title: 'Error', message: ACCESS_REFUSED };
  const token = csrfOf(seen[BOUNCE]);
  assert.deepEqual(banner(await submitForm(w, BOUNCE, seen[`${BOUNCE}?add=1`], { newName: 'GuestProfile' })), refused);
  assert.deepEqual(banner(await submitForm(w, BOUNCE, seen[`${BOUNCE}?edit=Default`], { max_retries: '1' })), refused);
  assert.deepEqual(banner(await submitForm(w, `${BOUNCE}/global`, seen[`${BOUNCE}/global`], { bounce_all_host_down: 'Yes' })), refused);
  assert.deepEqual(banner(await w.follow(await w.post(BOUNCE, { CSRFKey: token, delete_all: 'Yes', delete: 'Delete' }))), refused);
  assert.deepEqual(
    banner(await submitForm(w, ROUTES, seen[`${ROUTES}?add=1`], { new_domain: 'guest.example', 'dest_hosts[host]': 'mx.guest.example' })),
    refused,
  );
  assert.deepEqual(banner(await submitForm(w, ROUTES, seen[`${ROUTES}?edit=ALL`], { 'dest_hosts[host]': 'mx.guest.example' })), refused);
  assert.deepEqual(banner(await w.follow(await w.post(ROUTES, { CSRFKey: token, delete_key: 'ALL', delete: 'Delete' }))), refused);
  assert.deepEqual(banner(await w.follow(await w.post(ROUTES, { CSRFKey: token, clear_all: 'Clear All Routes' }))), refused);
  assert.deepEqual(banner(await submitForm(w, DESTINATIONS, seen[`${DESTINATIONS}?add=1`], { new_name: 'guest.example' })), refused);
  assert.deepEqual(banner(await submitForm(w, DESTINATIONS, seen[`${DESTINATIONS}?edit=Default`], { max_host_concurrency: '1' })), refused);
  assert.deepEqual(banner(await submitForm(w, `${DESTINATIONS}/global`, seen[`${DESTINATIONS}/global`], {})), refused);
  assert.doesNotMatch((await w.get(BOUNCE)).text, /Commit Changes »/);
  assert.deepEqual(e.cli.engine.api.config(), before);
  // The CLI refuses the same user with the same line.
  const session = e.gui.sessions.list().find((s) => s.user.name === 'guest1')!;
  const outcome = await session.run(['bounceconfig', 'new', 'GuestProfile']);
  assert.deepEqual({ ok: outcome.ok, error: outcome.error }, { ok: false, error: ACCESS_REFUSED });
});
