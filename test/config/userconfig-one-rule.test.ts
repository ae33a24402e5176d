// userconfig's dialogs and batch forms take values through one set of rules (the users table,
// src/users/accounts.ts, and the passphrase rules): the same bad value gets the same refusal in both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { ensureFirstAdmin } from '../../src/users/first-admin.js';
import { startEngine } from '../helpers/harness.js';
import { operator, refusalAt } from './config-fixtures.js';

const ADMIN = 'Adm1n#Secret';
let engine: Engine;

before(async () => {
  engine = await startEngine();
  await ensureFirstAdmin(engine.api, ADMIN);
});

after(async () => {
  await engine.stop();
});

/** [question, dialog answers up to and including the bad value, batch forms with the same value]. */
const CASES: [RegExp, string[], string[]][] = [
  [/Enter the new username/, ['new', ADMIN, '9bob'], ['userconfig new 9bob role=guest', 'userconfig add 9bob Bob Guests B0b#Passw9rd']],
  [/Enter the new username/, ['new', ADMIN, 'a b'], ['userconfig new "a b" role=guest']],
  [/Enter the new username/, ['new', ADMIN, 'Admin'], ['userconfig new Admin role=guest', 'userconfig add admin Admin Guests B0b#Passw9rd']],
  [/Enter the full name/, ['new', ADMIN, 'bob', '  '], ['userconfig new bob role=guest fullname=" "', 'userconfig add bob "" Guests B0b#Passw9rd']],
  [/Assign a role/, ['edit', 'admin', ADMIN, '', '4'], ['userconfig edit admin role=guest']],
  [
    /New Passphrase/,
    ['new', ADMIN, 'bob', 'Bob', '3', 'N', 'password'],
    ['userconfig new bob role=guest password=password', 'userconfig add bob Bob Guests password'],
  ],
  [/New Passphrase/, ['new', ADMIN, 'bob', 'Bob', '3', 'N', 'Bo#b_!%9'], ['userconfig new bob role=guest password=Bo#b_!%9']],
  [/New Passphrase/, ['edit', 'admin', ADMIN, '', '', 'N', 'Xaaa#1bcq'], ['userconfig edit admin password=Xaaa#1bcq']],
  [/username or number to delete/, ['delete', 'admin'], ['userconfig delete admin']],
];

test('a bad value: the same refusal in the dialog and in the batch forms', async () => {
  const op = operator(engine);
  for (const [at, answers, lines] of CASES) {
    const refusal = refusalAt((await op.run('userconfig', ...answers)).output, at);
    for (const line of lines) {
      const batch = await op.run(line);
      assert.equal(batch.ok, false, line);
      assert.equal(batch.error, refusal, line);
    }
  }
  assert.equal(op.session.pending.hasChanges, false);
});

test('PASSPHRASE asks ASSIGN once, then the user: back at the users list after it', async () => {
  const op = operator(engine);
  const r = await op.run('userconfig', 'passphrase', 'assign', 'admin', ADMIN, 'N', 'N3w#Admin8x', 'N3w#Admin8x', '');
  assert.equal(r.ok, true, r.output);
  assert.equal(op.asked.filter((q) => /ASSIGN/.test(q)).length, 1);
  assert.match(op.asked.at(-1)!, /^Choose the operation you want to perform:\n- NEW /);
  assert.deepEqual(op.session.pending.descriptions, ['Edited user "admin": new passphrase.']);
  await op.run('clearchanges', 'y');
});
