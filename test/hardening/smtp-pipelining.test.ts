// A pipelined burst (RFC 2920): thousands of commands in one write are all answered, however far
// the replies pass the socket's buffer, and the session goes on afterwards. Real SMTP on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { engineForFile } from '../helpers/engine-for-file.js';
import { pipelinedBurst } from './pipelined-burst.js';

let engine: Engine;
let port: number;

engineForFile((s) => ({ engine, port } = s));

test('5,000 RCPT TO in one write are all answered, and the session carries a message after them', async () => {
  const r = await pipelinedBurst(port, 5_000);
  assert.equal(r.answered, 5_000 + 2, `every command of the burst answered (MAIL, 5,000 RCPT, RSET); got ${r.answered}`);
  const limit = engine.api.config().listeners[0].maxRecipients;
  assert.equal(r.accepted, limit, 'the listener accepts up to its recipient limit');
  assert.equal(r.refused, 5_000 - limit, 'the rest get 452 4.5.3');
  assert.match(r.afterwards, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
});

test('a client that reads its replies only after writing 20,000 NOOPs still gets them all', async () => {
  const r = await pipelinedBurst(port, 20_000, { command: 'NOOP', readAfterWrite: true });
  assert.equal(r.answered, 20_000 + 2);
  assert.match(r.afterwards, /^250 /);
});
