// Ten independent SMTP sessions at once with mixed outcomes keep the counters exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CounterName } from '../../src/api/engine-api.js';
import { configCopy, counter, listenerPort, removeDir, startBackend, startEngine, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

test('ten concurrent sessions, mixed outcomes: counters match exactly', async () => {
  const backend = await startBackend();
  const engine = await startEngine({ backendPort: backend.port, accept: ['example.com', 'example.net'] });
  const next = configCopy(engine);
  next.listeners[0].maxMessageSize = 5_000;
  await engine.api.applyConfig(next);
  const port = listenerPort(engine);
  try {
    // Session i: two good recipients (one per domain), one outside the RAT; every third
    // session's message is oversized and refused.
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const s = await SmtpTalk.open(port);
        await s.reply();
        await s.command(`EHLO client${i}.example.org`);
        await s.command(`MAIL FROM:<sender${i}@example.org>`);
        const r1 = await s.command(`RCPT TO:<a${i}@example.com>`);
        const r2 = await s.command(`RCPT TO:<b${i}@example.net>`);
        const r3 = await s.command(`RCPT TO:<c${i}@elsewhere.org>`);
        const body = i % 3 === 0 ? 'z'.repeat(8_000) : `hello from session ${i}`;
        const done = await s.data(`Subject: session ${i}\n\n${body}\n`);
        await s.command('QUIT');
        s.close();
        return { r1, r2, r3, done };
      }),
    );
    for (const o of outcomes) {
      assert.match(o.r1, /^250 /);
      assert.match(o.r2, /^250 /);
      assert.match(o.r3, /^550 5\.7\.1 /);
    }
    const accepted = outcomes.filter((o) => o.done.startsWith('250')).length;
    const refused = outcomes.filter((o) => o.done.startsWith('552')).length;
    assert.equal(accepted, 6);
    assert.equal(refused, 4);
    const c = (name: CounterName) => counter(engine, name).uptime;
    assert.equal(c('messagesReceived'), 6);
    assert.equal(c('recipientsReceived'), 12);
    assert.equal(c('rejectedRecipients'), 10);
    await waitFor(() => c('deliveredRecipients') === 12, 'all 12 recipients delivered');
    assert.equal(c('completedRecipients'), 12);
    assert.equal(engine.api.hostStatus('example.com')?.deliveredRecipients, 6);
    assert.equal(engine.api.hostStatus('example.net')?.deliveredRecipients, 6);
    assert.equal(engine.api.hostStatus('example.com')?.activeRecipients, 0);
    assert.equal(backend.messages.length, 12, 'one transaction per message per destination');
  } finally {
    await engine.stop();
    await backend.stop();
    await removeDir(engine.api.dataDir);
  }
});
