// The hop limit: a looping message (too many Received: headers) is refused at the end of DATA
// with `554 5.4.6`, as Postfix's hopcount_limit (50) has it; the count itself on chunk
// boundaries. Real SMTP on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../../src/engine/engine.js';
import { HOP_LIMIT, HopCounter } from '../../src/engine/smtp/hop-count.js';
import { engineForFile } from '../helpers/engine-for-file.js';
import { counter, readMailLog, sendMail } from '../helpers/harness.js';

let engine: Engine;
let port: number;

engineForFile((s) => ({ engine, port } = s));

const received = (n: number) =>
  Array.from({ length: n }, (_, i) => `Received: from hop${i}.example.org by relay${i}.example.net; Mon, 7 Dec 2026 10:00:00 +0000\r\n`).join('');
const message = (hops: number) => `${received(hops)}From: <alice@example.org>\r\nTo: <bob@example.com>\r\nSubject: hops\r\n\r\nbody\r\n`;

test(`${HOP_LIMIT - 2} Received: headers pass (ours makes ${HOP_LIMIT - 1})`, async () => {
  const r = await sendMail(port, { to: 'bob@example.com', raw: message(HOP_LIMIT - 2) });
  assert.match(r.response, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
});

test(`${HOP_LIMIT - 1} Received: headers are refused with 554 5.4.6, nothing is queued`, async () => {
  const before = counter(engine, 'messagesReceived').uptime;
  const r = await sendMail(port, { to: 'bob@example.com', raw: message(HOP_LIMIT - 1) });
  assert.equal(r.response, '554 5.4.6 Error: too many hops');
  assert.equal(counter(engine, 'messagesReceived').uptime, before);
  assert.match(await readMailLog(engine), /ICID \d+ Receiving Failed: too many hops/);
});

test('150,000 Received: headers are refused with 554 5.4.6', async () => {
  const raw = `${'Received: x\r\n'.repeat(150_000)}Subject: loop\r\n\r\nbody\r\n`;
  const r = await sendMail(port, { to: 'bob@example.com', raw });
  assert.equal(r.response, '554 5.4.6 Error: too many hops');
});

test('the count: any case, folded lines, chunk boundaries; not X-Received:, not the body', () => {
  const text = Buffer.from('Received: a\r\n b\r\nRECEIVED:x\r\nX-Received: no\r\nreceived :no\r\nReceived:\r\nSubject: s\r\n\r\nReceived: body\r\n');
  for (const size of [1, 2, 3, 7, text.length]) {
    const h = new HopCounter();
    for (let i = 0; i < text.length; i += size) h.feed(text.subarray(i, i + size));
    assert.equal(h.count, 3, `chunks of ${size}`);
    assert.ok(h.done);
  }
});
