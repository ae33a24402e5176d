// The role list userconfig shows says what each role may do in esa-sim, as the session enforces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLES } from '../../src/users/roles.js';

test('roles: each description agrees with what the role may do', () => {
  for (const r of ROLES) {
    const d = r.description;
    if (r.may.includes('users')) assert.match(d, /full access/, r.name);
    else if (r.may.includes('act')) assert.match(d, /restricted from creating new user accounts/, r.name);
    else assert.match(d, /may only view/, r.name);
  }
});
