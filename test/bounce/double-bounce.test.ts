// Mail nobody can be told about is never bounced: a failing null-sender message and a DSN whose
// own delivery fails are dropped with a double-bounce line in the mail log.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { counter, readMailLog, waitFor } from '../helpers/harness.js';
import { generator, send, startRig, type BounceRig } from './bounce-fixtures.js';

let rig: BounceRig;

afterEach(async () => {
  await rig.close();
});

const mailLog = () => readMailLog(rig.engine);

async function drained(): Promise<void> {
  await waitFor(() => rig.engine.api.gauges().queuedMessages === 0, 'the queue to empty');
  await generator(rig.engine).idle();
  await rig.engine.idle();
  assert.equal(rig.engine.api.gauges().queuedMessages, 0, 'nothing new was queued');
}

test('a null-sender message that fails produces no DSN, only a double-bounce line', async () => {
  rig = await startRig();
  rig.backend.policy = (rcpt) => (rcpt === 'carol@example.com' ? { code: 550, text: '5.1.1 User unknown' } : undefined);
  const msg = await send(rig.engine, { from: '', to: ['carol@example.com'] });
  assert.equal(msg.envelope.from, '');
  await drained();
  assert.equal(rig.backend.messages.length, 0);
  assert.equal(counter(rig.engine, 'genBounceRecipients').uptime, 0);
  assert.equal(counter(rig.engine, 'hardBounced5xx').uptime, 1);
  assert.match(await mailLog(), new RegExp(`Info: MID ${msg.envelope.mid} RID \\[0\\] Double bounce: dropped \\(null sender\\)\\n`));
});

test('a DSN whose own delivery fails is never bounced', async () => {
  rig = await startRig();
  // The original's recipient refuses, and so does its sender's mailbox.
  rig.backend.policy = (rcpt) => (rcpt === 'carol@example.com' || rcpt === 'alice@example.org' ? { code: 550, text: '5.1.1 User unknown' } : undefined);
  const msg = await send(rig.engine, { to: ['carol@example.com'] });
  await waitFor(() => counter(rig.engine, 'hardBounced5xx').uptime === 2, 'the original and its DSN to bounce');
  await drained();
  const log = await mailLog();
  const dsnMid = Number(new RegExp(`MID (\\d+) was generated for bounce of MID ${msg.envelope.mid}\\n`).exec(log)?.[1]);
  assert.ok(dsnMid > msg.envelope.mid);
  assert.match(log, new RegExp(`Bounced: DCID \\d+ MID ${dsnMid} to RID \\[0\\] - 5\\.1\\.1 - .*User unknown`));
  assert.match(log, new RegExp(`Info: MID ${dsnMid} RID \\[0\\] Double bounce: dropped \\(bounce of MID ${msg.envelope.mid}\\)\\n`));
  assert.doesNotMatch(log, new RegExp(`generated for bounce of MID ${dsnMid}\\b`));
  assert.equal(counter(rig.engine, 'genBounceRecipients').uptime, 1, 'only the first DSN');
  assert.equal(rig.backend.messages.length, 0);
});
