// The listeners and users tables as pure modules: their operations are changes that check their
// rules again when applied to a configuration another session may have changed meanwhile; and the
// pieces a form reads them with (an interface by its option, a role by its singular name).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalOf } from '../../src/model/change.js';
import { defaultConfig, type ApplianceConfig } from '../../src/model/config.js';
import { choiceField } from '../../src/model/field.js';
import { hatTable, hatTableLines, pickHat, setHostAccess } from '../../src/model/tables/host-access.js';
import { editSettings, withSettings } from '../../src/model/tables/listener-settings.js';
import {
  createListener,
  deleteListener,
  interfaceField,
  LISTENER_NAME_IN_USE,
  newListener,
  RELAY_HOSTS_REQUIRED,
  renameListener,
  setType,
} from '../../src/model/tables/listeners.js';
import { clearRat, deleteRatEntry, noRatOf, RESPONSE_ONLY_FOR_REJECT, setRatEntries } from '../../src/model/tables/recipient-access.js';
import { ADMIN_STAYS, createUser, deleteUser, editUser, FULL_NAME_REQUIRED } from '../../src/users/accounts.js';
import { hashPassphrase, isOwnPassphrase } from '../../src/users/passphrase.js';
import { parseRole, ROLES, singularName } from '../../src/users/roles.js';

const config = (): ApplianceConfig => defaultConfig() as ApplianceConfig;
const applied = (c: ApplianceConfig, ...changes: { apply(c: ApplianceConfig): void }[]) => {
  for (const change of changes) change.apply(c);
  return c;
};
const listener = (c: ApplianceConfig) => c.listeners[0];

test('listeners: a change made on one configuration is checked again where it is applied', () => {
  const base = config();
  const name = listener(base).name;
  const second = createListener(newListener('Second', '127.0.0.1', 0));
  assert.equal(second.description, 'Created listener "Second" on 127.0.0.1:0 (Public).');
  assert.equal(refusalOf(second, applied(config(), createListener(newListener('second', '127.0.0.1', 0)))), LISTENER_NAME_IN_USE);
  const rename = renameListener(listener(base), 'Inbound')!;
  assert.equal(renameListener(listener(base), name), undefined, 'no change without a new name');
  assert.equal(refusalOf(rename, applied(config(), deleteListener(name))), `the listener "${name}" no longer exists`);
  assert.equal(applied(config(), rename).listeners[0].name, 'Inbound');
});

test('listeners: key=value settings are read by the fields and replayed on the listener as it is then', () => {
  const c = config();
  assert.throws(() => withSettings(listener(c), [{ key: 'max_size', value: '20G' }], c, false), /^Error: Invalid "max_size" value: Value must be a size/);
  assert.throws(() => withSettings(listener(c), [{ key: '__proto__', value: '1' }], c, false), /Unknown setting "__proto__"/);
  const edit = editSettings(listener(c).name, [
    { key: 'max_msgs', value: '2' },
    { key: 'cust_acc', value: 'Welcome' },
  ]);
  assert.equal(edit.description, `Edited listener "${listener(c).name}": max_msgs=2 cust_acc=Welcome.`);
  // Another session set a banner hostname meanwhile: it stays, the edit applies on top.
  const other = applied(config(), editSettings(listener(c).name, [{ key: 'override', value: 'mx.example.com' }]));
  const after = listener(applied(other, edit));
  assert.deepEqual([after.maxMessagesPerConnection, after.bannerHostname, after.acceptResponse], [2, 'mx.example.com', { code: 220, text: 'Welcome' }]);
  assert.equal(listener(applied(other, editSettings(after.name, [{ key: 'cust_acc', value: 'no' }]))).acceptResponse, undefined);
});

test('host access and recipient access: only what changed is set; a deleted entry must still be there', () => {
  const c = config();
  const lc = listener(c);
  const before = pickHat(lc);
  assert.equal(setHostAccess(lc.name, before, { ...before }), undefined);
  const change = setHostAccess(lc.name, before, { ...before, maxRecipients: 5 })!;
  assert.equal(change.description, `Edited listener "${lc.name}": maxRecipients 1,000 -> 5.`);
  const other = applied(config(), setHostAccess(lc.name, before, { ...before, maxMessageSize: 2048 })!);
  assert.deepEqual([listener(applied(other, change)).maxRecipients, listener(other).maxMessageSize], [5, 2048]);

  const add = setRatEntries(lc.name, [{ pattern: 'boss@example.com', action: 'REJECT', response: { code: 551, text: 'Moved' } }]);
  assert.equal(add.description, `Edited listener "${lc.name}": RAT added boss@example.com REJECT (551 Moved).`);
  const gone = applied(config(), clearRat(lc.name, 'ACCEPT'));
  assert.equal(refusalOf(deleteRatEntry(lc.name, 'example.com'), gone), `the Recipient Access Table of ${lc.name} has no entry "example.com" any more`);
});

test('users: the rules of the table are checked by its operations', () => {
  const c = config();
  const admin = { name: 'admin', fullName: 'Administrator', role: 'admin' as const };
  applied(c, createUser(admin));
  assert.equal(refusalOf(createUser({ name: 'bob', fullName: ' ', role: 'guest' }), c), FULL_NAME_REQUIRED);
  assert.equal(
    refusalOf(createUser({ ...admin, name: 'ADMIN' }), c),
    'Invalid username: use 1 to 32 lower-case letters, digits, "-", "_" or ".", starting with a letter or "_".',
  );
  assert.equal(refusalOf(editUser('admin', { role: 'guest' })!, c), ADMIN_STAYS);
  assert.equal(editUser('admin', {}), undefined);
  assert.equal(refusalOf(deleteUser('admin', 'bob'), c), 'User admin cannot be deleted');
  applied(c, createUser({ name: 'bob', fullName: 'Bob', role: 'guest' }));
  assert.equal(refusalOf(deleteUser('bob', 'bob'), c), 'You cannot delete yourself');
  assert.equal(applied(c, deleteUser('bob', 'admin')).users.length, 1);
});

test('listeners: an interface by its option or typed; a type with its relay hosts', () => {
  const c = applied(config(), createListener(newListener('Side', '10.1.2.3', 0)));
  const iface = interfaceField(c);
  assert.deepEqual(iface.choices, ['Loopback', 'All', '10.1.2.3']);
  assert.deepEqual(iface.parse('loopback'), { value: '127.0.0.1' });
  assert.deepEqual(iface.parse('All'), { value: '0.0.0.0' });
  assert.deepEqual(iface.parse('[::1]'), { value: '::1' });
  assert.match((iface.parse('Ethernet') as { error: string }).error, /^The IP address must be/);
  assert.equal(iface.format('0.0.0.0'), 'All');

  const lc = listener(c);
  assert.equal(setType(lc, 'Public', ['10.0.0.0/8']), undefined, 'a Public listener keeps its relay hosts');
  const relay = setType(lc, 'Private', ['10.0.0.0/8'])!;
  assert.equal(relay.description, `Edited listener "${lc.name}": type Public -> Private, relay hosts 10.0.0.0/8.`);
  const after = listener(applied(structuredClone(c), relay));
  assert.deepEqual([after.type, after.relayHosts], ['Private', ['10.0.0.0/8']]);
  assert.equal(refusalOf(setType(lc, 'Private', [])!, c), RELAY_HOSTS_REQUIRED);
  assert.deepEqual(hatTableLines(after), ['10.0.0.0/8 RELAY', 'ALL REJECT']);
  assert.deepEqual(hatTable(lc), [{ senders: 'ALL', behavior: 'ACCEPT' }]);
});

test('recipient access: a Private listener has no table; a custom response only for REJECT', () => {
  const c = config();
  const lc = listener(c);
  assert.equal(
    refusalOf(setRatEntries(lc.name, [{ pattern: 'joe@example.com', action: 'ACCEPT', response: { code: 550, text: 'No' } }]), c),
    RESPONSE_ONLY_FOR_REJECT,
  );
  const privateOne = applied(config(), setType(lc, 'Private', ['127.0.0.1'])!);
  assert.equal(refusalOf(setRatEntries(lc.name, [{ pattern: 'example.org', action: 'ACCEPT' }]), privateOne), noRatOf(lc.name));
  assert.equal(refusalOf(clearRat(lc.name, 'REJECT'), privateOne), noRatOf(lc.name));
});

test("users: a role by its singular name, and the acting user's own passphrase", async () => {
  const roles = choiceField(ROLES.map((r) => ({ label: singularName(r), value: r.id })));
  assert.deepEqual(roles.choices, ['Administrator', 'Operator', 'Read-Only Operator', 'Guest', 'Technician', 'Help Desk User']);
  for (const r of ROLES) assert.equal(parseRole(singularName(r)), r.id);
  assert.deepEqual(roles.parse('read-only operator'), { value: 'readonly' });

  const users = [{ name: 'admin', fullName: 'Administrator', role: 'admin' as const, passwordHash: await hashPassphrase('Adm1n#Secret') }];
  const web = { name: 'admin', role: 'admin' as const, from: '127.0.0.1' };
  assert.equal(await isOwnPassphrase(users, web, 'Adm1n#Secret'), true);
  assert.equal(await isOwnPassphrase(users, web, 'adm1n#secret'), false);
  assert.equal(await isOwnPassphrase(users, { ...web, name: 'gone' }, 'Adm1n#Secret'), false);
  // The control socket's user is the built-in admin; before any passphrase exists, nothing is checked.
  assert.equal(await isOwnPassphrase(users, { ...web, from: 'local' }, 'Adm1n#Secret'), true);
  assert.equal(await isOwnPassphrase([], { ...web, from: 'local' }, ''), true);
});
