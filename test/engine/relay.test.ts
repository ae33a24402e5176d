// A message goes through the real listener, the durable queue and real delivery to a backend.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Engine } from '../../src/engine/engine.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { listenerPort, removeDir, sendMail, startBackend, startEngine, waitFor } from '../helpers/harness.js';

let backend: BackendServer;
let engine: Engine;

before(async () => {
  backend = await startBackend();
  engine = await startEngine({ backendPort: backend.port });
});

after(async () => {
  await engine.stop();
  await backend.stop();
  await removeDir(engine.api.dataDir);
});

test('a message arrives at the backend with envelope, headers and body intact, plus Received:', async () => {
  const r = await sendMail(listenerPort(engine), {
    from: 'alice@example.org',
    to: ['bob@example.com', 'carol@example.com'],
    subject: 'quarterly numbers',
    text: 'Body line one\nBody line two',
  });
  assert.match(r.response, /^250 2\.0\.0 Ok: Message \d+ accepted$/);
  await waitFor(() => backend.messages.length === 1, 'delivery');
  const got = backend.messages[0];
  assert.equal(got.from, 'alice@example.org');
  assert.deepEqual(got.to, ['bob@example.com', 'carol@example.com']);
  const parsed = await simpleParser(got.content);
  assert.equal(parsed.subject, 'quarterly numbers');
  assert.equal(parsed.text?.trim(), 'Body line one\nBody line two');
  const received = parsed.headers.get('received');
  assert.match(String(received), /by mail\.example\.com with ESMTP id \d+/);
  assert.ok(got.content.toString().startsWith('Received: '), 'Received: is prepended');
});
